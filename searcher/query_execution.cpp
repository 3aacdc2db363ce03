#include "searcher/query_execution.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include <xapian.h>

#include "analysis/language.hpp"
#include "format/schema.hpp"
#include "lupe/error.hpp"
#include "searcher/collector.hpp"
#include "searcher/facets.hpp"
#include "searcher/feedback.hpp"
#include "searcher/query_builder.hpp"
#include "searcher/query_parser.hpp"
#include "searcher/query_recovery.hpp"
#include "searcher/ranking.hpp"
#include "searcher/spelling.hpp"

namespace lupe::searcher {
namespace schema = format::schema;

namespace {

/// Matches counted exactly for a query that only filters (`date:2019`). Xapian's estimate
/// for a value range alone is crude (it stops after the page), and with every score zero
/// there is no ranking work to save by stopping early; counting is a plain scan.
constexpr Xapian::doccount kExactCountForFilters = 100000;

/// Most documents facets may ask the matcher to look at (SearchOptions::facet_documents):
/// as many as a query that only filters counts, so that facets of a large match set
/// cannot make one search read the whole of a huge index.
constexpr std::size_t kMaxFacetDocuments = kExactCountForFilters;

/// Xapian's own time limit for a shard list with remote shards, where lupe's DeadlineSource
/// cannot go (xapian-tcpsrv does not know it): when the deadline has already passed, a
/// limit this short (0 would mean none) stops the counting at once.
constexpr double kShortestRemoteTimeLimit = 1e-6;

/// Terms of a document searched for its similar documents (Searcher::similar): Omega's
/// MORELIKE takes 40; the near-duplicates and documents on the same story that "more like
/// this" is for share most of a document's 20 most telling terms, and fewer terms make a
/// faster match.
constexpr Xapian::termcount kSimilarTerms = 20;

// The filters of SearchOptions::filter_lang and filter_source, or nullopt for none.
std::optional<Xapian::Query> option_filters(const SearchOptions& options) {
    std::vector<Xapian::Query> filters;
    if (!options.filter_lang.empty()) {
        filters.emplace_back(std::string(schema::kLangPrefix) + options.filter_lang);
    }
    if (!options.filter_source.empty()) {
        // A range whose ends are one string: an exact match on the value, which the
        // remote backend serves too (a MatchDecider it would not).
        filters.emplace_back(Xapian::Query::OP_VALUE_RANGE, schema::kSourceSlot,
                             options.filter_source, options.filter_source);
    }
    if (filters.empty()) return std::nullopt;
    return Xapian::Query(Xapian::Query::OP_AND, filters.begin(), filters.end());
}

// `query` narrowed by `filter` (unchanged in weight).
void narrow(std::optional<Xapian::Query>& query, const Xapian::Query& filter) {
    if (query) query = Xapian::Query(Xapian::Query::OP_FILTER, *query, filter);
}

// The words of expand terms ("ZEtrain", "ZDdrohn"), once each, in their order: what
// Searcher::similar searched, readable.
std::string readable_terms(const std::vector<std::string>& terms) {
    std::vector<std::string> words;
    for (const std::string& term : terms) {
        std::string word = term.substr(schema::kEnglishStemPrefix.size());
        if (std::find(words.begin(), words.end(), word) == words.end()) words.push_back(word);
    }
    std::string out;
    for (const std::string& word : words) {
        if (!out.empty()) out += ' ';
        out += word;
    }
    return out;
}

// What the index holds decides what a query needs to look at: the families of which
// it has documents, and whether a language filter can exclude anything. A few term
// frequency lookups, against two extra posting lists per query word (and one the
// size of the index for the filter) that could match nothing.
void scope(const Xapian::Database& db, const std::string& lang, QueryOptions& q) {
    const Xapian::doccount total = db.get_doccount();
    if (total == 0) return;
    const auto count = [&](std::string_view code) {
        return db.get_termfreq(std::string(schema::kLangPrefix).append(code));
    };
    if (!lang.empty()) {
        q.lang_filter = count(lang) != total;
        return;
    }
    const Xapian::doccount en = count("en"), de = count("de");
    if (en) q.families.push_back(analysis::Family::English);
    if (de) q.families.push_back(analysis::Family::German);
    if (en + de < total) q.families.push_back(analysis::Family::Unstemmed);
}

class Execution {
public:
    Execution(ShardSet& shards, const SearchOptions& options, const Deadline& deadline)
        : shards_(shards), options_(options), deadline_(deadline) {}

