// The public UTF-8 checks (lupe/utf8.hpp): the analysis chain's own, so that a program's
// readers apply exactly the rules the writer applies.
#include "lupe/utf8.hpp"

#include "analysis/utf8.hpp"

namespace lupe {

static_assert(kInvalidCodePoint == analysis::kInvalidCodePoint);

char32_t decode_utf8(std::string_view text, std::size_t& pos) {
    return analysis::decode_utf8(text, pos);
}

std::optional<std::size_t> find_invalid_utf8(std::string_view text) {
    return analysis::find_invalid_utf8(text);
}

TextPosition text_position(std::string_view text, std::size_t offset) {
    const analysis::LineColumn lc = analysis::line_column(text, offset);
    return {lc.line, lc.column};
}

}  // namespace lupe
