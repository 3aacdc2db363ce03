#include "analysis/language.hpp"

#include <cstdio>  // compact_lang_det.h uses FILE without including it

#include <cld2/public/compact_lang_det.h>

#include "analysis/utf8.hpp"

namespace lupe::analysis {

std::optional<std::string> normalize_language_tag(std::string_view tag) {
    std::string primary;
    std::size_t i = 0;
    for (; i < tag.size() && tag[i] != '-' && tag[i] != '_'; ++i) {
        const char c = tag[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return std::nullopt;
        primary += static_cast<char>(c | 0x20);
    }
    if (primary.size() < 2 || primary.size() > 3) return std::nullopt;
    if (i < tag.size() && i + 1 == tag.size()) return std::nullopt;  // trailing "-"
    return primary;
}

std::string detect_language(std::string_view text) {
    const std::string_view sample = truncate_utf8(text, kDetectionSampleBytes);
    bool reliable = false;
    CLD2::Language top3[3];
    int percent3[3];
    int text_bytes = 0;
    // CLD2 answers ENGLISH when it has nothing to go on; its top-3 summary then says
    // UNKNOWN, which is what we go by.
    const CLD2::Language lang = CLD2::DetectLanguageSummary(
        sample.data(), static_cast<int>(sample.size()), /*is_plain_text=*/true, top3, percent3,
        &text_bytes, &reliable);
    if (lang == CLD2::UNKNOWN_LANGUAGE || top3[0] == CLD2::UNKNOWN_LANGUAGE) return {};
    std::string code = CLD2::LanguageCode(lang);
    if (code == "un" || code.empty()) return {};
    if (!reliable && code != "en" && code != "de") return {};
    return code;
}

}  // namespace lupe::analysis
