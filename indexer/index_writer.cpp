// IndexWriter: validation of documents, language resolution, term generation through the
// shared Analyzer, and the Xapian write path.
#include "lupe/index_writer.hpp"

#include <unistd.h>

#include <cstdint>
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
#include "src/index_layout.hpp"
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
    for (const char* marker : {"iamglass", "iamchert", "iamhoney", detail::kStubName, "lock"}) {
        if (fs::exists(fs::path(path) / marker, ec)) return;
    }
    throw IndexCorruptError("index " + path +
                            ": directory is not empty and holds no Xapian database; "
                            "give lupe-index a new or empty directory for the index");
}


// FNV-1a, 64 bits: a stable hash (std::hash may differ between builds), for the content
// hash slot and for naming input files in terms and metadata keys.
std::uint64_t fnv1a(std::string_view data, std::uint64_t h = 1469598103934665603ull) {
    for (unsigned char c : data) {
        h ^= c;
        h *= 1099511628211ull;
    }
    return h;
}

std::string hex64(std::uint64_t v) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out(16, '0');
    for (int i = 15; i >= 0; --i, v >>= 4) out[static_cast<std::size_t>(i)] = kDigits[v & 15];
    return out;
}

std::string file_term(const std::string& file) {
    return std::string(schema::kSourceFilePrefix) + hex64(fnv1a(file));
}

std::string file_state_key(const std::string& file) {
    return std::string(schema::kFileStatePrefix) + hex64(fnv1a(file));
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
    // Declared first, so that it is released last, after the database is closed.
    std::unique_ptr<detail::WriterLock> lock;
    std::string path;
    std::string build_dir;  // a full rebuild's database, until publish(); empty otherwise
    std::string generation; // the published generation written to (incremental runs)
    bool published = false;
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

    // What decides whether a document must be indexed again: its fields as given, the
    // settings that shape its terms, and the file it came from.
    std::string content_hash(const Document& doc, const std::string& source_file) const {
        std::uint64_t h = fnv1a("lupe-doc-v1");
        for (const std::string* field : {&doc.id, &doc.title, &doc.body, &doc.lang, &doc.date,
                                         &doc.url, &doc.source, &options.default_lang,
                                         &source_file}) {
            h = fnv1a(*field, h);
            h = fnv1a(std::string_view("\0", 1), h);
        }
        h = fnv1a(std::to_string(options.title_weight), h);
        return hex64(h);
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
    fs::create_directories(path, ec);
    if (ec) throw IoError("index " + path + ": cannot create the directory: " + ec.message());
    impl_->lock = std::make_unique<detail::WriterLock>(path, impl_->options.lock_wait_seconds);
    try {
        const bool plain_database = fs::exists(fs::path(path) / "iamglass", ec);
        std::string db_path = path;
        int flags = Xapian::DB_CREATE_OR_OPEN;
        if (impl_->options.rebuild) {
            if (plain_database) {
                throw InvalidArgumentError("index " + path + ": a single-database index of lupe "
                                           "0.1 cannot be rebuilt in place; build into a new directory");
            }
            impl_->build_dir = (fs::path(path) / ("build-" + std::to_string(::getpid()))).string();
            fs::remove_all(impl_->build_dir, ec);
            db_path = impl_->build_dir;
            // Nothing is published until the compacted copy is: no need to sync each batch.
            flags = Xapian::DB_CREATE | Xapian::DB_NO_SYNC;
        } else if (!plain_database) {
            auto generation = detail::published_generation(path);
            if (!generation) {
                generation = detail::next_generation(std::nullopt);
                Xapian::WritableDatabase(
                    (fs::path(path) / *generation).string(), Xapian::DB_CREATE_OR_OPEN).commit();
                detail::publish_generation(path, *generation);
            }
            db_path = (fs::path(path) / *generation).string();
            impl_->generation = *generation;
        }
        impl_->db = Xapian::WritableDatabase(db_path, flags);
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
                    "\"; use the same settings, or rebuild it (--full)");
            }
            impl_->db.set_metadata(std::string(schema::kAnalysisKey), wanted);
        }
        impl_->db.commit();
        impl_->begin();
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, impl_->context());
    }
}

void IndexWriter::publish() {
    commit();
    if (impl_->published) return;
    if (impl_->build_dir.empty()) {
        // Incremental: what is published stays; leftovers of killed runs (a rebuild's
        // build directory, a generation compacted but never published) go.
        if (!impl_->generation.empty()) detail::remove_unused_generations(impl_->path, impl_->generation);
        return;
    }
    try {
        impl_->in_transaction = false;
        impl_->db.close();
        const auto next = detail::next_generation(detail::published_generation(impl_->path));
        const std::string next_dir = (fs::path(impl_->path) / next).string();
        std::error_code ec;
        fs::remove_all(next_dir, ec);
        // Compaction writes a fresh, dense copy (Xapian's Compactor); it is what searchers
        // will open, so the build itself never had to be synced.
        Xapian::Database(impl_->build_dir).compact(next_dir);
        detail::publish_generation(impl_->path, next);
        impl_->published = true;
        detail::remove_unused_generations(impl_->path, next);
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, impl_->context() + ": publishing the rebuilt index failed");
    }
}

