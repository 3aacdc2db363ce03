#include "lupe/error.hpp"

namespace lupe {

Error::Error(const std::string& message) : std::runtime_error(message) {}

QuerySyntaxError::QuerySyntaxError(const std::string& message, std::size_t position)
    : RuntimeError(message + " at position " + std::to_string(position)),
      reason_(message),
      position_(position) {}

}  // namespace lupe
