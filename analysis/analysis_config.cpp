#include "analysis/analysis_config.hpp"

#include "analysis/decompounder.hpp"

namespace lupe::analysis {

std::string describe(const AnalysisConfig& config) {
    return std::string("fold=") + (config.fold ? "1" : "0") +
           " decompound=" + (config.decompounder ? "1" : "0");
}

AnalysisConfig parse_config(std::string_view value, bool& splitter_missing) {
    AnalysisConfig config;
    config.fold = value.find("fold=1") != std::string_view::npos;
    splitter_missing = false;
    if (value.find("decompound=1") != std::string_view::npos) {
        config.decompounder = Decompounder::german();
        splitter_missing = !config.decompounder;
    }
    return config;
}

}  // namespace lupe::analysis
