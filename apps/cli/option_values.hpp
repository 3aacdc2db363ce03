// Checks of option values that read well in --help and in their error messages, and that
// the man page and the bash completion can read back. Header-only, for the tools' mains.
//
// CLI11's own validators print their workings: IsMember shows `TEXT:{en,de}` in --help and
// "fr not in {en,de}" on error, CheckedTransformer `{bm25->0,...} OR {0,...}` and "Check
// foo value in {...} FAILED", Range `UINT in [1 - 20]`. Here the help line shows only a
// placeholder (the option's type_name, "LANG", "N") and the option's description says the
// values in words; the error says what was given and what would do.
//
// A set of values is also what bash completion offers after the option, so one_of() keeps
// the values where apps/cli/completion.hpp can find them: in the validator's name (CLI11
// keeps validators by value, so a derived class's members would be sliced off; the name
// is the one field a validator carries that CLI11 neither prints nor interprets).
#pragma once

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "lupe/app/output.hpp"

namespace lupe::apps {

/// Whether one_of() compares ASCII letters regardless of case.
enum class LetterCase { Exact, Ignore };

/// Begins the name of a one_of() validator; the values follow, separated by spaces.
inline constexpr std::string_view kOneOfName = "one of:";

inline std::string lowercase(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

/// A validator that accepts one of `values` and rejects anything else with
/// "\"fr\" is not one of en, de". With LetterCase::Ignore it accepts "Newest" for "newest"
/// and passes on the value as listed. Shows nothing in --help: the option's description
/// names the values.
inline CLI::Validator one_of(std::vector<std::string> values,
                             LetterCase letter_case = LetterCase::Exact) {
    std::string name(kOneOfName);
    for (const auto& value : values) name += " " + value;
    CLI::Validator check(
        [values, letter_case](std::string& given) {
            const std::string key = letter_case == LetterCase::Ignore ? lowercase(given) : given;
            for (const auto& value : values) {
                if ((letter_case == LetterCase::Ignore ? lowercase(value) : value) == key) {
                    given = value;
                    return std::string();
                }
            }
            std::string list;
            for (const auto& value : values) list += (list.empty() ? "" : ", ") + value;
            return "\"" + lupe::terminal_safe(given) + "\" is not one of " + list;
        },
        "", name);
    return check;
}

/// The values `option` accepts through a one_of() validator, or none.
inline std::vector<std::string> allowed_values(const CLI::Option& option) {
    // Option::get_validator is not const in CLI11 2.1; reading a validator's name changes
    // nothing.
    auto& readable = const_cast<CLI::Option&>(option);
    for (int i = 0;; ++i) {
        const CLI::Validator* check = nullptr;
        try {
            check = readable.get_validator(i);
        } catch (const CLI::OptionNotFound&) {
            return {};
        }
        const std::string name = check->get_name();
        if (name.rfind(kOneOfName, 0) != 0) continue;
        std::vector<std::string> values;
        std::size_t at = kOneOfName.size();
        while ((at = name.find_first_not_of(' ', at)) != std::string::npos) {
            const std::size_t end = name.find(' ', at);
            values.push_back(name.substr(at, end - at));
            at = end;
        }
        return values;
    }
}

/// Whether `option` takes a value: a flag (--json) does not.
inline bool takes_value(const CLI::Option& option) { return option.get_items_expected_max() > 0; }

/// CLI::Range(min, max) without its `UINT in [1 - 20]` in --help (the option's description
/// says the range in words). Its error message stays CLI11's "Value 0 not in range 1 to 20".
template <class T>
CLI::Validator in_range(T min, T max) {
    return CLI::Range(min, max).description("");
}

}  // namespace lupe::apps
