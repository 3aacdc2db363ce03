#include "analysis/analyzer.hpp"

namespace lupe::analysis {

std::string Analyzer::raw_term(std::string_view field, std::string_view word) {
    std::string term;
    term.reserve(field.size() + word.size());
    term.append(field).append(word);
    return term;
}

std::string Analyzer::stem_term(Family family, std::string_view field,
                                const std::string& word) const {
    std::string term(field);
    term.append(family_prefix(family));
    term += stemmers_.stem(family, word);
    return term;
}

void Analyzer::index_text(Xapian::Document& doc, std::string_view text, Family family,
                          std::string_view field, Xapian::termcount wdf,
                          Xapian::termpos& position) {
    tokenize(text, tokens_);
    std::string raw(field);
    for (const Token& token : tokens_) {
        raw.resize(field.size());
        raw += token.text;
        doc.add_posting(raw, ++position, wdf);
        doc.add_term(stem_term(family, field, token.text), wdf);
    }
}

}  // namespace lupe::analysis
