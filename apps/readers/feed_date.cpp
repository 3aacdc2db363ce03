// Feed dates to ISO 8601 in UTC: feed_date_to_iso() (declared in feed_reader.hpp).
//
// Two grammars cover what feeds carry: RFC 822 / RFC 2822 for RSS's pubDate ("Tue, 05 Aug
// 2025 10:00:00 +0200") and RFC 3339 / ISO 8601 for Atom and dc:date
// ("2025-08-05T10:00:00+02:00"). Around them, the broken forms seen in real feeds are
// accepted where their meaning is not in doubt: no weekday, no seconds, no zone (taken as
// UTC, as most readers do), a space instead of "T", two-digit years, German month and
// day names ("Di, 05 Mär 2025"), and the European zone names CET/CEST/MEZ/MESZ that are
// not in any RFC but common in German feeds. A zone name that is not known fails the
// whole date rather than being ignored: a date off by hours is worse than a date kept for
// display only.
//
// Hand-written, not a regex: it runs once per feed item, and the grammar is small. The
// offset is applied with days_from_civil arithmetic (Howard Hinnant's algorithms), so the
// date rolls over midnight, month ends, year ends and leap days correctly.
#include <array>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "feed_reader.hpp"

namespace lupe::readers {
namespace {

// Longest text taken for a date. The longest real form ("Wednesday, 05 September 2025
// 10:00:00.123456 +0200 (Central European Summer Time)") is under 80 bytes; more is not a
// date, and scanning it is wasted work.
constexpr std::size_t kMaxDateTextBytes = 128;

struct DateTime {
    int year = 0, month = 0, day = 0;
    int hour = 0, minute = 0, second = 0;
    bool has_time = false;
    int offset_minutes = 0;  // local time = UTC + offset
};

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
    static constexpr std::array<int, 12> kDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : kDays[static_cast<std::size_t>(m - 1)];
}

// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant, "chrono-Compatible
// Low-Level Date Algorithms").
std::int64_t days_from_civil(std::int64_t y, int m, int d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153u * static_cast<unsigned>(m + (m > 2 ? -3 : 9)) + 2) / 5 +
                         static_cast<unsigned>(d) - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, int& y, int& m, int& d) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    y = static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2));
}

// A cursor over the date text.
struct Scanner {
    std::string_view s;
    std::size_t i = 0;

    bool done() const { return i >= s.size(); }
    char peek() const { return done() ? '\0' : s[i]; }
    bool eat(char c) {
        if (peek() != c) return false;
        ++i;
        return true;
    }
    void skip_spaces() {
        while (!done() && (s[i] == ' ' || s[i] == '\t')) ++i;
    }
    // Between the parts of an RFC 822 date: spaces, and the commas and dots of broken
    // forms ("Tue., 5. Aug 2025").
    void skip_separators() {
        while (!done() && (s[i] == ' ' || s[i] == '\t' || s[i] == ',' || s[i] == '.')) ++i;
    }
    // Between `min` and `max` digits; the count read is left in `count`.
    std::optional<int> digits(std::size_t min, std::size_t max, std::size_t* count = nullptr) {
        std::size_t n = 0;
        while (i + n < s.size() && n < max && std::isdigit(static_cast<unsigned char>(s[i + n]))) ++n;
        if (n < min) return std::nullopt;
        int value = 0;
        std::from_chars(s.data() + i, s.data() + i + n, value);
        i += n;
        if (count) *count = n;
        return value;
    }
    // A word of letters (ASCII, and the bytes of UTF-8 letters such as "ä"), lower-cased.
    std::string word() {
        std::string w;
        while (!done() && (std::isalpha(static_cast<unsigned char>(s[i])) ||
                           static_cast<unsigned char>(s[i]) >= 0x80)) {
            w += static_cast<char>(std::tolower(static_cast<unsigned char>(s[i])));
            ++i;
        }
        return w;
    }
};

// English and German month names, full or abbreviated, including the forms of broken
// German feeds ("Mär", "Mrz", "Maerz").
int month_from_name(const std::string& w) {
    if (w.size() < 3) return 0;
    struct Name {
        std::string_view prefix;
        int month;
    };
    static constexpr std::array<Name, 16> kNames{{
        {"jan", 1}, {"feb", 2}, {"mar", 3}, {"m\xC3\xA4r", 3}, {"mrz", 3}, {"mae", 3},
        {"apr", 4}, {"may", 5}, {"mai", 5}, {"jun", 6}, {"jul", 7}, {"aug", 8},
        {"sep", 9}, {"oct", 10}, {"okt", 10}, {"nov", 11}}};
    for (const auto& n : kNames) {
        if (w.compare(0, n.prefix.size(), n.prefix) == 0) return n.month;
    }
    if (w.compare(0, 3, "dec") == 0 || w.compare(0, 3, "dez") == 0) return 12;
    return 0;
}

