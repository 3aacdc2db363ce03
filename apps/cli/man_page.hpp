// A tool's man page (roff, man(7) macros), written from the same CLI11 definitions and
// ToolManual that its --help prints, so that the page cannot drift from --help. The tools
// print it for the hidden option --help-man; the build writes build/man/TOOL.1 with it
// and `cmake --install` installs that (CMakeLists.txt). Header-only, for the tools' mains.
//
// Sections: NAME (the app description's first sentence), SYNOPSIS (required options,
// [OPTIONS], positionals), DESCRIPTION (the app description), OPTIONS (positionals first,
// then each option group in --help's order, with placeholder, default and "required"),
// then the ToolManual's EXIT STATUS, ENVIRONMENT, FILES, EXAMPLES and SEE ALSO. Options in
// no group are hidden from --help and left out here too.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "manual.hpp"
#include "option_values.hpp"

namespace lupe::apps {

/// `text` safe as roff input: backslashes printed as such, every '-' a minus sign (so that
/// options copied from the rendered page work), and a line that begins with '.' or '\''
/// not taken for a request. Line breaks stay: roff fills the lines into paragraphs.
inline std::string roff_escaped(const std::string& text) {
    std::string out;
    bool line_start = true;
    for (const char c : text) {
        if (line_start && (c == '.' || c == '\'')) out += "\\&";
        if (c == '\\') {
            out += "\\e";
        } else if (c == '-') {
            out += "\\-";
        } else {
            out += c;
        }
        line_start = c == '\n';
    }
    return out;
}

/// "Index documents": `description` up to its first full stop, with a lower-case first
/// letter, for the NAME line ("lupe-index \- index documents").
inline std::string man_summary(const std::string& description) {
    std::string summary = description.substr(0, description.find('\n'));
    if (const std::size_t stop = summary.find(". "); stop != std::string::npos) summary.resize(stop);
    if (!summary.empty() && summary.back() == '.') summary.pop_back();
    if (!summary.empty() && summary[0] >= 'A' && summary[0] <= 'Z' &&
        !(summary.size() > 1 && summary[1] >= 'A' && summary[1] <= 'Z')) {
        summary[0] = static_cast<char>(summary[0] - 'A' + 'a');
    }
    return summary;
}

/// "\fB\-i\fR, \fB\-\-index\fR \fIDIR\fR": an option's names in bold and its placeholder
/// in italics, for a .TP tag or the synopsis.
inline std::string man_option_tag(const CLI::Option& option, bool short_names = true) {
    std::string tag;
    if (short_names) {
        for (const auto& name : option.get_snames()) {
            tag += (tag.empty() ? "" : ", ") + ("\\fB" + roff_escaped("-" + name) + "\\fR");
        }
    }
    for (const auto& name : option.get_lnames()) {
        tag += (tag.empty() ? "" : ", ") + ("\\fB" + roff_escaped("--" + name) + "\\fR");
    }
    if (takes_value(option) && !option.get_type_name().empty()) {
        tag += " \\fI" + roff_escaped(option.get_type_name()) + "\\fR";
    }
    return tag;
}

/// The man page of the tool `app` defines, in roff. `version` goes into the page's footer.
inline std::string man_page(const CLI::App& app, const ToolManual& manual,
                            const std::string& version) {
    std::string upper = manual.name;
    for (char& c : upper) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    std::string page = ".\\\" Written by " + manual.name + " --help-man from its command-line "
                       "definitions; do not edit.\n";
    page += ".TH \"" + roff_escaped(upper) + "\" 1 \"\" \"lupe " + roff_escaped(version) +
            "\" \"User Commands\"\n";
    // No hyphenation and a ragged right margin: an option broken across lines ("--ger-
    // man-word-list") or stretched spaces would not survive copying into a shell.
    page += ".nh\n.ad l\n";
    page += ".SH NAME\n" + roff_escaped(manual.name) + " \\- " +
            roff_escaped(man_summary(app.get_description())) + "\n";

    const auto shown = [](const CLI::Option* option) { return !option->get_group().empty(); };
    const auto positionals = app.get_options(
        [&](const CLI::Option* option) { return shown(option) && option->get_positional(); });
    const auto options = app.get_options(
        [&](const CLI::Option* option) { return shown(option) && option->nonpositional(); });

    page += ".SH SYNOPSIS\n.B " + roff_escaped(manual.name) + "\n";
    for (const CLI::Option* option : options) {
        if (option->get_required()) page += man_option_tag(*option, false) + "\n";
    }
    page += "[\\fIOPTIONS\\fR]";
    for (const CLI::Option* option : positionals) {
        const std::string name = "\\fI" + roff_escaped(option->get_name()) + "\\fR" +
                                 (option->get_expected_max() > 1 ? "..." : "");
        page += " " + (option->get_required() ? name : "[" + name + "]");
    }
    page += "\n.SH DESCRIPTION\n" + roff_escaped(app.get_description()) + "\n";

    page += ".SH OPTIONS\n";
    const auto entry = [&page](const CLI::Option& option, const std::string& tag) {
        std::string text = option.get_description();
        if (!option.get_default_str().empty()) text += " (default: " + option.get_default_str() + ")";
        if (option.get_required()) text += " (required)";
        page += ".TP\n" + tag + "\n" + roff_escaped(text) + "\n";
    };
    for (const CLI::Option* option : positionals) {
        entry(*option, "\\fI" + roff_escaped(option->get_name()) + "\\fR" +
                           (option->get_expected_max() > 1 ? "..." : ""));
    }
    std::vector<std::string> groups;
    for (const CLI::Option* option : options) {
        if (std::find(groups.begin(), groups.end(), option->get_group()) == groups.end()) {
            groups.push_back(option->get_group());
        }
    }
    for (const auto& group : groups) {
        if (groups.size() > 1) page += ".SS " + roff_escaped(group) + "\n";
        for (const CLI::Option* option : options) {
            if (option->get_group() == group) entry(*option, man_option_tag(*option));
        }
    }

    const auto section = [&page](const char* heading, const std::vector<ManualEntry>& entries,
                                 const char* font) {
        if (entries.empty()) return;
        page += std::string(".SH ") + heading + "\n";
        for (const auto& item : entries) {
            page += ".TP\n\\f" + std::string(font) + roff_escaped(item.term) + "\\fR\n" +
                    roff_escaped(item.text) + "\n";
        }
    };
    section("EXIT STATUS", manual.exit_status, "B");
    section("ENVIRONMENT", manual.environment, "B");
    section("FILES", manual.files, "I");
    section("EXAMPLES", manual.examples, "B");
    if (!manual.see_also.empty()) {
        page += ".SH SEE ALSO\n";
        for (std::size_t i = 0; i < manual.see_also.size(); ++i) {
            // "lupe-search(1)" -> ".BR lupe\-search (1)"
            const std::string& ref = manual.see_also[i];
            const std::size_t paren = ref.find('(');
            page += ".BR " + roff_escaped(ref.substr(0, paren)) + " " +
                    (paren == std::string::npos ? "" : ref.substr(paren)) +
                    (i + 1 < manual.see_also.size() ? " ," : "") + "\n";
        }
    }
    return page;
}

}  // namespace lupe::apps
