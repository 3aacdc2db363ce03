// The library boundary for Xapian's exceptions: every Xapian::Error is turned into a
// lupe::Error subclass whose message names what lupe was doing (the path, the document).
#pragma once

#include <string>

#include <xapian.h>

namespace lupe::detail {

/// Throws the lupe::Error that corresponds to `e`, prefixed with `context`
/// (e.g. "index /srv/idx").
[[noreturn]] void rethrow_xapian(const Xapian::Error& e, const std::string& context);

/// The suggestion appended to messages about a damaged index.
std::string check_hint(const std::string& path);

}  // namespace lupe::detail
