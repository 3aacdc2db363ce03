// Checks on the text a test gets back (a program's output, a message): substrings, lines,
// membership.
#pragma once

#include <algorithm>
#include <cctype>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace lupe::test {

/// Whether `text` contains `fragment`.
inline bool has(std::string_view text, std::string_view fragment) {
    return text.find(fragment) != std::string_view::npos;
}

/// Whether `items` holds `item`.
inline bool contains(const std::vector<std::string>& items, const std::string& item) {
    return std::find(items.begin(), items.end(), item) != items.end();
}

/// The lines of `text`, without their '\n' (a last line without one counts too).
inline std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

/// `s` with ASCII letters in lower case (other bytes unchanged).
inline std::string lower_ascii(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

}  // namespace lupe::test
