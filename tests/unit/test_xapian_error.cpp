// The library boundary for Xapian's exceptions (common/xapian_error.hpp): each becomes the
// lupe::Error subclass that error.hpp documents for its case, with the context in front.
#include <doctest/doctest.h>

#include <string>

#include <xapian.h>

#include "common/xapian_error.hpp"
#include "lupe/error.hpp"

namespace {

// The message of the lupe error `e` becomes, checked to be of class E.
template <typename E>
std::string mapped(const Xapian::Error& e) {
    try {
        lupe::detail::rethrow_xapian(e, "index /srv/idx");
    } catch (const E& mapped) {
        return mapped.what();
    } catch (const lupe::Error& other) {
        FAIL("mapped to another class: " << other.what());
    }
    return {};
}

}  // namespace

TEST_CASE("Xapian errors: each maps to the class error.hpp documents") {
    CHECK(mapped<lupe::IndexLockedError>(Xapian::DatabaseLockError("held")).find("held") !=
          std::string::npos);
    CHECK(mapped<lupe::IndexCorruptError>(Xapian::DatabaseCorruptError("bad block"))
              .find("xapian-check") != std::string::npos);
    mapped<lupe::IndexCorruptError>(Xapian::DatabaseVersionError("too new"));
    mapped<lupe::InvalidArgumentError>(Xapian::InvalidArgumentError("bad"));
    mapped<lupe::LogicError>(Xapian::InvalidOperationError("bad"));
    mapped<lupe::LogicError>(Xapian::UnimplementedError("no"));

    // World-state failures, not bare RuntimeErrors.
    CHECK(mapped<lupe::IndexNotFoundError>(Xapian::DatabaseNotFoundError("no such file")) ==
          "index /srv/idx: DatabaseNotFoundError: no such file");
    CHECK(mapped<lupe::IndexCorruptError>(Xapian::DatabaseOpeningError("not a database")) ==
          "index /srv/idx: DatabaseOpeningError: not a database");
    CHECK(mapped<lupe::ShardUnavailableError>(Xapian::NetworkTimeoutError("no answer")) ==
          "index /srv/idx: NetworkTimeoutError: no answer");
    mapped<lupe::ShardUnavailableError>(Xapian::NetworkError("connection closed"));

    // What names no known case stays a RuntimeError.
    const std::string other = mapped<lupe::RuntimeError>(Xapian::RangeError("range"));
    CHECK(other == "index /srv/idx: RangeError: range");
}