// English and German day names, full or abbreviated ("Tue", "Tuesday", "Di", "Dienstag").
bool is_day_name(const std::string& w) {
    static constexpr std::array<std::string_view, 11> kPrefixes{"mo", "tu", "we", "th", "fr",
                                                                "sa", "su", "di", "mi", "do", "so"};
    if (w.size() < 2) return false;
    for (const auto p : kPrefixes) {
        if (w.compare(0, 2, p) == 0) return true;
    }
    return false;
}

// A zone name's offset from UTC in minutes; nullopt when the name is not known.
std::optional<int> zone_offset(const std::string& name) {
    struct Zone {
        std::string_view name;
        int minutes;
    };
    static constexpr std::array<Zone, 17> kZones{{
        {"gmt", 0}, {"ut", 0}, {"utc", 0}, {"z", 0},
        {"est", -300}, {"edt", -240}, {"cst", -360}, {"cdt", -300},
        {"mst", -420}, {"mdt", -360}, {"pst", -480}, {"pdt", -420},
        // Not in RFC 822, but in German feeds: Central European (Summer) Time.
        {"cet", 60}, {"cest", 120}, {"mez", 60}, {"mesz", 120},
        {"bst", 60}}};  // British Summer Time, seen in UK feeds
    for (const auto& z : kZones) {
        if (name == z.name) return z.minutes;
    }
    // RFC 822's military zones (single letters but J): RFC 2822 section 4.3 says their
    // signs were defined backwards and they are to be read as -0000, i.e. UTC.
    if (name.size() == 1 && name[0] >= 'a' && name[0] <= 'z' && name[0] != 'j') return 0;
    return std::nullopt;
}

// "+0200", "+02:00", "+02", "-0500", or a zone name; the scanner is after it.
std::optional<int> parse_zone(Scanner& sc) {
    const char sign = sc.peek();
    if (sign == '+' || sign == '-') {
        ++sc.i;
        std::size_t n = 0;
        const auto hh = sc.digits(2, 4, &n);
        if (!hh) return std::nullopt;
        int hours = *hh, minutes = 0;
        if (n == 4) {
            hours = *hh / 100;
            minutes = *hh % 100;
        } else if (n == 2 && sc.eat(':')) {
            const auto mm = sc.digits(2, 2);
            if (!mm) return std::nullopt;
            minutes = *mm;
        } else if (n != 2) {
            return std::nullopt;
        }
        if (hours > 23 || minutes > 59) return std::nullopt;
        const int total = hours * 60 + minutes;
        return sign == '-' ? -total : total;
    }
    const std::string name = sc.word();
    if (name.empty()) return std::nullopt;
    return zone_offset(name);
}

// "HH:MM[:SS[.fraction]]"; the fraction is dropped.
bool parse_time(Scanner& sc, DateTime& dt) {
    const auto hh = sc.digits(1, 2);
    if (!hh || !sc.eat(':')) return false;
    const auto mm = sc.digits(2, 2);
    if (!mm) return false;
    dt.hour = *hh;
    dt.minute = *mm;
    dt.second = 0;
    if (sc.eat(':')) {
        const auto ss = sc.digits(2, 2);
        if (!ss) return false;
        dt.second = *ss;
        if (sc.peek() == '.' || sc.peek() == ',') {
            ++sc.i;
            if (!sc.digits(1, 12)) return false;
        }
    }
    dt.has_time = true;
    return true;
}

// The end of the text, allowing trailing spaces and an RFC 2822 comment ("(CEST)").
bool at_end(Scanner& sc) {
    sc.skip_spaces();
    if (sc.peek() == '(') {
        const std::size_t close = sc.s.find(')', sc.i);
        if (close == std::string_view::npos) return false;
        sc.i = close + 1;
        sc.skip_spaces();
    }
    return sc.done();
}