    SearchResults run(std::string_view query) {
        SearchResults out = run_once(query, options_.suggest || options_.auto_correct);
        // SearchOptions::auto_correct: nothing found, and a suggestion to run instead. (A
        // suggestion is built from the query as searched, out.query, so it parses.)
        if (options_.auto_correct && out.total_estimate == 0 && !out.suggestion.empty() &&
            !deadline_.passed()) {
            SearchResults corrected = run_once(out.suggestion, false);
            corrected.corrected_from = std::move(out.query);
            corrected.syntax_error = std::move(out.syntax_error);
            return corrected;
        }
        if (!options_.suggest) out.suggestion.clear();
        return out;
    }

    SearchResults run_once(std::string_view query, bool with_suggestion) {
        SearchResults out;
        out.query = std::string(query);
        check_shards(out);
        std::vector<std::string> parse_notices;  // unknown fields searched as words
        const QueryNode root = parse(query, parse_notices, out);
        BuiltQuery built = build(root, std::move(parse_notices), out);
        if (with_suggestion) suggest(out);
        if (built.query) match(built, out);
        return out;
    }

    // "More like this": the most telling terms of the document (Xapian's expand set with
    // the document as the relevance set) searched as one ranked OR, the document itself
    // left out. Only stem terms of the body count (as for feedback): title terms repeat
    // them, and boolean terms (id, language, source, duplicate key) say nothing of the
    // content.
    std::optional<SearchResults> run_similar(std::string_view id) {
        SearchResults out;
        check_shards(out);  // first: the document may be in a missing shard
        const Xapian::Database& db = shards_.db();
        const std::string id_term = std::string(schema::kIdPrefix).append(id);
        const Xapian::PostingIterator found = db.postlist_begin(id_term);
        if (found == db.postlist_end(id_term)) return std::nullopt;
        Xapian::Enquire enquire(db);
        Xapian::RSet rset;
        rset.add_document(*found);
        // A term of this document alone weighs most in the expand set (it is the rarest)
        // and finds nothing else: only terms other documents share are asked for. A term
        // in more than a tenth of the documents ("der", "und" in a short document, which
        // has few terms to choose from) says little of what it is about (as Lucene's
        // MoreLikeThis bounds the document frequency).
        class SharedStemTerms : public Xapian::ExpandDecider {
        public:
            explicit SharedStemTerms(const Xapian::Database& db)
                : db_(db), most_(std::max<Xapian::doccount>(2, db.get_doccount() / 10)) {}
            bool operator()(const std::string& term) const override {
                if (!StemTermsOnly()(term)) return false;
                const Xapian::doccount frequency = db_.get_termfreq(term);
                return frequency > 1 && frequency <= most_;
            }

        private:
            const Xapian::Database& db_;
            Xapian::doccount most_;
        };
        const SharedStemTerms decider(db);
        const Xapian::ESet eset = enquire.get_eset(kSimilarTerms, rset, &decider);
        BuiltQuery built;
        std::vector<std::string> terms;
        for (auto it = eset.begin(); it != eset.end(); ++it) {
            terms.push_back(*it);
            built.highlights.stem_terms.insert(*it);
        }
        out.query = readable_terms(terms);
        if (terms.empty()) return out;  // a document without words has no likes
        built.query = Xapian::Query(
            Xapian::Query::OP_AND_NOT,
            Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end()),
            Xapian::Query(id_term));
        if (!options_.lang.empty()) {
            narrow(built.query, Xapian::Query(std::string(schema::kLangPrefix) + options_.lang));
        }
        restrict(built);
        match(built, out);
        return out;
    }

private:
    void check_shards(SearchResults& out) const {
        out.missing_shards = shards_.missing();
        if (!out.missing_shards.empty() && !options_.allow_partial) {
            throw ShardUnavailableError("index " + shards_.path() + ": " +
                                        shards_.describe_missing() +
                                        "; to search the other shards, allow partial results "
                                        "(SearchOptions::allow_partial)");
        }
    }

    // The filters of the options (language, source, dates) on the query and on its first
    // tier, which stays within the query's matches. With language or source filters, a
    // query with nothing to search for is those filters alone (a query that only filters).
    void restrict(BuiltQuery& built) const {
        if (const std::optional<Xapian::Query> filters = option_filters(options_)) {
            if (!built.query) {
                built.query = *filters;
                built.unranked = true;
            } else {
                narrow(built.query, *filters);
                narrow(built.all_words, *filters);
                narrow(built.first_tier, *filters);
            }
        }
        if (built.query && (!options_.date_from.empty() || !options_.date_to.empty())) {
            const Xapian::Query dates = date_filter(options_.date_from, options_.date_to);
            narrow(built.query, dates);
            narrow(built.all_words, dates);
            narrow(built.first_tier, dates);
        }
    }

