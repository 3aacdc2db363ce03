#include "searcher/shard_set.hpp"

#include <algorithm>
#include <filesystem>
#include <optional>

#include "common/xapian_error.hpp"
#include "format/compatibility.hpp"
#include "format/index_layout.hpp"
#include "format/shard_list.hpp"
#include "lupe/error.hpp"

namespace lupe::searcher {

namespace {

/// Whether a directory holds a file by which Xapian knows a database (a glass, chert or
/// honey table, or the stub file lupe's published generations use), or lupe a sharded index.
bool holds_index_marker(const std::string& dir) {
    std::error_code ec;
    const auto exists = [&](const char* name) {
        return std::filesystem::exists(dir + "/" + name, ec);
    };
    return std::any_of(std::begin(format::kXapianDatabaseMarkers),
                       std::end(format::kXapianDatabaseMarkers), exists) ||
           exists(format::kStubName) || exists(format::kShardListName);
}

/// Times a reader follows the stub to a newer generation when a writer publishes one (and
/// removes the one just read) while it opens; a writer publishing this fast is rare, and
/// past it the error is reported.
constexpr int kMaxGenerationFollows = 5;

}  // namespace

ShardSet::ShardSet(std::string path, const SearcherOptions& settings)
    : path_(std::move(path)), settings_(settings) {
    std::error_code ec;
    // A missing path reads as an unsharded index, whose opening names it (open_local).
    listed_ = std::filesystem::is_regular_file(path_, ec);
    std::string list_file = path_;
    // A sharded index directory (a shard list in place of the stub) is read through its list.
    if (!listed_ && !std::filesystem::exists(path_ + "/" + format::kStubName, ec) &&
        std::filesystem::exists(path_ + "/" + format::kShardListName, ec)) {
        listed_ = true;
        list_file = path_ + "/" + format::kShardListName;
    }
    if (listed_) {
        for (const auto& spec : format::read_shard_list(list_file)) {
            Shard shard;
            shard.name = spec.name;
            shard.remote = spec.remote;
            shard.path = spec.path;
            shard.host = spec.host;
            shard.port = spec.port;
            shards_.push_back(std::move(shard));
        }
    } else {
        Shard shard;
        shard.name = path_;
        shard.path = path_;
        shards_.push_back(std::move(shard));
    }
    for (Shard& shard : shards_) {
        if (!listed_) {
            open_shard(shard);  // an unsharded index reports its own errors as they are
            continue;
        }
        try_open(shard);
    }
    if (std::none_of(shards_.begin(), shards_.end(), [](const Shard& s) { return s.open; })) {
        throw ShardUnavailableError("index " + path_ + ": no shard can be opened: " +
                                    describe_missing());
    }
    combine();
}

// Opens a shard of a shard list, recording (not throwing) why it cannot be opened.
bool ShardSet::try_open(Shard& shard) {
    shard.tried = std::chrono::steady_clock::now();
    try {
        open_shard(shard);
        return true;
    } catch (const Error& e) {
        shard.open = false;
        shard.error = e.what();
    } catch (const Xapian::Error& e) {
        shard.open = false;
        shard.error = e.get_description();
    }
    return false;
}

void ShardSet::open_shard(Shard& shard) {
    shard.open = false;
    const std::string where = listed_ ? "shard " + shard.name : "index " + shard.name;
    if (shard.remote) {
        try {
            shard.db = Xapian::Remote::open(shard.host, shard.port, settings_.timeout_ms,
                                            settings_.connect_timeout_ms);
        } catch (const Xapian::Error& e) {
            throw ShardUnavailableError(where + ": " + e.get_description());
        }
    } else {
        open_local(shard, where);
    }
    check_format(shard, where);
    shard.open = true;
    shard.error.clear();
}

void ShardSet::open_local(Shard& shard, const std::string& where) {
    std::error_code ec;
    if (!std::filesystem::exists(shard.path, ec)) {
        throw IndexNotFoundError(where + ": not found (nothing is at this path)");
    }
    // A directory without any file by which Xapian knows a database is no index at
    // all, not a damaged one: often a folder of documents given in place of the index.
    if (std::filesystem::is_directory(shard.path, ec) && !holds_index_marker(shard.path)) {
        std::string holds = "an empty directory";
        for (const auto& entry : std::filesystem::directory_iterator(shard.path, ec)) {
            holds = "a directory of other files, such as " + entry.path().filename().string();
            break;
        }
        throw IndexNotFoundError(where + ": holds no lupe index (" + holds + ")");
    }
    try {
        // A writer may publish a new generation and remove this one between our
        // reading the stub and taking the read lock: then the stub has moved on, and
        // we follow it.
        for (int attempt = 0;; ++attempt) {
            shard.generation = format::published_generation(shard.path);
            if (!shard.generation) {
                shard.db = Xapian::Database(shard.path);
                break;
            }
            const std::string dir = shard.path + "/" + *shard.generation;
            shard.generation_lock = format::GenerationReadLock(dir);
            if (attempt < kMaxGenerationFollows &&
                format::published_generation(shard.path) != shard.generation) {
                continue;
            }
            try {
                shard.db = Xapian::Database(dir);
                break;
            } catch (const Xapian::DatabaseOpeningError&) {
                if (attempt >= kMaxGenerationFollows ||
                    format::published_generation(shard.path) == shard.generation) {
                    throw;
                }
            }
        }
    } catch (const Xapian::DatabaseOpeningError& e) {
        throw IndexCorruptError(where + ": cannot be opened as a lupe index (" + e.get_msg() +
                                ")" + detail::check_hint(shard.path));
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, where);
    }
}

