// index_sources(): the indexing run behind `lupe-index`: walk the sources, read each file
// with the reader for its format, add every good document, report every bad one.
#include "lupe/index_run.hpp"

#include <chrono>

#include "indexer/readers.hpp"
#include "indexer/source_walker.hpp"
#include "lupe/error.hpp"

namespace lupe {
namespace fs = std::filesystem;

std::size_t IndexRunSummary::indexed() const {
    std::size_t n = 0;
    for (const auto& [lang, count] : added) n += count;
    for (const auto& [lang, count] : replaced) n += count;
    return n;
}

double IndexRunSummary::documents_per_second() const {
    return seconds > 0 ? static_cast<double>(indexed()) / seconds : 0.0;
}

namespace {

class Run {
public:
    Run(IndexWriter& writer, const IndexRunObserver& observer)
        : writer_(writer), observer_(observer), start_(std::chrono::steady_clock::now()) {}

    void source(const std::string& source) {
        indexer::WalkCallbacks walk;
        walk.on_file = [this](const fs::path& path, const std::string& id) { file(path, id); };
        walk.on_problem = [this](const fs::path& path, const std::string& reason, bool fatal) {
            warn(path.string(), 0, reason, fatal);
        };
        indexer::walk_source(source, walk);
    }

    IndexRunSummary finish() {
        writer_.commit();
        summary_.documents_total = writer_.document_count();
        summary_.seconds = elapsed();
        return summary_;
    }

private:
    void file(const fs::path& path, const std::string& id) {
        const indexer::Format format = indexer::format_of(path);
        if (format == indexer::Format::Unsupported) {
            ++summary_.files_skipped;
            return;
        }
        ++summary_.files_read;
        current_ = path.string();
        indexer::ReadCallbacks read;
        read.on_document = [this](Document&& doc, std::size_t line) { add(doc, line); };
        read.on_error = [this](std::size_t line, const std::string& reason) {
            warn(current_, line, reason, true);
        };
        if (format == indexer::Format::Jsonl) {
            indexer::read_jsonl_file(path, read);
        } else {
            indexer::read_text_file(path, id, format == indexer::Format::Markdown, read);
        }
    }

    void add(const Document& doc, std::size_t line) {
        try {
            const AddOutcome outcome = writer_.add_document(doc);
            auto& counts = outcome.replaced ? summary_.replaced : summary_.added;
            ++counts[outcome.lang];
            for (const auto& note : outcome.notes) {
                warn(current_, line, "document \"" + doc.id + "\": " + note, false);
            }
        } catch (const DocumentError& e) {
            warn(current_, line, e.what(), true);
        }
        if (observer_.on_progress) {
            summary_.seconds = elapsed();
            observer_.on_progress(summary_, current_);
        }
    }

    void warn(const std::string& path, std::size_t line, const std::string& message,
              bool document_failed) {
        ++summary_.warnings;
        if (document_failed) ++summary_.failed;
        if (observer_.on_warning) observer_.on_warning({path, line, message, document_failed});
    }

    double elapsed() const {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    }

    IndexWriter& writer_;
    const IndexRunObserver& observer_;
    std::chrono::steady_clock::time_point start_;
    IndexRunSummary summary_;
    std::string current_;
};

}  // namespace

IndexRunSummary index_sources(IndexWriter& writer, const std::vector<std::string>& sources,
                              const IndexRunObserver& observer) {
    Run run(writer, observer);
    for (const auto& source : sources) run.source(source);
    return run.finish();
}

}  // namespace lupe
