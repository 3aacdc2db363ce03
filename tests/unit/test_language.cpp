#include <doctest/doctest.h>

#include "analysis/language.hpp"

using namespace lupe::analysis;

TEST_CASE("normalize_language_tag") {
    CHECK(normalize_language_tag("en") == "en");
    CHECK(normalize_language_tag("DE") == "de");
    CHECK(normalize_language_tag("de-AT") == "de");
    CHECK(normalize_language_tag("en_GB") == "en");
    CHECK(normalize_language_tag("gsw") == "gsw");
    CHECK_FALSE(normalize_language_tag(""));
    CHECK_FALSE(normalize_language_tag("e"));
    CHECK_FALSE(normalize_language_tag("english"));
    CHECK_FALSE(normalize_language_tag("d3"));
    CHECK_FALSE(normalize_language_tag("de-"));
}

TEST_CASE("detect_language with CLD2") {
    CHECK(detect_language("Chinese artificial intelligence company DeepSeek delayed the release "
                          "of its new model after failing to train it using Huawei's chips.") ==
          "en");
    CHECK(detect_language("Eine neuartige Drohne kombiniert Rundumsicht mit einem VR-Headset und "
                          "einer intuitiven Steuerung. Wir sind einen Prototyp probegeflogen.") ==
          "de");
    CHECK(detect_language("La société a annoncé mardi une hausse de ses bénéfices grâce à la "
                          "demande des consommateurs européens.") == "fr");
    CHECK(detect_language("").empty());
    CHECK(detect_language("12345 67890").empty());
}
