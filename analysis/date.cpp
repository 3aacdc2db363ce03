#include "analysis/date.hpp"

#include <cstdio>

namespace lupe::analysis {
namespace {

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& value) {
    if (pos + n > s.size()) return false;
    value = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
        value = value * 10 + (s[i] - '0');
    }
    return true;
}

std::string format(int year, int month, int day) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
    return buf;
}

}  // namespace

std::optional<DateParts> parse_iso_date(std::string_view text) {
    DateParts d;
    if (!digits(text, 0, 4, d.year)) return std::nullopt;
    std::size_t pos = 4;
    auto at_end = [&] { return pos == text.size() || text[pos] == 'T' || text[pos] == ' '; };
    if (!at_end()) {
        if (text[pos] != '-' || !digits(text, pos + 1, 2, d.month)) return std::nullopt;
        pos += 3;
        if (d.month < 1 || d.month > 12) return std::nullopt;
        if (!at_end()) {
            if (text[pos] != '-' || !digits(text, pos + 1, 2, d.day)) return std::nullopt;
            pos += 3;
            static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
            if (d.day < 1 || d.day > kDays[d.month - 1]) return std::nullopt;
            if (!at_end()) return std::nullopt;
        }
    }
    return d;
}

std::string date_sort_key(const DateParts& date) {
    return format(date.year, date.month ? date.month : 1, date.day ? date.day : 1);
}

std::string date_upper_bound(const DateParts& date) {
    return format(date.year, date.month ? date.month : 12, date.day ? date.day : 31);
}

}  // namespace lupe::analysis
