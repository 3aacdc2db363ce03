// FileSync's members (see file_sync.hpp for what the class does).
#include "file_sync.hpp"

#include <algorithm>
#include <filesystem>
#include <utility>

#include "lupe/error.hpp"
#include "lupe/shards.hpp"
#include "../readers/feed_reader.hpp"
#include "../readers/html_reader.hpp"
#include "../readers/pdf_reader.hpp"

namespace lupe::sync {

FileSync::FileSync(IndexWriter& writer, const Plan& plan, const IndexRunObserver& observer,
                   const IndexRunOptions& options, std::size_t shard_index,
                   std::size_t shard_count)
    : writer_(writer), plan_(plan), observer_(observer), options_(options),
      shard_index_(shard_index), shard_count_(shard_count),
      start_(std::chrono::steady_clock::now()) {
    summary_.files_total = plan.files_total;
    summary_.bytes_total = plan.bytes_total;
}

void FileSync::run() {
    for (const Entry& e : plan_.entries) {
        if (e.kind == Entry::Kind::Problem) {
            problem(e);
            continue;
        }
        if (!begin_file(e)) continue;
        read_file(e, options_, [this](Document&& doc, std::size_t line) { add(doc, line); },
                  [this](std::size_t line, const std::string& reason) { read_error(line, reason); },
                  [this](std::uint64_t bytes) { read_bytes(bytes); },
                  [this](std::size_t line, const std::string& note) { read_note(line, note); });
        end_file(e);
    }
}

void FileSync::problem(const Entry& e) {
    warn(e.path.string(), 0, e.reason, e.problem == Problem::Fatal);
}

bool FileSync::begin_file(const Entry& e) {
    if (e.format == Format::Unsupported) {
        skip(e, summary_, observer_, [this](const IndexWarning& w) {
            warn(w.path, w.line, w.message, w.document_failed);
        });
        return false;
    }
    const std::string& key = e.key;
    const std::string& state = e.state;
    first_path_ = seen_files_.insert(key).second;
    if (!state.empty() && writer_.tag_record(key) == state) {
        std::size_t count = writer_.count_tagged(key);
        if (!one_document(e.format) || !first_path_ ||
            !other_path_indexed(key, e.id, state, count)) {
            ++summary_.files_unchanged;
            summary_.unchanged += count;
            done(e, summary_.bytes_done);
            return false;
        }
    }
    ++summary_.files_read;
    current_ = e.path.string();
    current_key_ = key;
    current_file_ = std::make_shared<const File>(File{key, current_});
    current_size_ = e.size;
    ids_seen_.clear();
    file_failures_ = 0;
    bytes_before_ = summary_.bytes_done;
    return true;
}

void FileSync::skip(const Entry& e, IndexRunSummary& summary, const IndexRunObserver& observer,
                    const std::function<void(const IndexWarning&)>& warn) {
    ++summary.files_skipped;
    ++summary.files_skipped_by_extension[skipped_extension(e.path)];
    // A file the user named is expected to be read: saying nothing would look like
    // success. One found in a directory is one of many that are not lupe's.
    if (e.named) {
        warn({e.path.string(), 0, "skipped: " + e.reason, false});
    } else if (observer.on_skipped) {
        observer.on_skipped(e.path.string(), e.reason);
    }
}

void FileSync::read_file(const Entry& e, const IndexRunOptions& options,
                         std::function<void(Document&&, std::size_t)> on_document,
                         std::function<void(std::size_t, const std::string&)> on_error,
                         std::function<void(std::uint64_t)> on_bytes,
                         std::function<void(std::size_t, const std::string&)> on_note) {
    readers::ReadCallbacks read;
    read.on_document = std::move(on_document);
    read.on_error = std::move(on_error);
    read.on_bytes = std::move(on_bytes);
    read.on_note = std::move(on_note);
    readers::ReadOptions how;
    how.encoding = options.encoding;
    how.pdf_seconds = options.pdf_seconds;
    how.pdf_memory_bytes = options.pdf_memory_bytes;
    switch (e.format) {
    case Format::Jsonl: return readers::read_jsonl_file(e.path, read);
    case Format::Text:
    case Format::Markdown:
        return readers::read_text_file(e.path, e.id, e.format == Format::Markdown, read, how);
    case Format::Html: return readers::read_html_file(e.path, e.id, read, how);
    case Format::Feed:
    case Format::Xml: return readers::read_feed_file(e.path, e.id, read, how);
    case Format::Pdf: return readers::read_pdf_file(e.path, e.id, read, how);
    case Format::Unsupported: break;
    }
}

void FileSync::read_error(std::size_t line, const std::string& reason) {
    ++file_failures_;
    warn(current_, line, reason, true);
}

void FileSync::read_note(std::size_t line, const std::string& note) {
    warn(current_, line, note, false);
}

void FileSync::read_bytes(std::uint64_t bytes) {
    summary_.bytes_done = bytes_before_ + std::min<std::uint64_t>(bytes, current_size_);
}

void FileSync::end_file(const Entry& e) {
    // Only a file read without reader-level failures (a malformed line, an I/O error, a
    // document without id, an id another file has) tells which of its documents are
    // gone; one that failed keeps its documents, and no state, so that the next run
    // reads it. A document the writer rejected for its content still counts as seen
    // (see add()). (A rebuild holds only what this run read: nothing can be gone.)
    if (file_failures_ == 0) {
        if (writer_.rebuilding()) {
            writer_.set_tag_record(e.key, e.state);
        } else if (e.format == Format::Feed && !options_.mirror_feeds) {
            // A feed is a window onto a stream: items that scrolled out of it stay (an
            // archive; see IndexRunOptions::mirror_feeds).
            writer_.set_tag_record(e.key, e.state);
        } else {
            summary_.deleted += delete_file_documents(
                e.key, [this](const std::string& doc_id) { return ids_seen_.count(doc_id) > 0; });
            writer_.set_tag_record(e.key, e.state);
        }
    }
    done(e, bytes_before_);
}

IndexRunSummary FileSync::finish(bool guard_rebuild) {
    finish_writing(guard_rebuild);
    return summary();
}

void FileSync::finish_writing(bool guard_rebuild) {
    writer_.wait();
    if (writer_.rebuilding()) {
        check_rebuild(guard_rebuild);
    } else {
        delete_vanished_files();
    }
    summary_.documents_total = writer_.document_count();
    writer_.publish();
    summary_.seconds = elapsed();
}

std::string FileSync::where(const std::string& path, std::size_t line) {
    return line ? path + ":" + std::to_string(line) : path;
}

void FileSync::done(const Entry& e, std::uint64_t bytes_before) {
    if (!first_path_) return;
    ++summary_.files_done;
    summary_.bytes_done = bytes_before + e.size;
    progress();
}

// A .txt or .md file has one document, under the id the walker gives it. One under
// another id was indexed through another path to the same file, or under the id of
// lupe 0.4, which did not prefix the ids of several sources: a symbolic link followed
// then (--follow-symlinks, or lupe 0.3, which followed every link) and not now. Such
// documents are deleted, and a file whose own document is missing is read again
// although it did not change (also when another file's document took its id in a run
// of lupe 0.4, which indexed one of "home/todo.md" and "work/todo.md"). (Only on the
// first path that reaches the file in a run: a file that overlapping sources reach
// twice keeps the id of the first.)
// `count`: the file's documents in this writer; on return, those that are left.
// @return whether to read the file again
bool FileSync::other_path_indexed(const std::string& key, const std::string& id,
                                  const std::string& state, std::size_t& count) {
    // Unsharded (or not told), the file's own document is here or nowhere.
    const bool own_shard =
        shard_count_ < 2 || shard_of(id, shard_count_, writer_.shard_routing()) == shard_index_;
    // A file with a state and no document in its own shard lost it to another file's
    // document with the same id (lupe 0.4), or its document was rejected: read it.
    if (count == 0) return own_shard;
    bool own = false;
    const std::size_t deleted =
        delete_file_documents(key, [&](const std::string& doc_id) {
            if (doc_id != id) return false;
            own = true;
            return true;
        });
    summary_.deleted += deleted;
    count -= deleted;
    if (own) return false;
    if (own_shard) return true;  // its state went with its last document
    // This shard has no document of the file, as it should; keep the file's state.
    writer_.set_tag_record(key, state);
    return false;
}

std::size_t FileSync::delete_file_documents(
    const std::string& key, const std::function<bool(const std::string&)>& keep) {
    std::size_t kept = 0;
    const std::size_t deleted = writer_.delete_tagged(key, [&](const std::string& id) {
        if (!keep(id)) return false;
        ++kept;
        return true;
    });
    if (kept == 0) writer_.set_tag_record(key, "");
    return deleted;
}

void FileSync::delete_vanished_files() {
    for (const auto& file : writer_.recorded_tags()) {
        if (seen_files_.count(file)) continue;
        if (!inside_any(file, plan_.roots) || inside_any(file, plan_.unreadable)) continue;
        summary_.deleted += delete_file_documents(
            file, [](const std::string&) { return false; });
    }
}

void FileSync::check_rebuild(bool guard_rebuild) {
    const PublishedIndexCounts published = writer_.published_counts(true);
    summary_.deleted = published.dropped;
    if (!guard_rebuild) return;
    Deletions d(plan_);
    d.documents = published.documents;
    d.total = published.dropped;
    for (const auto& [file, count] : published.tag_documents) {
        if (count == 0) continue;
        bool any = false;
        std::size_t kept = 0;
        for (std::size_t i = 0; i < plan_.sources.size(); ++i) {
            if (!path_inside(file, plan_.sources[i].root)) continue;
            if (!any) kept = writer_.count_tagged(file);
            any = true;
            d.had[i] += count;
            d.gone[i] += count - std::min(count, kept);
        }
    }
    guard(plan_, d, options_, "the rebuilt index was not published, the published one is "
                              "as it was");
    keep_feed_archives(published);
}

void FileSync::guard_feed_archives() {
    if (!writer_.rebuilding() || options_.mirror_feeds || options_.allow_mass_delete) return;
    const bool any_feed = std::any_of(plan_.entries.begin(), plan_.entries.end(),
                                      [](const Entry& e) { return e.format == Format::Feed; });
    if (!any_feed) return;
    writer_.wait();
    keep_feed_archives(writer_.published_counts(true));
}

// A feed's archive, the items that scrolled out of it, is in the published index and in no
// file: a rebuild reads each feed as it is now, and would drop the archive without a word.
// Refused unless the run mirrors feeds or allows mass deletes. (At least the count given:
// a feed's new items hide as many lost ones.)
void FileSync::keep_feed_archives(const PublishedIndexCounts& published) {
    if (options_.mirror_feeds || options_.allow_mass_delete) return;
    std::unordered_set<std::string> feeds;
    for (const Entry& e : plan_.entries) {
        if (e.kind == Entry::Kind::File && e.format == Format::Feed) feeds.insert(e.key);
    }
    std::size_t lost = 0;
    std::string names;
    for (const auto& [file, count] : published.tag_documents) {
        if (!feeds.count(file)) continue;
        const std::size_t kept = writer_.count_tagged(file);
        if (count <= kept) continue;
        lost += count - kept;
        names += (names.empty() ? "" : ", ") + file + " (" + std::to_string(count - kept) + ")";
    }
    if (lost == 0) return;
    throw MassDeleteError(
        "the rebuilt index would lose at least " + std::to_string(lost) +
        " archived feed items, items that are no longer in their feed files (" + names +
        ") and exist only in the published index; the rebuilt index was not published, the "
        "published one is as it was. To rebuild without them, mirror the feeds "
        "(IndexRunOptions::mirror_feeds) or allow the deletion "
        "(IndexRunOptions::allow_mass_delete)");
}

bool FileSync::owns(const std::string& id) const {
    if (shard_count_ < 2) return true;
    return (id.empty() ? 0 : shard_of(id, shard_count_, writer_.shard_routing())) == shard_index_;
}

void FileSync::pass_over(const std::string& id, std::size_t line) {
    if (!id.empty() && !first_of_id(id, line)) return progress();
    ids_seen_.insert(id);
}

void FileSync::add(Document& doc, std::size_t line) {
    const std::string id = doc.id;
    if (!id.empty() && !first_of_id(id, line)) return progress();
    try {
        writer_.add_document_async(
            std::move(doc), current_key_,
            [this, id, path = current_, line](const AddOutcome& outcome) {
                counted(outcome, id, path, line);
            });
        ids_seen_.insert(id);
    } catch (const DocumentError& e) {
        // Rejected for its content (its id is known): it counts as seen, so that an
        // older good version of it stays, and the file's state is recorded. Without an
        // id, nothing tells which document of the file it is: the file stays unrecorded.
        if (id.empty()) {
            ++file_failures_;
        } else {
            ids_seen_.insert(id);
        }
        warn(current_, line, e.what(), true);
        progress();
    }
}

bool FileSync::first_of_id(const std::string& id, std::size_t line) {
    auto it = produced_.find(id);
    if (it == produced_.end()) {
        // Not yet in this run; the index may hold it from a file that is not read
        // because it did not change (or is read later).
        const std::string other = writer_.document_tag(id, current_key_);
        if (other.empty() || other == current_key_ || !still_there(other)) {
            produced_.emplace(id, Place{current_file_, line, false});
            return true;
        }
        auto file = std::make_shared<const File>(File{other, other});
        it = produced_.emplace(id, Place{std::move(file), 0, true}).first;
    }
    Place& first = it->second;
    if (first.indexed_before && first.file->key == current_key_) {
        first = Place{current_file_, line, false};  // its own file, read now
        return true;
    }
    if (first.file->key != current_key_) {
        ++file_failures_;
        warn(current_, line,
             "document \"" + id + "\": " + where(first.file->path, first.line) +
                 " has a document with the same id; not indexed (ids must be unique across "
                 "the sources of an index)",
             true);
        return false;
    }
    // The same line again: the same file reached through overlapping sources.
    if (first.line != line) {
        warn(current_, line,
             "document \"" + id + "\": the same id as line " + std::to_string(first.line) +
                 "; this later line replaces it",
             false);
        first.line = line;
    }
    return true;
}

bool FileSync::still_there(const std::string& file) const {
    if (plan_.files.count(file)) return true;
    if (inside_any(file, plan_.roots)) return false;
    std::error_code ec;
    return std::filesystem::exists(file, ec);
}

void FileSync::counted(const AddOutcome& outcome, const std::string& id,
                       const std::string& path, std::size_t line) {
    if (outcome.unchanged) {
        ++summary_.unchanged;
        return progress();
    }
    auto& counts = outcome.replaced ? summary_.updated : summary_.added;
    ++counts[outcome.lang];
    for (const auto& note : outcome.notes) {
        warn(path, line, "document \"" + id + "\": " + note, false);
    }
    progress();
}

void FileSync::progress() {
    if (observer_.on_progress) {
        summary_.seconds = elapsed();
        observer_.on_progress(summary_, current_);
    }
}

void FileSync::warn(const std::string& path, std::size_t line, const std::string& message,
                    bool document_failed) {
    ++(document_failed ? summary_.failed : summary_.warnings);
    if (observer_.on_warning) observer_.on_warning({path, line, message, document_failed});
}

double FileSync::elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

}  // namespace lupe::sync