    // The query parsed; after a syntax error (when the options allow), the retry that
    // keeps the exclusions it can parse and drops the broken syntax (recover_query):
    // out.query then says what it searched.
    QueryNode parse(std::string_view query, std::vector<std::string>& notices,
                    SearchResults& out) const {
        try {
            return parse_query(query, &notices);
        } catch (const QueryLimitError&) {
            throw;  // not retried: the retry would quietly search for less
        } catch (const QuerySyntaxError& e) {
            if (!options_.retry_plain_on_syntax_error) throw;
            out.syntax_error = e.what();
            notices.clear();
            RecoveredQuery recovered = recover_query(query, &notices);
            out.query = std::move(recovered.text);
            return std::move(recovered.root);
        }
    }

    // The Xapian query for what the index holds, with the date filter; out.notices gets
    // the parser's notices, then the builder's and German splitting's.
    BuiltQuery build(const QueryNode& root, std::vector<std::string> parse_notices,
                     SearchResults& out) {
        QueryOptions query_options;
        query_options.lang = options_.lang;
        query_options.stopwords = options_.stopwords;
        query_options.decompound = options_.decompound;
        query_options.stopword_weight = options_.stopword_weight;
        query_options.title_only = options_.fields == SearchField::Title;
        query_options.vocabulary = &shards_.vocabulary();
        query_options.database = &shards_.db();
        query_options.deadline = &deadline_;
        scope(shards_.db(), options_.lang, query_options);
        // German analysis matters only where there are German documents to match.
        const bool german =
            (options_.lang.empty() || options_.lang == "de") &&
            shards_.db().get_termfreq(std::string(schema::kLangPrefix) + "de") > 0;
        IndexAnalysis& analysis = shards_.analysis();
        const std::optional<std::string> word_list_notice =
            german && options_.decompound ? analysis.prepare_german() : std::nullopt;
        BuiltQuery built = build_query(root, query_options, analysis.analyzer());
        out.notices = std::move(parse_notices);
        out.notices.insert(out.notices.end(), built.notices.begin(), built.notices.end());
        if (word_list_notice) out.notices.push_back(*word_list_notice);
        restrict(built);
        return built;
    }

    // "Did you mean": out.suggestion, for the query as searched (out.query).
    void suggest(SearchResults& out) const {
        std::optional<analysis::Family> family;
        if (!options_.lang.empty()) family = analysis::family_of(options_.lang);
        if (deadline_.passed()) {
            out.notices.push_back("the time limit was reached before the spelling suggestion: "
                                  "none was looked for");
            return;
        }
        SpellingOptions spelling;
        spelling.deadline = &deadline_;
        if (auto s = suggest_query(shards_.db(), shards_.vocabulary(), out.query, family,
                                   shards_.analysis().analyzer(), spelling)) {
            out.suggestion = std::move(s->query);
        }
        if (deadline_.reached()) {
            out.notices.push_back("the time limit was reached while looking for a spelling "
                                  "suggestion: not every word was looked up");
        }
    }

