// Strict decoding of a request's query string: lupe-serve answers 400 to bad
// percent-encoding and to bytes that are not UTF-8 rather than guessing.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lupe::serve {

/// Decoded parameters, or an error message naming the parameter and byte position.
struct DecodedQuery {
    std::vector<std::pair<std::string, std::string>> params;
    std::string error;  ///< empty when decoding succeeded
    /// With an error: the byte offset in the query string (0 = the byte after '?') where
    /// the bad escape or the bad UTF-8 of the parameter starts, for the error's "position".
    std::size_t position = 0;
};

/// Decode "a=1&b=x+y%20z": '+' is a space, %XX a byte; "%", "%4" and "%zz" are errors, as
/// is a decoded name or value that is not valid UTF-8 or holds a NUL. Empty pairs ("a=1&&b")
/// are skipped; a name without '=' has the value "".
DecodedQuery decode_query_string(std::string_view query);

/// Percent-decode a path strictly in the same way ('+' stays '+'): {decoded, ""}, or
/// {"", error} with the error naming the byte position in the path. Used to see "/%2e%2e/"
/// for what it is.
std::pair<std::string, std::string> decode_path(std::string_view path);

}  // namespace lupe::serve
