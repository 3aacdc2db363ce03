#include "analysis/fold.hpp"

#include "analysis/utf8.hpp"

namespace lupe::analysis {
namespace {

// The base letters of lower-case Latin-1 Supplement and Latin Extended-A letters, or
// nullptr for letters that are left alone.
const char* base_letters(char32_t cp) {
    switch (cp) {
        case U'à': case U'á': case U'â': case U'ã': case U'ä': case U'å':
        case U'ā': case U'ă': case U'ą': return "a";
        case U'æ': return "ae";
        case U'ç': case U'ć': case U'ĉ': case U'ċ': case U'č': return "c";
        case U'ď': case U'đ': case U'ð': return "d";
        case U'è': case U'é': case U'ê': case U'ë': case U'ē': case U'ĕ': case U'ė':
        case U'ę': case U'ě': return "e";
        case U'ĝ': case U'ğ': case U'ġ': case U'ģ': return "g";
        case U'ĥ': case U'ħ': return "h";
        case U'ì': case U'í': case U'î': case U'ï': case U'ĩ': case U'ī': case U'ĭ':
        case U'į': case U'ı': return "i";
        case U'ĳ': return "ij";
        case U'ĵ': return "j";
        case U'ķ': return "k";
        case U'ĺ': case U'ļ': case U'ľ': case U'ŀ': case U'ł': return "l";
        case U'ñ': case U'ń': case U'ņ': case U'ň': case U'ŉ': return "n";
        case U'ò': case U'ó': case U'ô': case U'õ': case U'ö': case U'ø': case U'ō':
        case U'ŏ': case U'ő': return "o";
        case U'œ': return "oe";
        case U'ŕ': case U'ŗ': case U'ř': return "r";
        case U'ś': case U'ŝ': case U'ş': case U'š': case U'ſ': return "s";
        case U'ß': return "ss";
        case U'ţ': case U'ť': case U'ŧ': return "t";
        case U'þ': return "th";
        case U'ù': case U'ú': case U'û': case U'ü': case U'ũ': case U'ū': case U'ŭ':
        case U'ů': case U'ű': case U'ų': return "u";
        case U'ŵ': return "w";
        case U'ý': case U'ÿ': case U'ŷ': return "y";
        case U'ź': case U'ż': case U'ž': return "z";
        default: return nullptr;
    }
}

bool is_german_letter(char32_t cp) { return cp == U'ä' || cp == U'ö' || cp == U'ü' || cp == U'ß'; }

bool has_non_ascii(std::string_view s) {
    for (char c : s) {
        if (static_cast<unsigned char>(c) >= 0x80) return true;
    }
    return false;
}

}  // namespace

std::string fold_diacritics(std::string_view word, bool keep_german_letters) {
    if (!has_non_ascii(word)) return std::string(word);
    std::string out;
    out.reserve(word.size());
    for (std::size_t pos = 0; pos < word.size();) {
        const std::size_t start = pos;
        const char32_t cp = decode_utf8(word, pos);
        const char* base = (keep_german_letters && is_german_letter(cp)) ? nullptr : base_letters(cp);
        if (base) out += base;
        else out.append(word.substr(start, pos - start));
    }
    return out;
}

FoldedWord fold_word(Family family, std::string_view word) {
    FoldedWord folded;
    if (family == Family::German) {
        folded.primary = fold_diacritics(word, /*keep_german_letters=*/true);
        return folded;
    }
    folded.primary = fold_diacritics(word);
    if (has_non_ascii(word)) {
        // The German digraph spelling: ä -> ae, ö -> oe, ü -> ue, then the rest folded.
        std::string digraph;
        bool changed = false;
        for (std::size_t pos = 0; pos < word.size();) {
            const std::size_t start = pos;
            const char32_t cp = decode_utf8(word, pos);
            if (cp == U'ä' || cp == U'ö' || cp == U'ü') {
                digraph += cp == U'ä' ? "ae" : cp == U'ö' ? "oe" : "ue";
                changed = true;
            } else {
                digraph.append(word.substr(start, pos - start));
            }
        }
        if (changed) folded.digraph = fold_diacritics(digraph);
    }
    return folded;
}

}  // namespace lupe::analysis
