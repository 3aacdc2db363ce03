// IndexWriter: validation of documents, language resolution, term generation through the
// shared Analyzer, and the Xapian write path.
#include "lupe/index_writer.hpp"

#include <filesystem>
#include <utility>

#include <nlohmann/json.hpp>
#include <xapian.h>

#include "analysis/analysis_config.hpp"
#include "analysis/analyzer.hpp"
#include "analysis/decompounder.hpp"
#include "analysis/date.hpp"
#include "analysis/language.hpp"
#include "analysis/schema.hpp"
#include "analysis/utf8.hpp"
#include "lupe/error.hpp"
#include "src/xapian_error.hpp"

namespace lupe {
namespace fs = std::filesystem;
namespace schema = analysis::schema;

namespace {

void check_utf8(const std::string& value, const char* field) {
    if (const auto bad = analysis::find_invalid_utf8(value)) {
        throw DocumentError(std::string("invalid UTF-8 in field \"") + field + "\" at byte " +
                            std::to_string(*bad + 1));
    }
}

bool is_blank(const std::string& s) {
    return s.find_first_not_of(" \t\r\n\f\v") == std::string::npos;
}

// A directory that is neither empty nor a Xapian database must not be written into:
// `lupe-index --index ~/Documents` would otherwise scatter index files among the user's.
void refuse_foreign_directory(const std::string& path) {
    std::error_code ec;
    if (!fs::exists(path, ec)) return;
    if (!fs::is_directory(path, ec)) {
        throw IndexCorruptError("index " + path + ": exists and is not a directory");
    }
    if (fs::is_empty(path, ec)) return;
    for (const char* marker : {"iamglass", "iamchert", "iamhoney"}) {
        if (fs::exists(fs::path(path) / marker, ec)) return;
    }
    throw IndexCorruptError("index " + path +
                            ": directory is not empty and holds no Xapian database; "
                            "give lupe-index a new or empty directory for the index");
}


// The document data: a JSON object with id, title, lang, date, url, source and the start
// of the body for snippets (see schema::kMaxStoredTextBytes). The searcher reads it back.
std::string stored_data(const Document& doc, const std::string& lang) {
    nlohmann::json data = {{"id", doc.id}, {"title", doc.title}, {"lang", lang}};
    if (!doc.date.empty()) data["date"] = doc.date;
    if (!doc.url.empty()) data["url"] = doc.url;
    if (!doc.source.empty()) data["source"] = doc.source;
    data["text"] = std::string(analysis::truncate_utf8(doc.body, schema::kMaxStoredTextBytes));
    return data.dump();
}

}  // namespace

struct IndexWriter::Impl {
    std::string path;
    IndexWriterOptions options;
    Xapian::WritableDatabase db;
    std::unique_ptr<analysis::Analyzer> analyzer;
    std::size_t pending = 0;
    bool in_transaction = false;

    // Changes are made inside a Xapian transaction, so that what commit() has not made
    // durable is discarded on close, not committed behind the caller's back by
    // WritableDatabase's destructor (which would also swallow a failed commit).
    void begin() {
        db.begin_transaction(/*flushed=*/true);
        in_transaction = true;
    }

    ~Impl() {
        if (!in_transaction) return;
        try {
            db.cancel_transaction();
        } catch (const Xapian::Error&) {
            // Nothing was committed, nothing can be lost: the index keeps its last commit.
        }
    }

    std::string context() const { return "index " + path; }

    std::string resolve_language(const Document& doc, AddOutcome& outcome) const {
        if (!doc.lang.empty()) {
            if (auto tag = analysis::normalize_language_tag(doc.lang)) return *tag;
            outcome.notes.push_back("language tag \"" + doc.lang +
                                    "\" is not an ISO 639 code; language detected instead");
        }
        if (!options.default_lang.empty()) return options.default_lang;
        std::string sample = doc.title;
        sample += '\n';
        sample.append(analysis::truncate_utf8(doc.body, analysis::kDetectionSampleBytes));
        std::string detected = analysis::detect_language(sample);
        return detected.empty() ? std::string(schema::kUndeterminedLang) : detected;
    }

