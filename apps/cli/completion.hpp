// A tool's bash completion, written from its CLI11 definitions, so that it offers exactly
// the options --help lists. The tools print it for the hidden option
// `--help-completion bash`; the build writes build/completions/TOOL with it and
// `cmake --install` installs that (CMakeLists.txt). Header-only, for the tools' mains.
//
// What is offered after an option (and for the positionals) follows from the option:
//  - the values of its one_of() validator (apps/cli/option_values.hpp): --lang en de;
//  - its placeholder (type_name): DIR completes directories, FILE and PATH file names;
//  - anything else (a number, a date) completes nothing rather than file names, which
//    would only be wrong.
// After "--" every word is a positional. `--lang=de` is understood: bash splits it at '='
// (COMP_WORDBREAKS), so the option is then two words back.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "option_values.hpp"

namespace lupe::apps {

/// `word` in single quotes for bash.
inline std::string shell_quoted(const std::string& word) {
    std::string out = "'";
    for (const char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

/// The bash commands that fill COMPREPLY with what may follow `option` (or stand for a
/// positional), or "" when nothing is to be offered.
inline std::string completion_of_values(const CLI::Option& option) {
    if (const auto values = allowed_values(option); !values.empty()) {
        std::string words;
        for (const auto& value : values) words += (words.empty() ? "" : " ") + value;
        return "mapfile -t COMPREPLY < <(compgen -W " + shell_quoted(words) + " -- \"$cur\")";
    }
    const std::string placeholder = option.get_type_name();
    if (placeholder == "DIR") {
        return "compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -d -- \"$cur\")";
    }
    if (placeholder == "FILE" || placeholder == "PATH") {
        return "compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -f -- \"$cur\")";
    }
    return "";
}

/// "_lupe_search": the name of the completion function for the tool `name`.
inline std::string completion_function_name(const std::string& name) {
    std::string function = "_" + name;
    for (char& c : function) {
        if (c == '-') c = '_';
    }
    return function;
}

/// The bash completion script of the tool `app` defines, named `name`: a function
/// _NAME (dashes as underscores) registered with `complete -F` for `name`.
inline std::string bash_completion(const CLI::App& app, const std::string& name) {
    const auto shown = [](const CLI::Option* option) { return !option->get_group().empty(); };
    const auto positionals = app.get_options(
        [&](const CLI::Option* option) { return shown(option) && option->get_positional(); });
    const auto options = app.get_options(
        [&](const CLI::Option* option) { return shown(option) && option->nonpositional(); });
    const std::string positional =
        positionals.empty() ? "" : completion_of_values(*positionals.front());
    const std::string function = completion_function_name(name);

    std::string script = "# bash completion for " + name + ", written by `" + name +
                         " --help-completion bash` from its command-line definitions; do not "
                         "edit.\n";
    script += function + "() {\n"
              "    local cur=${COMP_WORDS[COMP_CWORD]} prev= option i\n"
              "    (( COMP_CWORD > 0 )) && prev=${COMP_WORDS[COMP_CWORD-1]}\n"
              "    COMPREPLY=()\n"
              "    if [[ $cur == = ]]; then\n"
              "        cur= option=$prev\n"
              "    elif [[ $prev == = ]] && (( COMP_CWORD > 1 )); then\n"
              "        option=${COMP_WORDS[COMP_CWORD-2]}\n"
              "    else\n"
              "        option=$prev\n"
              "    fi\n"
              "    for (( i = 1; i < COMP_CWORD; i++ )); do\n"
              "        if [[ ${COMP_WORDS[i]} == -- ]]; then\n";
    script += positional.empty() ? "            return 0\n"
                                 : "            " + positional + "\n            return 0\n";
    script += "        fi\n"
              "    done\n"
              "    case $option in\n";
    for (const CLI::Option* option : options) {
        if (!takes_value(*option)) continue;  // a flag: the next word is free
        std::string names;
        for (const auto& short_name : option->get_snames()) {
            names += (names.empty() ? "-" : "|-") + short_name;
        }
        for (const auto& long_name : option->get_lnames()) {
            names += (names.empty() ? "--" : "|--") + long_name;
        }
        const std::string values = completion_of_values(*option);
        script += "        " + names + ")\n";
        if (!values.empty()) script += "            " + values + "\n";
        script += "            return 0 ;;\n";
    }
    script += "    esac\n"
              "    if [[ $cur == -* ]]; then\n";
    std::string words;
    for (const CLI::Option* option : options) {
        for (const auto& long_name : option->get_lnames()) {
            words += (words.empty() ? "--" : " --") + long_name;
        }
    }
    script += "        mapfile -t COMPREPLY < <(compgen -W " + shell_quoted(words) +
              " -- \"$cur\")\n"
              "        return 0\n"
              "    fi\n";
    if (!positional.empty()) script += "    " + positional + "\n";
    script += "}\ncomplete -F " + function + " " + name + "\n";
    return script;
}

}  // namespace lupe::apps
