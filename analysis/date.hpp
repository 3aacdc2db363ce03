// ISO 8601 dates as lupe stores and compares them.
//
// The date value slot holds "YYYY-MM-DD" so that string order is date order. A document
// dated only to the month or year ("1958-12", "2025") is stored at the first day of it;
// a query bound is widened to the whole period it names (`date:2025` is
// 2025-01-01..2025-12-31, `date:..2024-06` ends on 2024-06-31, which compares correctly).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lupe::analysis {

/// The parts of a date: year, and month/day when given (0 when not).
struct DateParts {
    int year = 0;
    int month = 0;
    int day = 0;
};

/// Parse "YYYY", "YYYY-MM" or "YYYY-MM-DD", optionally followed by a time ("T..." or
/// " ..."), which is ignored. nullopt for anything else or an impossible month or day.
std::optional<DateParts> parse_iso_date(std::string_view text);

/// The value stored for a document date: the first day of the period, "YYYY-MM-DD".
std::string date_sort_key(const DateParts& date);

/// The last "day" of the period, as an inclusive upper bound ("2025" -> "2025-12-31").
std::string date_upper_bound(const DateParts& date);

}  // namespace lupe::analysis
