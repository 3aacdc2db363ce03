#include "analysis/stemmer.hpp"

#include "format/schema.hpp"

namespace lupe::analysis {

namespace schema = format::schema;

Family family_of(std::string_view lang) {
    if (lang == "en") return Family::English;
    if (lang == "de") return Family::German;
    return Family::Unstemmed;
}

std::string_view family_prefix(Family family) {
    switch (family) {
        case Family::English: return schema::kEnglishStemPrefix;
        case Family::German: return schema::kGermanStemPrefix;
        case Family::Unstemmed: break;
    }
    return schema::kUnstemmedPrefix;
}

Stemmers::Stemmers() : english_("english"), german_("german2") {}

std::string Stemmers::stem(Family family, const std::string& word) const {
    switch (family) {
        case Family::English: return english_(word);
        case Family::German: return german_(word);
        case Family::Unstemmed: break;
    }
    return word;
}

}  // namespace lupe::analysis
