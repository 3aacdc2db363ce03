// How a lupe index lies on disk, and how a new version of it is published atomically.
//
// Design note. An index directory holds generations and a Xapian stub file:
//
//     DIR/XAPIANDB        "auto gen-000003": the published generation (Xapian opens a
//                         directory holding a XAPIANDB stub as the database it names)
//     DIR/gen-000003/     a glass database
//     DIR/lock            the writers' lock (flock), with the holder's pid for messages
//     DIR/build-*         a full rebuild in progress (never read by searchers)
//
// An incremental run writes into the published generation with batched commits: Xapian
// readers always see the last commit, never a half-written batch. A full rebuild writes a
// new database beside the live one, compacts it into the next generation, and publishes
// it by renaming a new stub over the old one (rename(2) is atomic), so searchers see
// either the old index or the new one. Old generations are removed once no searcher holds
// them: each searcher keeps a shared flock on its generation's "readers" file, and a
// generation is removed only when an exclusive lock on that file can be taken.
//
// We chose the stub over a symlink swap because Xapian reads stubs itself: any Xapian
// tool (xapian-delve, xapian-check DIR/gen-N) and lupe 0.1-style "open DIR" keep working.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace lupe::format {

/// The stub file's name inside an index directory.
inline constexpr const char* kStubName = "XAPIANDB";
/// The writers' lock file in an index directory (see WriterLock).
inline constexpr const char* kLockName = "lock";
/// The file in a generation's directory on which searchers hold their shared lock (see
/// GenerationReadLock).
inline constexpr const char* kReadersName = "lupe-readers";
/// The file in a generation's directory that holds the German word list the generation was
/// split with, compiled (analysis::Decompounder::write_compiled()), for searchers to map
/// instead of reading the host's list. Optional: an index without it (lupe before 0.6, no
/// German documents, a remote shard) is searched with the host's list, as before.
inline constexpr const char* kCompiledWordListName = "lupe-german-words";
/// How a generation's directory name starts: "gen-" and six or more digits.
inline constexpr std::string_view kGenerationPrefix = "gen-";
/// How a rebuild's directory name starts: "build-" and the writer's process id.
inline constexpr std::string_view kBuildPrefix = "build-";
/// How the databases of a rebuild's workers are named inside its directory: "shard-" and
/// the worker's number from 0 (compacted into one generation on publish).
inline constexpr std::string_view kBuildShardPrefix = "shard-";

/// The files by which Xapian knows a database directory of each backend (glass, the
/// default of Xapian 1.4, and the older chert and honey).
inline constexpr const char* kGlassMarker = "iamglass";
inline constexpr const char* kXapianDatabaseMarkers[] = {kGlassMarker, "iamchert", "iamhoney"};

/// A rebuild's directory name for the writer of process `pid` ("build-4711").
std::string build_directory_name(long pid);

/// The directory name of worker `worker`'s database inside a rebuild's directory.
std::string build_shard_name(std::size_t worker);

/// The published generation's directory name ("gen-000003"), or nullopt when `dir` has no
/// stub (a new index, or a plain Xapian database).
std::optional<std::string> published_generation(const std::string& dir);

/// The name of the generation after `current` ("gen-000001" when there is none).
std::string next_generation(const std::optional<std::string>& current);

/// Atomically make `generation` the published one: write the stub to a temporary file,
/// fsync it, rename it over the stub, fsync the directory. Throws IoError.
void publish_generation(const std::string& dir, const std::string& generation);

/// Remove the generations of `dir` other than `keep` that no searcher holds, and leftover
/// build directories of runs that died. Returns how many were removed; never throws.
int remove_unused_generations(const std::string& dir, const std::string& keep);

/// A shared lock held by a searcher on a generation, so that a writer does not remove it
/// while it is read. Move-only; released on destruction.
class GenerationReadLock {
public:
    GenerationReadLock() = default;
    explicit GenerationReadLock(const std::string& generation_dir);
    ~GenerationReadLock();
    GenerationReadLock(GenerationReadLock&& other) noexcept;
    GenerationReadLock& operator=(GenerationReadLock&& other) noexcept;
    GenerationReadLock(const GenerationReadLock&) = delete;
    GenerationReadLock& operator=(const GenerationReadLock&) = delete;

private:
    int fd_ = -1;
};

/// The writers' lock on an index directory (flock on DIR/lock). The kernel releases it
/// when the holder dies, so a lock left by a killed run never blocks the next one.
class WriterLock {
public:
    /// Take the lock, waiting up to `wait_seconds` (0: fail at once). Throws
    /// IndexLockedError naming the directory and the holder's pid (or "another
    /// IndexWriter in this process"), in the library's terms: the caller may be any
    /// program, and lupe-index adds its own flag.
    WriterLock(const std::string& dir, double wait_seconds);
    ~WriterLock();
    WriterLock(const WriterLock&) = delete;
    WriterLock& operator=(const WriterLock&) = delete;

private:
    int fd_ = -1;
};

}  // namespace lupe::format
