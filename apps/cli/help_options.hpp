// The hidden options through which a tool prints its own man page and bash completion
// (`--help-man`, `--help-completion bash`), and the --help layout that goes with them. The
// build runs them to write the installed files (CMakeLists.txt), so the page, the
// completion and --help come from one set of definitions. Header-only, for the tools'
// mains.
#pragma once

#include <iostream>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "completion.hpp"
#include "help_formatter.hpp"
#include "man_page.hpp"
#include "manual.hpp"

namespace lupe::apps {

/// Gives `app` the tool's name, --help's layout (HelpFormatter), `manual` as --help's footer, and the
/// hidden options --help-man and --help-completion SHELL, which print the man page or the
/// completion script on stdout and end the parse with CLI::Success (status 0, like
/// --help). Call after the tool's last option is added: the page and the script list the
/// options there are when they are printed. `app` and `manual` must outlive the parse.
inline void add_help_outputs(CLI::App& app, const ToolManual& manual, const std::string& version) {
    app.name(manual.name);  // "Usage: lupe-search ...", not the path it was started by
    app.formatter(std::make_shared<HelpFormatter>());
    app.footer(help_footer(manual));
    // Group "" hides an option from --help, and from the page and the completion.
    app.add_flag_callback(
           "--help-man",
           [&app, &manual, version] {
               std::cout << man_page(app, manual, version);
               throw CLI::Success();
           },
           "Print the man page (roff) and exit")
        ->group("");
    app.add_option_function<std::string>(
           "--help-completion",
           [&app, &manual](const std::string& shell) {
               // Checked here, not with one_of: a hidden option has no name in CLI11's
               // validation messages.
               if (shell != "bash") {
                   throw CLI::ValidationError("--help-completion",
                                              "\"" + shell + "\" is not one of bash");
               }
               std::cout << bash_completion(app, manual.name);
               throw CLI::Success();
           },
           "Print the completion script for SHELL (bash) and exit")
        ->type_name("SHELL")
        ->group("");
}

}  // namespace lupe::apps
