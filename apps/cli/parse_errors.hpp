// Command-line parse errors of lupe's tools, said the same way by each: the program's
// name first, and for an option it does not know the nearest one it does ("did you mean").
// Header-only, for the tools' mains; the engine knows nothing of it.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace lupe::apps {

/// Most edits (insertions, deletions, substitutions) between an unknown option and a
/// known one for a tool to ask "did you mean": catches `--limt`, `--ofset` and `--ful`,
/// and never offers an unrelated option.
inline constexpr std::size_t kMaxOptionSuggestionDistance = 2;

/// Levenshtein distance between two strings (bytes).
inline std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
            diagonal = above;
        }
    }
    return row[b.size()];
}

/// The first argument before "--" that looks like an option (starts with '-') and that
/// `app` does not know, or "" when there is none.
inline std::string unknown_option(const CLI::App& app, int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--") break;
        if (arg.size() < 2 || arg[0] != '-') continue;
        const std::string name = arg.substr(0, arg.find('='));
        bool known = false;
        for (const CLI::Option* option : app.get_options()) {
            for (const auto& long_name : option->get_lnames()) known = known || "--" + long_name == name;
            for (const auto& short_name : option->get_snames()) known = known || "-" + short_name == name;
        }
        if (!known) return arg;
    }
    return {};
}

/// The long option of `app` nearest to `arg` (its "=value" left out), within
/// kMaxOptionSuggestionDistance edits, or "".
inline std::string nearest_option(const CLI::App& app, const std::string& arg) {
    const std::string name = arg.substr(0, arg.find('='));
    std::string nearest;
    std::size_t best = kMaxOptionSuggestionDistance + 1;
    for (const CLI::Option* option : app.get_options()) {
        for (const auto& long_name : option->get_lnames()) {
            const std::string flag = "--" + long_name;
            const std::size_t d = edit_distance(name, flag);
            if (d < best) {
                best = d;
                nearest = flag;
            }
        }
    }
    return nearest;
}

/// Makes `app`'s parse errors start with "PROGRAM: " and, for an argument it did not
/// expect, end with a hint: "did you mean --limit?" for a mistyped option, or what
/// `otherwise` returns for the unknown argument (may be "", then no hint).
template <class Otherwise>
void name_parse_errors(CLI::App& app, const std::string& program, int argc, char** argv,
                       Otherwise otherwise) {
    app.failure_message([&app, program, argc, argv, otherwise](const CLI::App*, const CLI::Error& e) {
        std::string message = program + ": " + e.what();
        // CLI11 checks required options, and validates values, before it looks at unknown
        // ones, so `lupe-index --ful` would be told "--index is required", and `lupe-index
        // -i idx --title-weigt 3 docs` that the SOURCE "3" does not exist (the typo takes no
        // value, so its value became a SOURCE); a mistyped option explains more.
        if (dynamic_cast<const CLI::RequiredError*>(&e) != nullptr ||
            dynamic_cast<const CLI::ValidationError*>(&e) != nullptr) {
            if (const std::string arg = unknown_option(app, argc, argv); !arg.empty()) {
                if (const std::string nearest = nearest_option(app, arg); !nearest.empty()) {
                    return program + ": " + CLI::ExtrasError({arg}).what() + " (did you mean " +
                           nearest + "?)\nRun with --help for more information.\n";
                }
            }
        }
        if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) {
            if (const std::string arg = unknown_option(app, argc, argv); !arg.empty()) {
                const std::string nearest = nearest_option(app, arg);
                const std::string hint = nearest.empty() ? otherwise(arg) : "did you mean " + nearest + "?";
                if (!hint.empty()) message += " (" + hint + ")";
            }
        }
        return message + "\nRun with --help for more information.\n";
    });
}

}  // namespace lupe::apps
