#include <doctest/doctest.h>

#include "analysis/stopwords.hpp"

using namespace lupe::analysis;

TEST_CASE("stopwords: the Snowball lists, per family") {
    CHECK(stopword_count(Family::English) == 174);
    CHECK(stopword_count(Family::German) == 231);
    CHECK(stopword_count(Family::Unstemmed) == 0);
    for (const char* w : {"the", "of", "and", "to", "be", "not", "or", "what", "don't"}) {
        CAPTURE(w);
        CHECK(is_stopword(Family::English, w));
    }
    for (const char* w : {"die", "der", "und", "über", "würde", "nicht", "wie"}) {
        CAPTURE(w);
        CHECK(is_stopword(Family::German, w));
    }
    CHECK_FALSE(is_stopword(Family::English, "die"));  // an English verb
    CHECK_FALSE(is_stopword(Family::German, "the"));
    CHECK_FALSE(is_stopword(Family::German, "zeit"));
    CHECK_FALSE(is_stopword(Family::English, "training"));
    CHECK_FALSE(is_stopword(Family::Unstemmed, "the"));
    CHECK_FALSE(is_stopword(Family::English, ""));
    CHECK_FALSE(is_stopword(Family::English, "The"));  // input is normalised first
}
