#include <doctest/doctest.h>

#include "analysis/tokenizer.hpp"

using lupe::analysis::tokenize;
using lupe::analysis::tokenize_words;
using Words = std::vector<std::string>;

TEST_CASE("tokenizer: literal input/output pairs") {
    struct Case {
        const char* in;
        Words out;
    };
    const Case cases[] = {
        {"", {}},
        {"   \t\n ", {}},
        {"Hello, World!", {"hello", "world"}},
        {"Grüße aus München", {"grüße", "aus", "münchen"}},
        {"ÄÖÜ äöü", {"äöü", "äöü"}},
        {"STRASSE Straße", {"strasse", "straße"}},  // ß is folded by german2, not here
        {"E-Mail-Adresse", {"e", "mail", "adresse"}},
        {"don't", {"don't"}},
        {"Huawei’s chips", {"huawei's", "chips"}},  // typographic apostrophe normalised
        {"rock 'n' roll", {"rock", "n", "roll"}},   // quotes, not apostrophes
        {"3.14 and 1,000", {"3.14", "and", "1,000"}},
        {"2025-01-01", {"2025", "01", "01"}},
        {"end. Next", {"end", "next"}},
        {"C++ and C# and g++", {"c++", "and", "c#", "and", "g++"}},
        {"a+b", {"a", "b"}},
        {"360°-Rundumsicht", {"360", "rundumsicht"}},
        {"Rund\xC2\xAD" "umsicht", {"rundumsicht"}},  // soft hyphen inside a word
        {"Ελληνικά Русский", {"ελληνικά", "русский"}},
        {"snake_case", {"snake_case"}},
        {"R2 training", {"r2", "training"}},
        {"ab\xFF" "cd", {"ab", "cd"}},  // invalid UTF-8 separates words
        {"\xC3", {}},
    };
    for (const auto& c : cases) {
        CAPTURE(c.in);
        CHECK(tokenize_words(c.in) == c.out);
    }
}

TEST_CASE("tokenizer: byte offsets point into the input") {
    std::vector<lupe::analysis::Token> tokens;
    tokenize("  Grüße Welt", tokens);
    REQUIRE(tokens.size() == 2);
    CHECK(tokens[0].begin == 2);
    CHECK(tokens[0].end == 9);  // "Grüße" is 7 bytes
    CHECK(tokens[1].begin == 10);
    CHECK(tokens[1].end == 14);
}

TEST_CASE("tokenizer: hyphen-joined words are marked") {
    std::vector<lupe::analysis::Token> tokens;
    tokenize("E-Mail-Adresse hands - on x--y", tokens);
    REQUIRE(tokens.size() == 7);
    CHECK_FALSE(tokens[0].hyphen_joined);  // e
    CHECK(tokens[1].hyphen_joined);        // mail
    CHECK(tokens[2].hyphen_joined);        // adresse
    CHECK_FALSE(tokens[4].hyphen_joined);  // "on" after " - "
    CHECK_FALSE(tokens[6].hyphen_joined);  // "y" after "--"
}

TEST_CASE("tokenizer: over-long words are dropped, the rest kept") {
    const std::string junk(lupe::analysis::kMaxTokenBytes + 1, 'x');
    CHECK(tokenize_words("before " + junk + " after") == Words{"before", "after"});
    const std::string longest(lupe::analysis::kMaxTokenBytes, 'y');
    CHECK(tokenize_words(longest) == Words{longest});
}
