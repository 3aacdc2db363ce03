// Word completion (Searcher::complete): the words of the index's vocabulary
// (schema::kVocabularyPrefix) that start with a prefix, the most used first.
//
// Design note. The vocabulary is metadata, one key per word, and Xapian gives metadata
// keys in byte order without their values: completing "s" on Reuters-21578 would read
// 4,600 keys and look up each one's count (per shard), milliseconds per keystroke. So the
// searcher keeps the whole vocabulary in memory instead, sorted, as one block of text and
// an array of fixed-size entries (13 bytes a word, plus the word), loaded by the first
// completion after the index changed (a new commit or generation) and shared by every
// thread. A completion is then a binary search for the prefix's range and a selection of
// its most used words. Measured on Reuters-21578 (see docs/searching.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "format/vocabulary.hpp"
#include "lupe/results.hpp"

namespace lupe::searcher {

/// An index's vocabulary in memory, sorted by word. Immutable once loaded: one may be
/// shared by threads.
class CompletionVocabulary {
public:
    /// Read every word and its count over all shards.
    /// @throws Xapian::Error
    explicit CompletionVocabulary(const format::VocabularyReader& vocabulary);

    /// The words starting with `prefix` (normalised as the vocabulary is), at most `limit`,
    /// most documents first, ties in byte order. Empty prefix: none.
    std::vector<Completion> complete(std::string_view prefix, std::size_t limit) const;

    /// Words held.
    std::size_t size() const { return entries_.size(); }
    /// Bytes of memory held (the words and their entries).
    std::size_t memory_bytes() const;

private:
    struct Entry {
        std::uint32_t begin;      // of the word in text_
        std::uint32_t documents;  // that use it
        std::uint8_t size;        // of the word (vocabulary keys are at most 240 bytes)
    };
    std::string_view word(const Entry& e) const { return {text_.data() + e.begin, e.size}; }

    std::string text_;
    std::vector<Entry> entries_;
};

/// The word of a prefix as typed, normalised as query words are (the tokenizer's lower
/// case): its last word, when the text ends in one; "" otherwise ("", "foo ", "-").
std::string completion_prefix(std::string_view typed);

}  // namespace lupe::searcher
