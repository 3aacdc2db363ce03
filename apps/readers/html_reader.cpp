// (issue 15: being written; temporary until the reader lands)
#include "html_reader.hpp"

namespace lupe::readers {
void read_html_file(const std::filesystem::path&, const std::string&, const ReadCallbacks& callbacks,
                    const ReadOptions&) {
    callbacks.on_error(0, "HTML reader not yet merged");
}
}  // namespace lupe::readers
