#include "indexer/document_builder.hpp"

#include <cstdio>
#include <filesystem>

#include "analysis/date.hpp"
#include "analysis/decompounder.hpp"
#include "analysis/language.hpp"
#include "analysis/tokenizer.hpp"
#include "analysis/utf8.hpp"
#include "format/analysis_config.hpp"
#include "format/duplicate_key.hpp"
#include "format/index_layout.hpp"
#include "format/schema.hpp"
#include "format/stored_document.hpp"
#include "format/tag_records.hpp"
#include "lupe/error.hpp"

namespace lupe::indexer {

namespace schema = format::schema;

namespace {

void check_utf8(const std::string& value, const char* field) {
    if (const auto bad = analysis::find_invalid_utf8(value)) {
        throw DocumentError(std::string("invalid UTF-8 in field \"") + field + "\" at byte " +
                            std::to_string(*bad + 1));
    }
}

// Ids are printed, one per line, in text output, batch and TREC runs, and used as keys by
// the programs that read them: a control character (a newline, an escape sequence, a NUL)
// in one can only be a mistake or an attack.
void check_id_characters(const std::string& id) {
    for (std::size_t i = 0; i < id.size(); ++i) {
        const auto c = static_cast<unsigned char>(id[i]);
        if (c < 0x20 || c == 0x7F) {
            char code[8];
            std::snprintf(code, sizeof code, "U+%04X", c);
            throw DocumentError(std::string("document id holds a control character (") + code +
                                ") at byte " + std::to_string(i + 1));
        }
    }
}

bool is_blank(const std::string& s) {
    return s.find_first_not_of(" \t\r\n\f\v") == std::string::npos;
}

// The document data (display fields) and the text slot's value (the start of the body,
// for snippets): see format/stored_document.hpp.
void store(Xapian::Document& xdoc, const Document& doc, const std::string& lang) {
    xdoc.set_data(format::encode_fields(
        {doc.id, doc.title, lang, doc.date, doc.url, doc.source, doc.author, doc.categories}));
    if (const std::string key = format::duplicate_key_value(doc.duplicate_key); !key.empty()) {
        xdoc.add_value(schema::kDuplicateKeySlot, key);
        xdoc.add_boolean_term(std::string(schema::kDuplicateKeyPrefix) + key);
    }
    // What facets count and filter_source matches (schema::kLangSlot, kSourceSlot).
    xdoc.add_value(schema::kLangSlot, lang);
    if (const std::string_view source =
            analysis::truncate_utf8(doc.source, schema::kMaxSourceValueBytes);
        !source.empty()) {
        xdoc.add_value(schema::kSourceSlot, std::string(source));
    }
    const std::string_view text = analysis::truncate_utf8(doc.body, schema::kMaxStoredTextBytes);
    if (!text.empty()) xdoc.add_value(schema::kTextSlot, format::compress_text(text));
}

}  // namespace

void check_document(const Document& doc) {
    if (doc.id.empty()) throw DocumentError("document has no id");
    if (doc.id.size() > schema::kMaxIdBytes) {
        throw DocumentError("document id is " + std::to_string(doc.id.size()) +
                            " bytes long, above the limit of " + std::to_string(schema::kMaxIdBytes));
    }
    check_utf8(doc.id, "id");
    check_id_characters(doc.id);
    try {
        const std::size_t size = doc.id.size() + doc.title.size() + doc.body.size() +
                                 doc.lang.size() + doc.date.size() + doc.url.size() +
                                 doc.source.size() + doc.author.size() +
                                 doc.duplicate_key.size();
        std::size_t categories = 0;
        for (const std::string& category : doc.categories) categories += category.size() + 1;
        if (size + categories > kMaxDocumentBytes) {
            throw DocumentError(std::to_string(size + categories) + " bytes in all fields, above the limit of " +
                                std::to_string(kMaxDocumentBytes >> 20) + " MiB");
        }
        check_utf8(doc.title, "title");
        check_utf8(doc.body, "body");
        check_utf8(doc.lang, "lang");
        check_utf8(doc.date, "date");
        check_utf8(doc.url, "url");
        check_utf8(doc.source, "source");
        check_utf8(doc.author, "author");
        check_utf8(doc.duplicate_key, "duplicate_key");
        for (const std::string& category : doc.categories) check_utf8(category, "categories");
        if (is_blank(doc.title) && is_blank(doc.body)) throw DocumentError("no text (title and body are empty)");
    } catch (const DocumentError& e) {
        throw DocumentError("document \"" + doc.id + "\": " + e.what());
    }
}

DocumentBuilder::DocumentBuilder(std::string context, std::string default_lang,
                                 unsigned title_weight, analysis::AnalysisConfig analysis_config)
    : context_(std::move(context)),
      default_lang_(std::move(default_lang)),
      title_weight_(title_weight),
      analysis_config_(std::move(analysis_config)) {}

std::string DocumentBuilder::content_hash(const Document& doc, const std::string& tag) const {
    return format::content_hash(doc, default_lang_, tag, title_weight_);
}

std::string DocumentBuilder::resolve_language(const Document& doc, AddOutcome& outcome) const {
    if (!doc.lang.empty()) {
        if (auto tag = analysis::normalize_language_tag(doc.lang)) return *tag;
        outcome.notes.push_back("language tag \"" + doc.lang +
                                "\" is not an ISO 639 code; language detected instead");
    }
    if (!default_lang_.empty()) return default_lang_;
    std::string sample = doc.title;
    sample += '\n';
    sample.append(analysis::truncate_utf8(doc.body, analysis::kDetectionSampleBytes));
    std::string detected = analysis::detect_language(sample);
    return detected.empty() ? std::string(schema::kUndeterminedLang) : detected;
}

namespace {

// "one level deep", "at every level", "3 levels deep"
std::string describe_levels(std::size_t levels) {
    if (levels == 0) return "at every level";
    return levels == 1 ? "one level deep" : std::to_string(levels) + " levels deep";
}

}  // namespace

// Before a German document is analysed, on a worker thread: the word list is read (once,
// by whichever worker needs it first), or the run fails. A German document indexed without
// its compound parts would be found by fewer words than the others, for good and without a
// trace; a missing list is a fault of the installation, not of the document, so it fails
// the run (every later call throws too) instead of being reported per document, which
// would also record the file as done.
void DocumentBuilder::prepare_german(const Document& doc, AddOutcome& outcome) const {
    const auto& splitter = analysis_config_.decompounder;
    if (!splitter) return;
    try {
        splitter->ensure_loaded();
    } catch (const WordListError& e) {
        const bool by_default =
            splitter->source()->origin == analysis::WordListSource::kDefaultOrigin;
        throw WordListError(context_ + ": document \"" + doc.id + "\" is German and " +
                            e.what() + (by_default ? "; install Debian's wngerman package, "
                                                   : "; correct the path, ") +
                            "name another list (IndexWriterOptions::german_word_list), or "
                            "index without compound splitting (IndexWriterOptions::decompound "
                            "= false)");
    }
    if (recorded_word_list_.empty() || word_list_change_noted_.load()) return;
    const auto recorded = format::parse_word_list_record(recorded_word_list_);
    const analysis::WordListFingerprint used = splitter->fingerprint();
    const std::size_t levels = analysis_config_.compound_levels;
    if (recorded && recorded->fingerprint == used && recorded->compound_levels == levels) return;
    if (word_list_change_noted_.exchange(true)) return;
    if (recorded && recorded->fingerprint == used) {
        outcome.notes.push_back(
            "this index's older documents had their compounds split " +
            describe_levels(recorded->compound_levels) + ", new ones " + describe_levels(levels) +
            ": a search for a part may find only the newer ones; rebuild the index "
            "(IndexWriterOptions::rebuild) to split all alike");
        return;
    }
    outcome.notes.push_back(
        "the German word list " + splitter->source()->describe() + " (" + used.to_string() +
        ") differs from the one the index was built with (" +
        (recorded ? recorded->fingerprint.to_string() + " from " + recorded->path
                  : recorded_word_list_) +
        "): compounds of older documents may be split differently; rebuild the index "
        "(IndexWriterOptions::rebuild) to split all with this list");
}

void DocumentBuilder::record_word_list(Xapian::WritableDatabase& db, std::string& recorded) const {
    if (!analysis_config_.decompounder || !recorded.empty()) return;
    const analysis::Decompounder* loaded = analysis_config_.decompounder->if_loaded();
    if (!loaded) return;
    recorded = format::describe(format::WordListRecord{loaded->fingerprint(),
                                                       analysis_config_.decompounder->source()->path,
                                                       analysis_config_.compound_levels});
    db.set_metadata(std::string(schema::kGermanWordListKey), recorded);
}

void DocumentBuilder::write_compiled_word_list(const std::string& generation_dir,
                                               const std::string& recorded) const {
    const auto& splitter = analysis_config_.decompounder;
    if (!splitter || recorded.empty()) return;
    const auto record = format::parse_word_list_record(recorded);
    if (!record) return;
    const std::string path =
        (std::filesystem::path(generation_dir) / format::kCompiledWordListName).string();
    if (analysis::Decompounder::map_compiled(path, record->fingerprint)) return;  // up to date
    try {
        if (splitter->fingerprint() != record->fingerprint) return;  // loads the list
        splitter->write_compiled(path);
    } catch (const Error&) {
        // A list that cannot be read now, a directory that cannot be written: searchers
        // read the host's list, as lupe before 0.6 did.
    }
}

void DocumentBuilder::build(analysis::Analyzer& analyzer, QueuedDocument& q) const {
    const Document& doc = q.doc;
    AddOutcome& outcome = q.outcome;
    outcome.lang = resolve_language(doc, outcome);
    outcome.stemmed = analysis::family_of(outcome.lang) != analysis::Family::Unstemmed;
    const analysis::Family family = analysis::family_of(outcome.lang);
    if (family == analysis::Family::German) prepare_german(doc, outcome);
    Xapian::Document& xdoc = q.xdoc;
    analyzer.vocabulary().begin_document();
    Xapian::termpos pos = 0;
    analyzer.index_text(xdoc, doc.title, family, schema::kBodyField, title_weight_, pos, true);
    pos += schema::kFieldPositionGap;
    analyzer.index_text(xdoc, doc.body, family, schema::kBodyField, 1, pos, true);
    Xapian::termpos title_pos = 0;
    analyzer.index_text(xdoc, doc.title, family, schema::kTitleField, 1, title_pos);
    q.words = pos + title_pos;

    for (const auto& word : analysis::tokenize_words(doc.source)) {
        xdoc.add_boolean_term(std::string(schema::kSourcePrefix) + word);
    }
    xdoc.add_boolean_term(std::string(schema::kLangPrefix) + outcome.lang);
    xdoc.add_boolean_term(q.key);
    std::string oldest_first_key(schema::kUndatedSortKey);
    if (!doc.date.empty()) {
        if (const auto date = analysis::parse_iso_date(doc.date)) {
            xdoc.add_value(schema::kDateSlot, analysis::date_sort_key(*date));
            oldest_first_key = analysis::date_sort_key(*date);
        } else {
            outcome.notes.push_back("date \"" + doc.date +
                                    "\" is not ISO 8601 (YYYY[-MM[-DD]]); kept for "
                                    "display, not searchable with date:");
        }
    }
    xdoc.add_value(schema::kOldestFirstSlot, oldest_first_key);
    store(xdoc, doc, outcome.lang);
    if (q.hash.empty()) q.hash = content_hash(doc, q.tag);
    xdoc.add_value(schema::kContentHashSlot, q.hash);
    if (!q.tag.empty()) xdoc.add_boolean_term(format::tag_term(q.tag));
}

}  // namespace lupe::indexer
