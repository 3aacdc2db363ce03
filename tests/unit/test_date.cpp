#include <doctest/doctest.h>

#include "analysis/date.hpp"

using namespace lupe::analysis;

TEST_CASE("parse_iso_date accepts ISO 8601 dates and ignores times") {
    const auto check = [](const char* in, const char* key, const char* upper) {
        CAPTURE(in);
        const auto d = parse_iso_date(in);
        REQUIRE(d);
        CHECK(date_sort_key(*d) == key);
        CHECK(date_upper_bound(*d) == upper);
    };
    check("2025-08-14", "2025-08-14", "2025-08-14");
    check("1958-12", "1958-12-01", "1958-12-31");
    check("2025", "2025-01-01", "2025-12-31");
    check("1987-02-26T15:01:01", "1987-02-26", "1987-02-26");
    check("2024-02-29 10:00", "2024-02-29", "2024-02-29");
}

TEST_CASE("parse_iso_date rejects malformed dates") {
    for (const char* bad : {"", "87", "9-APR-1987 00:00:00.00", "2025-13", "2025-00-10",
                            "2025-02-30", "2025/01/01", "2025-1-1", "20250101", "2025-01-01x"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_iso_date(bad));
    }
}
