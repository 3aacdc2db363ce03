// How an index records the optional analysis steps it was built with, so that queries are
// analysed the same way (folded iff the index is folded, split iff it is split).
#pragma once

#include <string>
#include <string_view>

#include "analysis/analyzer.hpp"

namespace lupe::analysis {

/// The metadata value for a configuration: "fold=1 decompound=1".
std::string describe(const AnalysisConfig& config);

/// The configuration an index records. An index without the key (none yet) reads as
/// fold=0 decompound=0. The German splitter is loaded when the index was split with it;
/// `splitter_missing` is set when it should be but cannot be loaded.
AnalysisConfig parse_config(std::string_view value, bool& splitter_missing);

}  // namespace lupe::analysis