    // The match and the page of results.
    void match(BuiltQuery& built, SearchResults& out) {
        // The matcher stops at the deadline when every shard is local; remote shards get
        // Xapian's own limit, which only stops counting (see SearchOptions::time_limit_seconds).
        const MatcherDeadline matcher(deadline_, shards_.all_local(), shards_.db());
        Xapian::Enquire enquire(shards_.db());
        if (options_.weighting == Weighting::LM && !shards_.all_local()) {
            // lupe's query likelihood is not one of Xapian's schemes, which are all that
            // xapian-tcpsrv can rank with.
            throw InvalidArgumentError(
                "the lm weighting needs local shards: a remote shard's xapian-tcpsrv ranks only "
                "with bm25, bm25+, dph, pl2 or inl2");
        }
        enquire.set_weighting_scheme(*make_weight(options_, shards_.db().get_avlength()));
        if (deadline_.set() && !matcher.stoppable()) {
            enquire.set_time_limit(deadline_.remaining_seconds(kShortestRemoteTimeLimit));
        }
        out.ranked = !built.unranked;
        const SortOrder sort = set_sort(enquire, built.unranked);
        if (options_.collapse_duplicates) enquire.set_collapse_key(schema::kDuplicateKeySlot);
        if (options_.feedback_documents && !built.unranked) {
            if (deadline_.passed()) {
                out.notices.push_back("the time limit was reached before pseudo-relevance "
                                      "feedback: the query was not expanded");
            } else {
                built.query = expand_query(enquire, *built.query, options_, matcher);
                built.first_tier.reset();  // the expansion ranks the first tier too
            }
        }
        // Counts are exact up to the end of the page (+1, to know whether more follow).
        auto check_at_least = static_cast<Xapian::doccount>(options_.offset + options_.limit + 1);
        if (built.unranked) check_at_least = std::max(check_at_least, kExactCountForFilters);
        // Facets count what the matcher looks at: at least facet_documents (facets.hpp).
        std::optional<FacetCounter> facets;
        if (options_.facets) {
            facets.emplace();
            facets->attach(enquire);
            check_at_least = std::max(
                check_at_least, static_cast<Xapian::doccount>(std::min<std::size_t>(
                                    options_.facet_documents, kMaxFacetDocuments)));
        }

        // Two tiers (see ranking.hpp): documents that have every plain word, then the rest.
        const bool tiers =
            built.all_words && sort == SortOrder::Relevance && options_.all_words_first;
        if (tiers && !facets && !built.unranked && (matcher.stoppable() || !deadline_.set()) &&
            tiers_apart_allowed()) {
            match_tiers_apart(built, enquire, matcher, check_at_least, out);
            return;
        }
        const Xapian::Query ranked =
            tiers ? with_tier_bonus(*built.query, *built.all_words) : *built.query;
        enquire.set_query(matcher.bounded(ranked));
        const Xapian::MSet mset = enquire.get_mset(static_cast<Xapian::doccount>(options_.offset),
                                                   static_cast<Xapian::doccount>(options_.limit),
                                                   check_at_least);
        enquire.clear_matchspies();  // a recount after a time limit must not count again
        count(enquire, ranked, mset, matcher, out);
        // Collapsing, Xapian's estimate stays loose (its upper bound counts every match as
        // if none were collapsed) even when the matcher saw every match: then its lower
        // bound, the matches left after collapsing, is the count.
        if (options_.collapse_duplicates && !out.time_limited &&
            mset.get_uncollapsed_matches_lower_bound() < check_at_least) {
            out.total_estimate = mset.get_matches_lower_bound();
        }
        if (facets) {
            // Facets count copies: scaled by the matches before collapsing.
            const std::size_t documents = options_.collapse_duplicates
                                              ? mset.get_uncollapsed_matches_estimated()
                                              : out.total_estimate;
            out.facets = facets->facets(mset, check_at_least, out.time_limited, documents,
                                        options_.facet_values);
        }

        std::vector<Xapian::docid> docids;
        collect_results(mset, options_.offset + 1, options_, built.highlights,
                        shards_.analysis().analyzer(), deadline_, out, docids);
        if (tiers) {
            take_tier_bonus(out.results);
        } else if (built.all_words && !out.results.empty()) {
            mark_matched_all(shards_.db(), *built.all_words, docids, out.results);
        }
    }

    // Whether the tiers may be matched one after the other (match_tiers_apart()): not when
    // copies of a story are collapsed and the index has any (a copy in each tier would be
    // listed twice; one pass collapses them into the first tier's). Nor with facets, which
    // count every match, nor on remote shards, whose time limit count() reads otherwise.
    bool tiers_apart_allowed() const {
        return !options_.collapse_duplicates ||
               shards_.db().get_value_freq(schema::kDuplicateKeySlot) == 0;
    }

