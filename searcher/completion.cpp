#include "searcher/completion.hpp"

#include <algorithm>
#include <limits>

#include "analysis/tokenizer.hpp"

namespace lupe::searcher {

CompletionVocabulary::CompletionVocabulary(const format::VocabularyReader& vocabulary) {
    vocabulary.for_each_word("", [&](const std::string& w) {
        // Keys longer than an Entry can say, or beyond 4 GiB of words, are no words anyone
        // completes; the writer never records them (format::kMaxVocabularyKeyBytes).
        if (w.size() > std::numeric_limits<std::uint8_t>::max() ||
            text_.size() + w.size() > std::numeric_limits<std::uint32_t>::max()) {
            return true;
        }
        entries_.push_back({static_cast<std::uint32_t>(text_.size()), vocabulary.count(w),
                            static_cast<std::uint8_t>(w.size())});
        text_ += w;
        return true;
    });
    text_.shrink_to_fit();
    entries_.shrink_to_fit();
}

std::size_t CompletionVocabulary::memory_bytes() const {
    return text_.capacity() + entries_.capacity() * sizeof(Entry);
}

std::vector<Completion> CompletionVocabulary::complete(std::string_view prefix,
                                                       std::size_t limit) const {
    std::vector<Completion> out;
    if (prefix.empty() || limit == 0) return out;
    // The words in byte order from the prefix on; those that start with it come first.
    const auto first = std::lower_bound(
        entries_.begin(), entries_.end(), prefix,
        [&](const Entry& e, std::string_view p) { return word(e) < p; });
    const auto last = std::partition_point(
        first, entries_.end(), [&](const Entry& e) { return word(e).starts_with(prefix); });
    std::vector<const Entry*> range;
    range.reserve(static_cast<std::size_t>(last - first));
    for (auto it = first; it != last; ++it) range.push_back(&*it);
    // Most documents first, ties in byte order (the order the words were stored in).
    const std::size_t n = std::min(limit, range.size());
    std::partial_sort(range.begin(), range.begin() + static_cast<std::ptrdiff_t>(n), range.end(),
                      [](const Entry* a, const Entry* b) {
                          return a->documents != b->documents ? a->documents > b->documents
                                                              : a->begin < b->begin;
                      });
    for (std::size_t i = 0; i < n; ++i) {
        out.push_back({std::string(word(*range[i])), range[i]->documents});
    }
    return out;
}

std::string completion_prefix(std::string_view typed) {
    std::vector<analysis::Token> tokens;
    analysis::tokenize(typed, tokens);
    if (tokens.empty() || tokens.back().end != typed.size()) return {};
    return tokens.back().text;
}

}  // namespace lupe::searcher
