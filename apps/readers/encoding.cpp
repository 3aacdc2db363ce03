// (issue 15: being written; temporary until the reader lands)
#include "encoding.hpp"

namespace lupe::readers {
bool known_charset(const std::string& charset) { return charset == "UTF-8"; }
}  // namespace lupe::readers
