#include "searcher/index_analysis.hpp"

#include "analysis/decompounder.hpp"
#include "format/analysis_config.hpp"
#include "lupe/error.hpp"

namespace lupe::searcher {

void IndexAnalysis::adopt(const std::string& record, const std::string& german_word_list) {
    if (record == record_ && analyzer_) return;
    record_ = record;
    config_ = format::parse_config(
        record_, analysis::german_word_list_source(german_word_list,
                                                   "SearcherOptions::german_word_list"));
    analysis::AnalysisConfig whole_words = config_;
    whole_words.decompounder.reset();
    analyzer_ = std::make_unique<analysis::Analyzer>(std::move(whole_words));
    splitting_ = false;
    compiled_tried_ = false;
}

// The index's own copy of the list it was split with, mapped: no list is parsed, and the
// query is split exactly as the documents were, whatever list the host has now. A list the
// searcher names itself (SearcherOptions::german_word_list, $LUPE_GERMAN_WORDLIST) wins.
void IndexAnalysis::map_compiled_word_list() {
    compiled_tried_ = true;
    const auto& splitter = config_.decompounder;
    if (compiled_word_list_.empty() || !splitter || !splitter->source() ||
        splitter->source()->origin != analysis::WordListSource::kDefaultOrigin) {
        return;
    }
    const auto recorded = format::parse_word_list_record(word_list_record_);
    if (!recorded) return;
    if (auto mapped = analysis::Decompounder::map_compiled(compiled_word_list_, recorded->fingerprint)) {
        config_.decompounder = std::move(mapped);
    }
}

std::optional<std::string> IndexAnalysis::prepare_german() {
    if (!compiled_tried_) map_compiled_word_list();
    const auto& splitter = config_.decompounder;
    if (!splitter) return std::nullopt;
    try {
        splitter->ensure_loaded();
    } catch (const WordListError& e) {
        return std::string("German compound splitting is off: ") + e.what() +
               "; compound query words are searched whole";
    }
    if (!splitting_) {
        analyzer_ = std::make_unique<analysis::Analyzer>(config_);
        splitting_ = true;
    }
    const auto recorded = format::parse_word_list_record(word_list_record_);
    const analysis::WordListFingerprint used = splitter->fingerprint();
    if (!recorded || recorded->fingerprint == used) return std::nullopt;
    return "the German word list " + splitter->source()->describe() +
           " differs from the one the index was built with (" + used.to_string() +
           "; the index: " + recorded->fingerprint.to_string() + " from " + recorded->path +
           "): compound parts may not match";
}

}  // namespace lupe::searcher
