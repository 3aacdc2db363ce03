// Folding: letting spellings with and without diacritics meet.
//
// A user types "Strasse", "Muenchen", "Munchen" or "Cafe" and means "Straße", "München",
// "Café". For German documents the german2 stemmer already folds ä/ö/ü/ß and their
// digraphs ae/oe/ue/ss, so German needs only the other accents (é, ç, ñ ...) folded. For
// English and unstemmed documents lupe folds every Latin diacritic (München -> munchen,
// Café -> cafe, Straße -> strasse), and a word with an umlaut gets a second variant in the
// German digraph spelling (München -> muenchen), so that both spellings find it. The
// digraphs themselves are not folded in English: "poet" must not become "pot".
//
// Folding applies to the stem terms, which phrases match on too (index format 3 keeps no
// unstemmed terms).
#pragma once

#include <string>
#include <string_view>

#include "analysis/stemmer.hpp"

namespace lupe::analysis {

/// Up to two folded spellings of a normalised word; the first is always present.
struct FoldedWord {
    std::string primary;
    std::string digraph;  ///< the ae/oe/ue spelling of a word with umlauts, or empty
};

/// Fold a normalised (lower-case) word for a stemming family (see the design note).
FoldedWord fold_word(Family family, std::string_view word);

/// Fold every Latin diacritic: "münchen" -> "munchen", "straße" -> "strasse", "café" -> "cafe".
std::string fold_diacritics(std::string_view word, bool keep_german_letters = false);

}  // namespace lupe::analysis