    Xapian::Document build(const Document& doc, const std::string& lang, AddOutcome& outcome) {
        const analysis::Family family = analysis::family_of(lang);
        Xapian::Document xdoc;
        Xapian::termpos pos = 0;
        analyzer->index_text(xdoc, doc.title, family, schema::kBodyField, options.title_weight, pos);
        pos += schema::kFieldPositionGap;
        analyzer->index_text(xdoc, doc.body, family, schema::kBodyField, 1, pos);
        Xapian::termpos title_pos = 0;
        analyzer->index_text(xdoc, doc.title, family, schema::kTitleField, 1, title_pos);

        for (const auto& word : analysis::tokenize_words(doc.source)) {
            xdoc.add_boolean_term(std::string(schema::kSourcePrefix) + word);
        }
        xdoc.add_boolean_term(std::string(schema::kLangPrefix) + lang);
        xdoc.add_boolean_term(std::string(schema::kIdPrefix) + doc.id);
        if (!doc.date.empty()) {
            if (const auto date = analysis::parse_iso_date(doc.date)) {
                xdoc.add_value(schema::kDateSlot, analysis::date_sort_key(*date));
            } else {
                outcome.notes.push_back("date \"" + doc.date +
                                        "\" is not ISO 8601 (YYYY[-MM[-DD]]); kept for "
                                        "display, not searchable with date:");
            }
        }
        xdoc.set_data(stored_data(doc, lang));
        return xdoc;
    }
};


IndexWriter::IndexWriter(const std::string& path, IndexWriterOptions options)
    : impl_(std::make_unique<Impl>()) {
    if (!options.default_lang.empty() && options.default_lang != "en" &&
        options.default_lang != "de") {
        throw InvalidArgumentError("default language \"" + options.default_lang +
                                   "\" is not supported; use \"en\" or \"de\" (or leave it "
                                   "empty to detect each document's language)");
    }
    if (options.title_weight < 1 || options.title_weight > 20) {
        throw InvalidArgumentError("title weight " + std::to_string(options.title_weight) +
                                   " is out of range 1..20");
    }
    impl_->path = path;
    impl_->options = std::move(options);
    analysis::AnalysisConfig analysis;
    analysis.fold = impl_->options.fold;
    if (impl_->options.decompound) {
        analysis.decompounder = analysis::Decompounder::german();
        if (!analysis.decompounder) {
            throw IoError("index " + path + ": the German word list " +
                          std::string(analysis::kGermanWordListPath) +
                          " cannot be read (install Debian's wngerman package, set "
                          "LUPE_GERMAN_WORDLIST, or index without compound splitting)");
        }
    }
    const std::string wanted = analysis::describe(analysis);
    impl_->analyzer = std::make_unique<analysis::Analyzer>(std::move(analysis));
    refuse_foreign_directory(path);
    std::error_code ec;
    const fs::path parent = fs::path(path).parent_path();
    if (!parent.empty()) fs::create_directories(parent, ec);
    if (ec) throw IoError("index " + path + ": cannot create " + parent.string() + ": " + ec.message());
    try {
        impl_->db = Xapian::WritableDatabase(path, Xapian::DB_CREATE_OR_OPEN);
        const std::string format = impl_->db.get_metadata(std::string(schema::kFormatKey));
        if (format.empty()) {
            if (impl_->db.get_doccount() != 0) {
                throw IndexCorruptError("index " + path +
                                        ": a Xapian database, but not a lupe index (no " +
                                        std::string(schema::kFormatKey) + " metadata)");
            }
            impl_->db.set_metadata(std::string(schema::kFormatKey),
                                   std::string(schema::kFormatValue));
        } else if (format != schema::kFormatValue) {
            throw IndexCorruptError("index " + path + ": lupe index format " + format +
                                    ", this lupe reads format " +
                                    std::string(schema::kFormatValue) + "; rebuild it");
        }
        const std::string recorded = impl_->db.get_metadata(std::string(schema::kAnalysisKey));
        if (recorded != wanted) {
            if (impl_->db.get_doccount() != 0) {
                throw InvalidArgumentError(
                    "index " + path + ": its documents were analysed with \"" + recorded +
                    "\", this run asks for \"" + wanted +
                    "\"; use the same settings, or build a new index");
            }
            impl_->db.set_metadata(std::string(schema::kAnalysisKey), wanted);
        }
        impl_->db.commit();
        impl_->begin();
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, impl_->context());
    }
}

IndexWriter::~IndexWriter() = default;
IndexWriter::IndexWriter(IndexWriter&&) noexcept = default;
IndexWriter& IndexWriter::operator=(IndexWriter&&) noexcept = default;

AddOutcome IndexWriter::add_document(const Document& doc) {
    if (doc.id.empty()) throw DocumentError("document has no id");
    if (doc.id.size() > schema::kMaxIdBytes) {
        throw DocumentError("document id is " + std::to_string(doc.id.size()) +
                            " bytes long, above the limit of " + std::to_string(schema::kMaxIdBytes));
    }
    check_utf8(doc.id, "id");
    const std::string where = "document \"" + doc.id + "\": ";
    try {
        check_utf8(doc.title, "title");
        check_utf8(doc.body, "body");
        check_utf8(doc.lang, "lang");
        check_utf8(doc.date, "date");
        check_utf8(doc.url, "url");
        check_utf8(doc.source, "source");
        if (is_blank(doc.title) && is_blank(doc.body)) throw DocumentError("no text (title and body are empty)");
    } catch (const DocumentError& e) {
        throw DocumentError(where + e.what());
    }

    AddOutcome outcome;
    outcome.lang = impl_->resolve_language(doc, outcome);
    outcome.stemmed = analysis::family_of(outcome.lang) != analysis::Family::Unstemmed;
    try {
        Xapian::Document xdoc = impl_->build(doc, outcome.lang, outcome);
        const std::string key = std::string(schema::kIdPrefix) + doc.id;
        outcome.replaced = impl_->db.term_exists(key);
        impl_->db.replace_document(key, xdoc);
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, impl_->context() + ", " + where.substr(0, where.size() - 2));
    }
    if (impl_->options.batch_size && ++impl_->pending >= impl_->options.batch_size) commit();
    return outcome;
}

bool IndexWriter::delete_document(const std::string& id) {
    const std::string key = std::string(schema::kIdPrefix) + id;
    try {
        if (!impl_->db.term_exists(key)) return false;
        impl_->db.delete_document(key);
        ++impl_->pending;
        return true;
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, impl_->context() + ", document \"" + id + "\"");
    }
}

void IndexWriter::commit() {
    try {
        if (impl_->in_transaction) {
            impl_->in_transaction = false;
            impl_->db.commit_transaction();
        }
        impl_->pending = 0;
        impl_->begin();
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, impl_->context() + ": commit failed");
    }
}

std::size_t IndexWriter::document_count() const {
    try {
        return impl_->db.get_doccount();
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, impl_->context());
    }
}

const std::string& IndexWriter::path() const noexcept { return impl_->path; }

}  // namespace lupe
