// (issue 15: being written)
#include "feed_reader.hpp"

namespace lupe::readers {}  // namespace lupe::readers
