// Stemming families: which Snowball stemmer (as shipped by Xapian) a language uses.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include <xapian.h>

namespace lupe::analysis {

/// A stemming family. Each has its own term prefix (see schema.hpp).
enum class Family { English, German, Unstemmed };

/// All families, in the order queries list them.
inline constexpr std::array<Family, 3> kAllFamilies = {Family::English, Family::German,
                                                       Family::Unstemmed};

/// The family of a normalised language code: "en" English, "de" German, anything else
/// (other languages, "und") Unstemmed.
Family family_of(std::string_view lang);

/// The stem prefix of a family: "ZE", "ZD" or "ZX".
std::string_view family_prefix(Family family);

/// Snowball stemmers for the families: `english`, and `german2` (which also folds
/// ä/ö/ü written as ae/oe/ue and ß as ss). Not thread-safe (Xapian::Stem keeps state):
/// one Stemmers per thread.
class Stemmers {
public:
    Stemmers();
    /// The stem of a normalised (lower-case) word; Unstemmed returns the word itself.
    std::string stem(Family family, const std::string& word) const;

private:
    Xapian::Stem english_;
    Xapian::Stem german_;
};

}  // namespace lupe::analysis
