// The analysis an index was built with, as a searcher uses it on queries: the recorded
// configuration (schema::kAnalysisKey) parsed, and an Analyzer that follows it. German
// compound splitting comes late: the word list is read by the first search that analyses
// words as German (prepare_german), so that an index whose queries never need it never
// reads the list, and a list that cannot be read costs only a notice.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "analysis/analyzer.hpp"

namespace lupe::searcher {

class IndexAnalysis {
public:
    /// The recorded analysis (schema::kAnalysisKey) this follows; empty before adopt().
    const std::string& record() const { return record_; }

    /// Follow the analysis recorded as `record`. When it is the one followed already, the
    /// analyzer (and a German splitter it has loaded) is kept.
    /// @param german_word_list SearcherOptions::german_word_list
    /// @throws lupe::Error the record cannot be parsed, or names a word list that
    ///         `german_word_list` cannot stand for
    void adopt(const std::string& record, const std::string& german_word_list);

    /// The German word list record (schema::kGermanWordListKey) of the index, if any.
    const std::string& word_list_record() const { return word_list_record_; }
    void set_word_list_record(std::string record) { word_list_record_ = std::move(record); }

    /// Where the index keeps its German word list compiled (format::kCompiledWordListName
    /// in its generation), empty when it has no such place (a remote or pre-generation
    /// index). prepare_german() maps that file instead of reading a list when the searcher
    /// names no list of its own and the file holds the list the index records.
    void set_compiled_word_list(std::string path) { compiled_word_list_ = std::move(path); }

    /// The analyzer for queries (after adopt()). It splits compounds only once
    /// prepare_german() has loaded the word list; before, and when the list cannot be
    /// read, compound query words are searched whole.
    analysis::Analyzer& analyzer() { return *analyzer_; }

    /// Before a search that analyses words as German: the index's compiled list is mapped
    /// (see set_compiled_word_list()), or else the word list is read (by the first such
    /// search; a failure is tried again by the next), and the analyzer splits with it. Returns a notice when the search runs without splitting, or with a list other
    /// than the one the index records.
    std::optional<std::string> prepare_german();

private:
    void map_compiled_word_list();

    std::string record_;
    // What record_ says, with a lazy German splitter when the index was split.
    analysis::AnalysisConfig config_;
    std::unique_ptr<analysis::Analyzer> analyzer_;
    bool splitting_ = false;        // analyzer_ splits compounds
    std::string word_list_record_;
    std::string compiled_word_list_;
    bool compiled_tried_ = false;  // the compiled file was looked at for the current config_
};

}  // namespace lupe::searcher
