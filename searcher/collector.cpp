#include "searcher/collector.hpp"

#include <string>

#include "analysis/language.hpp"
#include "format/schema.hpp"
#include "format/stored_document.hpp"

namespace lupe::searcher {
namespace schema = format::schema;

namespace {

// A document's stored fields moved into a hit (Result) or a Document, which name them alike.
template <class Target>
void take_fields(format::StoredFields&& fields, Target& out) {
    out.id = std::move(fields.id);
    out.title = std::move(fields.title);
    out.lang = std::move(fields.lang);
    out.date = std::move(fields.date);
    out.url = std::move(fields.url);
    out.source = std::move(fields.source);
    out.author = std::move(fields.author);
    out.categories = std::move(fields.categories);
}

}  // namespace

void collect_results(const Xapian::MSet& mset, std::size_t first_rank,
                     const SearchOptions& options, const HighlightTerms& highlights,
                     analysis::Analyzer& analyzer, const Deadline& deadline,
                     SearchResults& out, std::vector<Xapian::docid>& docids) {
    std::size_t rank = first_rank;
    std::size_t no_snippet_from = 0;  // the first rank left without one, if any
    for (auto it = mset.begin(); it != mset.end(); ++it) {
        Result r;
        r.rank = rank++;
        r.score = it.get_weight();
        docids.push_back(*it);
        const Xapian::Document doc = it.get_document();
        take_fields(format::decode_fields(doc.get_data()), r);
        // The copies of the hit in the whole index: its key's term frequency, less itself
        // (exact, where Xapian's collapse count is a lower bound).
        if (const std::string key = doc.get_value(schema::kDuplicateKeySlot); !key.empty()) {
            const Xapian::doccount copies =
                mset.get_termfreq(std::string(schema::kDuplicateKeyPrefix) + key);
            r.duplicates = copies > 0 ? copies - 1 : 0;
        }
        if (options.snippet_length && !no_snippet_from && deadline.passed()) {
            no_snippet_from = r.rank;
        }
        if (options.snippet_length && !no_snippet_from) {
            std::string text = format::decompress_text(doc.get_value(schema::kTextSlot));
            if (text.empty()) text = r.title;
            const analysis::Family family = analysis::family_of(r.lang);
            r.snippet = make_snippet(text, family, highlights, analyzer, options.snippet_length);
            r.title_highlights = highlight_words(r.title, family, highlights, analyzer);
            if (!options.highlight_open.empty() || !options.highlight_close.empty()) {
                r.snippet_marked = r.snippet.marked(options.highlight_open, options.highlight_close);
                r.title_marked = mark_highlights(r.title, r.title_highlights,
                                                 options.highlight_open, options.highlight_close);
            }
        }
        out.results.push_back(std::move(r));
    }
    if (no_snippet_from) {
        out.notices.push_back("the time limit was reached before the snippets of results " +
                              std::to_string(no_snippet_from) + "-" + std::to_string(rank - 1) +
                              ": they have none");
    }
}

std::optional<Document> stored_document(const Xapian::Database& db, std::string_view id) {
    const std::string id_term = std::string(schema::kIdPrefix).append(id);
    const Xapian::PostingIterator found = db.postlist_begin(id_term);
    if (found == db.postlist_end(id_term)) return std::nullopt;
    const Xapian::Document doc = db.get_document(*found);
    Document out;
    take_fields(format::decode_fields(doc.get_data()), out);
    out.body = format::decompress_text(doc.get_value(schema::kTextSlot));
    return out;
}

}  // namespace lupe::searcher
