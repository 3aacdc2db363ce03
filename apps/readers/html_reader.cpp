// (issue 15: being written)
#include "html_reader.hpp"

namespace lupe::readers {}  // namespace lupe::readers