IndexWriter::~IndexWriter() = default;
IndexWriter::IndexWriter(IndexWriter&&) noexcept = default;
IndexWriter& IndexWriter::operator=(IndexWriter&&) noexcept = default;

AddOutcome IndexWriter::add_document(const Document& doc, const std::string& source_file) {
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
    const std::string key = std::string(schema::kIdPrefix) + doc.id;
    const std::string hash = impl_->content_hash(doc, source_file);
    try {
        const Xapian::PostingIterator existing = impl_->db.postlist_begin(key);
        if (existing != impl_->db.postlist_end(key)) {
            outcome.replaced = true;
            const Xapian::Document old = impl_->db.get_document(*existing);
            if (old.get_value(schema::kContentHashSlot) == hash) {
                outcome.unchanged = true;
                outcome.replaced = false;
                const auto data = nlohmann::json::parse(old.get_data(), nullptr, false);
                const auto lang = data.find("lang");
                outcome.lang = lang != data.end() && lang->is_string() ? lang->get<std::string>() : "";
                outcome.stemmed = analysis::family_of(outcome.lang) != analysis::Family::Unstemmed;
                return outcome;
            }
        }
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, impl_->context() + ", " + where.substr(0, where.size() - 2));
    }
    outcome.lang = impl_->resolve_language(doc, outcome);
    outcome.stemmed = analysis::family_of(outcome.lang) != analysis::Family::Unstemmed;
    try {
        Xapian::Document xdoc = impl_->build(doc, outcome.lang, outcome);
        xdoc.add_value(schema::kContentHashSlot, hash);
        if (!source_file.empty()) xdoc.add_boolean_term(file_term(source_file));
        impl_->db.replace_document(key, xdoc);
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, impl_->context() + ", " + where.substr(0, where.size() - 2));
    }
    if (impl_->options.batch_size && ++impl_->pending >= impl_->options.batch_size) commit();
    return outcome;
}

std::string IndexWriter::source_file_state(const std::string& file) const {
    try {
        const std::string value = impl_->db.get_metadata(file_state_key(file));
        const std::size_t path_at = value.find(' ', value.find(' ') + 1);
        return path_at == std::string::npos ? std::string() : value.substr(0, path_at);
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, impl_->context());
    }
}

void IndexWriter::set_source_file_state(const std::string& file, const std::string& state) {
    try {
        impl_->db.set_metadata(file_state_key(file), state + " " + file);
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, impl_->context());
    }
}

std::size_t IndexWriter::count_source_file_documents(const std::string& file) const {
    try {
        return impl_->db.get_termfreq(file_term(file));
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, impl_->context());
    }
}

std::size_t IndexWriter::delete_source_file_documents(
    const std::string& file, const std::function<bool(const std::string&)>& keep) {
    try {
        const std::string term = file_term(file);
        std::vector<std::string> doomed;
        std::size_t kept = 0;
        for (auto it = impl_->db.postlist_begin(term); it != impl_->db.postlist_end(term); ++it) {
            const Xapian::Document d = impl_->db.get_document(*it);
            for (auto t = d.termlist_begin(); t != d.termlist_end(); ++t) {
                const std::string& name = *t;
                if (name.compare(0, schema::kIdPrefix.size(), schema::kIdPrefix) != 0) continue;
                const std::string id = name.substr(schema::kIdPrefix.size());
                if (keep(id)) ++kept;
                else doomed.push_back(name);
                break;
            }
        }
        for (const auto& key : doomed) impl_->db.delete_document(key);
        if (kept == 0) impl_->db.set_metadata(file_state_key(file), "");
        impl_->pending += doomed.size();
        return doomed.size();
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, impl_->context());
    }
}

std::vector<std::string> IndexWriter::source_files() const {
    std::vector<std::string> files;
    try {
        const std::string prefix(schema::kFileStatePrefix);
        for (auto it = impl_->db.metadata_keys_begin(prefix); it != impl_->db.metadata_keys_end(prefix); ++it) {
            const std::string value = impl_->db.get_metadata(*it);
            const std::size_t path_at = value.find(' ', value.find(' ') + 1);
            if (path_at != std::string::npos) files.push_back(value.substr(path_at + 1));
        }
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, impl_->context());
    }
    return files;
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
    if (impl_->published) throw LogicError(impl_->context() + ": the writer was published; open a new one");
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
