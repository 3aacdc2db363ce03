#include "common/xapian_error.hpp"

#include "lupe/error.hpp"

namespace lupe::detail {

std::string check_hint(const std::string& path) {
    return "; check it with `xapian-check " + path +
           "`, or rebuild it from its sources (IndexWriterOptions::rebuild)";
}

void rethrow_xapian(const Xapian::Error& e, const std::string& context) {
    const std::string message = context + ": " + e.get_type() + ": " + e.get_msg();
    // Xapian 1.4's exceptions are not polymorphic: tell them apart by their type name.
    const std::string type = e.get_type();
    if (type == "DatabaseLockError") {
        throw IndexLockedError(context + ": another writer holds the index lock (" +
                               e.get_msg() + ")");
    }
    if (type == "DatabaseCorruptError" || type == "DatabaseVersionError") {
        throw IndexCorruptError(message + "; check the index with `xapian-check`, or rebuild it "
                                          "from its sources (IndexWriterOptions::rebuild)");
    }
    // The classes error.hpp documents for these: no index at the path; something there
    // that cannot be opened as one; a remote shard that is down or does not answer (lupe
    // opens remote databases only as shards).
    if (type == "DatabaseNotFoundError") throw IndexNotFoundError(message);
    if (type == "DatabaseOpeningError") throw IndexCorruptError(message);
    if (type == "NetworkError" || type == "NetworkTimeoutError") {
        throw ShardUnavailableError(message);
    }
    if (type == "InvalidArgumentError") throw InvalidArgumentError(message);
    if (type == "AssertionError" || type == "InvalidOperationError" ||
        type == "UnimplementedError") {
        throw LogicError(message);
    }
    throw RuntimeError(message);
}

}  // namespace lupe::detail
