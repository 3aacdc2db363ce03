#include "format/analysis_config.hpp"

#include <algorithm>
#include <charconv>

namespace lupe::format {

std::string describe(const analysis::AnalysisConfig& config) {
    return std::string("fold=") + (config.fold ? "1" : "0") +
           " decompound=" + (config.decompounder ? "1" : "0");
}

analysis::AnalysisConfig parse_config(std::string_view value,
                                      const analysis::WordListSource& german_words) {
    analysis::AnalysisConfig config;
    config.fold = value.find("fold=1") != std::string_view::npos;
    if (value.find("decompound=1") != std::string_view::npos) {
        config.decompounder = analysis::Decompounder::lazy(german_words);
    }
    return config;
}

namespace {
constexpr std::string_view kHashField = "fnv1a64=";
constexpr std::string_view kWordsField = " words=";
constexpr std::string_view kLevelsField = " levels=";
constexpr std::string_view kPathField = " path=";
constexpr std::size_t kHashDigits = 16;
}  // namespace

std::string describe(const WordListRecord& record) {
    return record.fingerprint.to_string() + std::string(kLevelsField) +
           std::to_string(record.compound_levels) + std::string(kPathField) + record.path;
}

std::optional<WordListRecord> parse_word_list_record(std::string_view value) {
    if (!value.starts_with(kHashField)) return std::nullopt;
    value.remove_prefix(kHashField.size());
    WordListRecord record;
    const char* end = value.data() + std::min(value.size(), kHashDigits);
    auto [hash_end, hash_error] = std::from_chars(value.data(), end, record.fingerprint.hash, 16);
    if (hash_error != std::errc() || hash_end != value.data() + kHashDigits) return std::nullopt;
    value.remove_prefix(kHashDigits);
    if (!value.starts_with(kWordsField)) return std::nullopt;
    value.remove_prefix(kWordsField.size());
    auto [words_end, words_error] =
        std::from_chars(value.data(), value.data() + value.size(), record.fingerprint.words);
    if (words_error != std::errc()) return std::nullopt;
    value.remove_prefix(static_cast<std::size_t>(words_end - value.data()));
    if (value.starts_with(kLevelsField)) {
        value.remove_prefix(kLevelsField.size());
        auto [levels_end, levels_error] =
            std::from_chars(value.data(), value.data() + value.size(), record.compound_levels);
        if (levels_error != std::errc()) return std::nullopt;
        value.remove_prefix(static_cast<std::size_t>(levels_end - value.data()));
    }
    if (value.starts_with(kPathField)) record.path = std::string(value.substr(kPathField.size()));
    return record;
}

}  // namespace lupe::format
