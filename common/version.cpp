#include "lupe/version.hpp"

namespace lupe {

std::string version_string() { return LUPE_VERSION_STRING; }

}  // namespace lupe
