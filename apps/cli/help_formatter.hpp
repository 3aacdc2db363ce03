// --help laid out for people: each option's description wrapped into the column beside its
// name, so that no help line runs past a terminal's 80 columns (CLI11 2.1 prints a
// description on one line, however long). Header-only, for the tools' mains.
#pragma once

#include <cstddef>
#include <string>

#include <CLI/CLI.hpp>

namespace lupe::apps {

/// Columns of the terminal --help is laid out for: the customary width, which is also
/// what man(1) assumes for a pipe.
inline constexpr std::size_t kHelpWidth = 80;

/// Columns before an option's description: CLI11's default, wide enough for the longest
/// name with its placeholder and default ("--snippet-length BYTES=200").
inline constexpr std::size_t kHelpNameColumns = 30;

/// Characters (not bytes: a UTF-8 continuation byte takes no column) in `text`.
inline std::size_t columns_of(const std::string& text) {
    std::size_t n = 0;
    for (const char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return n;
}

/// `text` with spaces turned into line breaks so that no line is longer than `width`
/// columns (a word longer than that gets a line of its own); its own line breaks stay.
inline std::string wrap(const std::string& text, std::size_t width) {
    std::string out;
    std::size_t line = 0;  // columns on the current output line
    std::size_t at = 0;
    while (at < text.size()) {
        if (text[at] == '\n') {
            out += '\n';
            line = 0;
            ++at;
            continue;
        }
        if (text[at] == ' ') {
            ++at;
            continue;
        }
        const std::size_t end = text.find_first_of(" \n", at);
        const std::string word = text.substr(at, end == std::string::npos ? end : end - at);
        const std::size_t columns = columns_of(word);
        if (line > 0 && line + 1 + columns > width) {
            out += '\n';
            line = 0;
        } else if (line > 0) {
            out += ' ';
            ++line;
        }
        out += word;
        line += columns;
        at = end == std::string::npos ? text.size() : end;
    }
    return out;
}

/// CLI11's formatter with option descriptions wrapped to kHelpWidth.
class HelpFormatter : public CLI::Formatter {
public:
    HelpFormatter() { column_width(kHelpNameColumns); }
    std::string make_option_desc(const CLI::Option* option) const override {
        return wrap(CLI::Formatter::make_option_desc(option), kHelpWidth - kHelpNameColumns);
    }
};

}  // namespace lupe::apps
