// Fuzz target: the tokenizer and the analysis chain (folding, stemming, compound splitting
// with a small word list) as the indexer runs them, in every stemming family.
#include "tests/fuzz/fuzz_common.hpp"

#include <xapian.h>

#include "analysis/analyzer.hpp"
#include "analysis/decompounder.hpp"
#include "format/schema.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static lupe::analysis::Analyzer analyzer(lupe::analysis::AnalysisConfig{
        true, std::make_shared<const lupe::analysis::Decompounder>(std::vector<std::string>{
                  "Drohne", "Hersteller", "Rundum", "Sicht", "Stau", "Staub", "Becken", "Ecken"})});
    const std::string_view text = lupe::fuzz::bytes(data, size);
    for (const auto family : lupe::analysis::kAllFamilies) {
        Xapian::Document doc;
        Xapian::termpos pos = 0;
        analyzer.vocabulary().begin_document();
        analyzer.index_text(doc, text, family, lupe::format::schema::kBodyField, 1, pos, true);
        analyzer.index_text(doc, text, family, lupe::format::schema::kTitleField, 2, pos);
        for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
            if ((*t).empty() || (*t).size() > 245) __builtin_trap();  // Xapian's term limit
        }
    }
    analyzer.clear_vocabulary();
    return 0;
}