    // The two tiers as two matches (ranking.hpp): the first tier (BuiltQuery::first_tier,
    // or the query filtered by every plain word) for the page, and the second (the query
    // without them) only when the first does not fill the page. One pass with the bonus
    // reads every word's postings twice, a third more work on 2-3 word queries of
    // gesetze-de, where the first tier alone fills most pages. Same results, ranks and
    // scores as one pass (the bonus taken off there); counts are Xapian's estimates of
    // each tier, added.
    void match_tiers_apart(BuiltQuery& built, Xapian::Enquire& enquire,
                           const MatcherDeadline& matcher, Xapian::doccount check_at_least,
                           SearchResults& out) {
        const Xapian::Query first =
            built.first_tier ? *built.first_tier
                             : Xapian::Query(Xapian::Query::OP_FILTER, *built.query, *built.all_words);
        const Xapian::Query second(Xapian::Query::OP_AND_NOT, *built.query, *built.all_words);
        enquire.set_query(matcher.bounded(first));
        const Xapian::MSet top = enquire.get_mset(static_cast<Xapian::doccount>(options_.offset),
                                                  static_cast<Xapian::doccount>(options_.limit),
                                                  check_at_least);
        std::vector<Xapian::docid> docids;
        collect_results(top, options_.offset + 1, options_, built.highlights,
                        shards_.analysis().analyzer(), deadline_, out, docids);
        for (Result& r : out.results) r.matched_all = true;
        out.time_limited = matcher.stopped();
        // The matcher saw every first-tier document when they do not fill the page
        // (check_at_least reaches past it): then their count is exact.
        const Xapian::doccount first_count = top.get_matches_estimated();
        const bool page_full = top.size() >= options_.limit;
        if (page_full || out.time_limited) {
            // No second match; the second tier's count from the term statistics alone
            // (no postings are read for a match of no documents).
            enquire.set_query(second);
            out.total_estimate = first_count + enquire.get_mset(0, 0).get_matches_estimated();
            if (out.time_limited) {
                enquire.set_query(first);
                out.total_estimate = std::max<std::size_t>(
                    out.total_estimate, enquire.get_mset(0, 0).get_matches_estimated());
            }
            return;
        }
        const std::size_t skipped = options_.offset > first_count ? options_.offset - first_count : 0;
        enquire.set_query(matcher.bounded(second));
        const Xapian::MSet rest = enquire.get_mset(
            static_cast<Xapian::doccount>(skipped),
            static_cast<Xapian::doccount>(options_.limit - top.size()),
            static_cast<Xapian::doccount>(check_at_least - std::min(check_at_least, first_count)));
        const std::size_t first_of_rest = out.results.size();
        collect_results(rest, options_.offset + top.size() + 1, options_, built.highlights,
                        shards_.analysis().analyzer(), deadline_, out, docids);
        for (std::size_t i = first_of_rest; i < out.results.size(); ++i) {
            out.results[i].matched_all = false;
        }
        out.time_limited = matcher.stopped();
        out.total_estimate = first_count + rest.get_matches_estimated();
        if (out.time_limited) {
            enquire.set_query(second);
            out.total_estimate = std::max<std::size_t>(
                out.total_estimate, first_count + enquire.get_mset(0, 0).get_matches_estimated());
        }
    }

    // The order of the results. A query that only filters has no ranking (every weight is
    // 0): its matches are listed newest first instead of in index order.
    SortOrder set_sort(Xapian::Enquire& enquire, bool unranked) const {
        const SortOrder sort = unranked && options_.sort == SortOrder::Relevance
                                   ? SortOrder::NewestFirst
                                   : options_.sort;
        // By value slots, which the remote backend serves too (a KeyMaker it does not):
        // newest first on the date (undated, empty, last), oldest first on the slot that
        // gives the undated a key after every date.
        if (sort == SortOrder::NewestFirst) {
            enquire.set_sort_by_value_then_relevance(schema::kDateSlot, true);
        } else if (sort == SortOrder::OldestFirst) {
            enquire.set_sort_by_value_then_relevance(schema::kOldestFirstSlot, false);
        }
        return sort;
    }

    // out.total_estimate and out.time_limited after the match.
    void count(Xapian::Enquire& enquire, const Xapian::Query& ranked, const Xapian::MSet& mset,
               const MatcherDeadline& matcher, SearchResults& out) const {
        out.total_estimate = mset.get_matches_estimated();
        if (matcher.stoppable()) {
            out.time_limited = matcher.stopped();  // the source ended the match (or feedback's)
        } else if (deadline_.set()) {
            // Xapian does not say whether its limit struck: it can only have when the match
            // was still running at the deadline, and then it left the count unfinished.
            out.time_limited = deadline_.passed() &&
                               mset.get_matches_lower_bound() != mset.get_matches_upper_bound();
        }
        if (out.time_limited && matcher.stoppable()) {
            // The count covers the documents considered only: Xapian's estimate from the
            // term statistics (no postings read) says how many match.
            enquire.set_query(ranked);
            out.total_estimate = std::max<std::size_t>(
                out.total_estimate, enquire.get_mset(0, 0).get_matches_estimated());
        }
    }

    ShardSet& shards_;
    const SearchOptions& options_;
    const Deadline& deadline_;
};

}  // namespace

SearchResults execute_query(ShardSet& shards, std::string_view query,
                            const SearchOptions& options, const Deadline& deadline) {
    return Execution(shards, options, deadline).run(query);
}

std::optional<SearchResults> execute_similar(ShardSet& shards, std::string_view id,
                                             const SearchOptions& options,
                                             const Deadline& deadline) {
    return Execution(shards, options, deadline).run_similar(id);
}

}  // namespace lupe::searcher
