// Library messages name the API's options (IndexWriterOptions::lock_wait_seconds); a tool's
// user needs the tool's flags. Header-only, for the tools' mains.
#pragma once

#include <cctype>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

namespace lupe::apps {

/// An API option name and the flag of a tool that sets it.
using OptionFlag = std::pair<std::string_view, std::string_view>;

/// `message` with each option name in `flags` replaced by its flag; a longer name that
/// starts alike (IndexRunOptions::max_delete_share_x for IndexRunOptions::max_delete_share)
/// is left alone.
template <std::size_t N>
std::string with_flags(std::string message, const OptionFlag (&flags)[N]) {
    for (const auto& [option, flag] : flags) {
        std::size_t at = 0;
        while ((at = message.find(option, at)) != std::string::npos) {
            const std::size_t end = at + option.size();
            if (end < message.size() && (std::isalnum(static_cast<unsigned char>(message[end])) ||
                                         message[end] == '_')) {
                at = end;
                continue;
            }
            message.replace(at, option.size(), flag);
            at += flag.size();
        }
    }
    return message;
}

}  // namespace lupe::apps
