// How an index records the optional analysis steps it was built with, so that queries are
// analysed the same way (folded iff the index is folded, split iff it is split), and which
// German word list its compounds were split with.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "analysis/analyzer.hpp"
#include "analysis/decompounder.hpp"

namespace lupe::format {

/// The metadata value for a configuration: "fold=1 decompound=1".
std::string describe(const analysis::AnalysisConfig& config);

/// The configuration an index records. An index without the key (none yet) reads as
/// fold=0 decompound=0. When the index was split, the configuration's decompounder is a
/// Decompounder::lazy() one for `german_words`: nothing is read here, and the caller
/// decides when (and whether) to load it.
analysis::AnalysisConfig parse_config(std::string_view value,
                                       const analysis::WordListSource& german_words);

/// The German word list an index was built with (schema::kGermanWordListKey).
struct WordListRecord {
    analysis::WordListFingerprint fingerprint;
    std::string path;  ///< where the writer read it, for messages only
    /// How deep the index's compounds were split (AnalysisConfig::compound_levels): 0
    /// every level; 1 for a record without the field (lupe 0.5 split one level).
    std::size_t compound_levels = 1;
};

/// The metadata value recording a list: "fnv1a64=<16 hex digits> words=<n> levels=<n>
/// path=<path>". Only the fingerprint identifies the list; the path is for people. lupe 0.5
/// wrote no levels, and reads a record with them (it skips to " path=").
std::string describe(const WordListRecord& record);

/// The record of a metadata value written by describe(); nullopt for an empty or
/// malformed value.
std::optional<WordListRecord> parse_word_list_record(std::string_view value);

}  // namespace lupe::format
