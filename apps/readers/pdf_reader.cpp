// (issue 15: being written)
#include "pdf_reader.hpp"

namespace lupe::readers {}  // namespace lupe::readers