// RFC 3339 / ISO 8601: "2025-08-05", "2025-08-05T10:00:00.5+02:00", "2025-08-05 10:00:00",
// "2025-08-05T10:00Z", and a zone name after a space ("2025-08-05 10:00:00 UTC").
bool parse_iso(Scanner& sc, DateTime& dt) {
    const auto y = sc.digits(4, 4);
    if (!y || !sc.eat('-')) return false;
    const auto m = sc.digits(2, 2);
    if (!m || !sc.eat('-')) return false;
    const auto d = sc.digits(2, 2);
    if (!d) return false;
    dt.year = *y;
    dt.month = *m;
    dt.day = *d;
    if (at_end(sc)) return true;
    if (sc.peek() == 'T' || sc.peek() == 't') {
        ++sc.i;
    } else {
        sc.skip_spaces();
    }
    if (!parse_time(sc, dt)) return false;
    if (at_end(sc)) return true;
    sc.skip_spaces();
    const auto zone = parse_zone(sc);
    if (!zone) return false;
    dt.offset_minutes = *zone;
    return at_end(sc);
}

// RFC 822 / RFC 2822: "[Tue, ]5 Aug 2025[ 10:00[:00][ +0200]]", with "-" between the date's
// parts accepted too ("05-Aug-2025").
bool parse_rfc822(Scanner& sc, DateTime& dt) {
    sc.skip_separators();
    if (std::isalpha(static_cast<unsigned char>(sc.peek()))) {
        if (!is_day_name(sc.word())) return false;
        sc.skip_separators();
    }
    const auto d = sc.digits(1, 2);
    if (!d) return false;
    sc.skip_separators();
    sc.eat('-');
    const int month = month_from_name(sc.word());
    if (month == 0) return false;
    sc.skip_separators();
    sc.eat('-');
    std::size_t year_digits = 0;
    const auto y = sc.digits(2, 4, &year_digits);
    if (!y) return false;
    // RFC 2822 section 4.3: two-digit years 00-49 are 2000-2049, 50-99 are 1950-1999;
    // three-digit years are added to 1900.
    int year = *y;
    if (year_digits == 2) year += year < 50 ? 2000 : 1900;
    else if (year_digits == 3) year += 1900;
    dt.year = year;
    dt.month = month;
    dt.day = *d;
    if (at_end(sc)) return true;
    sc.skip_spaces();
    if (!parse_time(sc, dt)) return false;
    if (at_end(sc)) return true;
    sc.skip_spaces();
    const auto zone = parse_zone(sc);
    if (!zone) return false;
    dt.offset_minutes = *zone;
    return at_end(sc);
}

bool valid(const DateTime& dt) {
    if (dt.year < 1 || dt.year > 9999 || dt.month < 1 || dt.month > 12) return false;
    if (dt.day < 1 || dt.day > days_in_month(dt.year, dt.month)) return false;
    // Second 60 is a leap second (RFC 3339 allows it).
    return dt.hour <= 23 && dt.minute <= 59 && dt.second <= 60;
}

std::string format(const DateTime& dt) {
    char out[64];  // room for any int, to keep the compiler's format checks quiet
    if (!dt.has_time) {
        std::snprintf(out, sizeof out, "%04d-%02d-%02d", dt.year, dt.month, dt.day);
        return out;
    }
    // UTC = local - offset. A leap second is kept as :59 of its minute: the result must
    // be a valid time for everything downstream.
    const int second = dt.second == 60 ? 59 : dt.second;
    std::int64_t minutes = days_from_civil(dt.year, dt.month, dt.day) * 1440 + dt.hour * 60 +
                           dt.minute - dt.offset_minutes;
    std::int64_t days = minutes / 1440;
    minutes %= 1440;
    if (minutes < 0) {
        minutes += 1440;
        --days;
    }
    int y = 0, m = 0, d = 0;
    civil_from_days(days, y, m, d);
    if (y < 1 || y > 9999) return "";  // the offset pushed it out of four digits
    std::snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d,
                  static_cast<int>(minutes / 60), static_cast<int>(minutes % 60), second);
    return out;
}

}  // namespace

std::string feed_date_to_iso(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
    if (text.empty() || text.size() > kMaxDateTextBytes) return "";
    DateTime dt;
    Scanner iso{text};
    bool parsed = parse_iso(iso, dt);
    if (!parsed) {
        dt = DateTime{};
        Scanner rfc{text};
        parsed = parse_rfc822(rfc, dt);
    }
    if (!parsed || !valid(dt)) return "";
    return format(dt);
}

}  // namespace lupe::readers