// The shard must be a lupe index of this format, analysed as the others are. The one
// place the searcher checks an index's format and analysis.
void ShardSet::check_format(Shard& shard, const std::string& where) {
    format::IndexRecord record;
    try {
        record = format::read_index_record(shard.db);
    } catch (const Xapian::Error& e) {
        detail::rethrow_xapian(e, where);
    }
    const bool first = std::none_of(shards_.begin(), shards_.end(),
                                    [&](const Shard& s) { return s.open && &s != &shard; });
    // The first shard sets the analysis the others must match.
    std::optional<format::ExpectedAnalysis> expected;
    if (!first) {
        expected = format::ExpectedAnalysis{analysis_.record(), format::AnalysisPeer::kOtherShards};
    }
    format::check_compatibility(record, where, expected);
    if (first || analysis_.word_list_record().empty()) {
        analysis_.set_word_list_record(record.word_list);
    }
    if (first) {
        analysis_.adopt(record.analysis, settings_.german_word_list);
        analysis_.set_compiled_word_list(
            shard.generation ? shard.path + "/" + *shard.generation + "/" +
                                   format::kCompiledWordListName
                             : std::string());
    }
}

// The combined database of the open shards.
void ShardSet::combine() {
    db_ = Xapian::Database();
    std::vector<Xapian::Database> open;
    for (const Shard& shard : shards_) {
        if (!shard.open) continue;
        db_.add_database(shard.db);
        open.push_back(shard.db);
    }
    vocabulary_ = format::VocabularyReader(std::move(open));
}

IndexStatus ShardSet::status() const {
    IndexStatus out;
    out.documents = db_.get_doccount();
    for (const Shard& shard : shards_) {
        if (!shard.open) {
            out.missing.push_back(shard.name);
            continue;
        }
        ShardStatus s;
        s.name = shard.name;
        s.generation = shard.generation.value_or("");
        // A remote database has no revision to give (xapian-tcpsrv keeps it).
        if (!shard.remote) s.revision = shard.db.get_revision();
        s.documents = shard.db.get_doccount();
        out.shards.push_back(std::move(s));
    }
    return out;
}

std::string ShardSet::state_key() const {
    std::string key;
    for (const Shard& shard : shards_) {
        if (!shard.open) continue;
        key += shard.name;
        key += '\n';
        if (shard.remote) {
            // No revision remotely: what the documents are is the best sign of a change.
            key += std::to_string(shard.db.get_doccount()) + ' ' +
                   std::to_string(shard.db.get_lastdocid()) + ' ' +
                   std::to_string(shard.db.get_total_length());
        } else {
            key += shard.generation.value_or("") + ' ' + std::to_string(shard.db.get_revision());
        }
        key += '\n';
    }
    return key;
}

bool ShardSet::all_local() const {
    return std::none_of(shards_.begin(), shards_.end(),
                        [](const Shard& s) { return s.open && s.remote; });
}

std::vector<std::string> ShardSet::missing() const {
    std::vector<std::string> out;
    for (const Shard& shard : shards_) {
        if (!shard.open) out.push_back(shard.name);
    }
    return out;
}

std::string ShardSet::describe_missing() const {
    std::string out;
    for (const Shard& shard : shards_) {
        if (shard.open) continue;
        if (!out.empty()) out += "; ";
        out += shard.error;
    }
    return out;
}

bool ShardSet::drop_dead_shards() {
    bool dropped = false;
    for (Shard& shard : shards_) {
        if (!shard.open || !shard.remote) continue;
        try {
            shard.db.keep_alive();
        } catch (const Xapian::Error& e) {
            shard.open = false;
            shard.error = "shard " + shard.name + ": " + e.get_description();
            shard.tried = std::chrono::steady_clock::now();
            dropped = true;
        }
    }
    if (dropped) combine();
    return dropped;
}

void ShardSet::refresh() {
    bool changed = false;
    const auto now = std::chrono::steady_clock::now();
    for (Shard& shard : shards_) {
        if (!shard.open) {
            if (now - shard.tried >= kShardRetryInterval) changed |= try_open(shard);
            continue;
        }
        if (shard.remote) {
            // The server opened the shard's published generation when we connected; a
            // new connection opens the one published since.
            if (now - shard.tried >= kRemoteReconnectInterval) {
                try_open(shard);
                changed = true;
            }
            continue;
        }
        const auto published = format::published_generation(shard.path);
        if (published && published != shard.generation) {
            if (listed_) {
                try_open(shard);
            } else {
                open_shard(shard);
            }
            changed = true;
        }
    }
    if (changed) {
        combine();
        return;
    }
    db_.reopen();
}

}  // namespace lupe::searcher
