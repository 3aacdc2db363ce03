// (issue 15: being written)
#include "encoding.hpp"

namespace lupe::readers {}  // namespace lupe::readers
