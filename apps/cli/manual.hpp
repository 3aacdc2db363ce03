// What a tool's manual says besides its options: exit statuses, environment variables,
// files, examples, related pages. Each tool's main fills one ToolManual; --help prints it
// as its footer (help_footer) and the man page prints it as its sections
// (apps/cli/man_page.hpp), so the two cannot say different things. Header-only.
#pragma once

#include <string>
#include <vector>

#include "help_formatter.hpp"

namespace lupe::apps {

/// One item of a manual section: an exit status and its meaning, a variable and what it
/// sets, a command and what it does.
struct ManualEntry {
    std::string term;
    std::string text;
};

/// The sections of a tool's manual that are not its options.
struct ToolManual {
    std::string name;                      ///< "lupe-index"
    std::vector<ManualEntry> exit_status;  ///< status number, meaning
    std::vector<ManualEntry> environment;  ///< variable, what it does
    std::vector<ManualEntry> files;        ///< path, what it is
    std::vector<ManualEntry> examples;     ///< command line, what it does
    std::vector<std::string> see_also;     ///< "lupe-search(1)"
};

/// Columns by which an entry's text is indented below its term in help_footer.
inline constexpr std::size_t kFooterTextIndent = 6;

/// The manual's sections as --help's footer: a heading per section, each entry's term on
/// its own line and its text wrapped below it.
inline std::string help_footer(const ToolManual& manual) {
    std::string out;
    const auto section = [&out](const char* heading, const std::vector<ManualEntry>& entries) {
        if (entries.empty()) return;
        out += std::string(out.empty() ? "" : "\n") + heading + ":\n";
        const std::string indent(kFooterTextIndent, ' ');
        for (const auto& entry : entries) {
            // A short term ("0") shares its line with the text, a long one has its own.
            out += "  " + entry.term;
            if (2 + columns_of(entry.term) < kFooterTextIndent) {
                out += std::string(kFooterTextIndent - 2 - columns_of(entry.term), ' ');
            } else {
                out += "\n" + indent;
            }
            for (const char c : wrap(entry.text, kHelpWidth - kFooterTextIndent)) {
                out += c;
                if (c == '\n') out += indent;
            }
            out += '\n';
        }
    };
    section("Exit status", manual.exit_status);
    section("Environment", manual.environment);
    section("Files", manual.files);
    section("Examples", manual.examples);
    if (!manual.see_also.empty()) {
        out += "\nSee also:";
        for (const auto& page : manual.see_also) out += " " + page;
        out += '\n';
    }
    return out;
}

}  // namespace lupe::apps
