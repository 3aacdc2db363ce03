// Stopword lists: the Snowball project's English and German stop lists
// (https://snowballstem.org/algorithms/english/stop.txt, .../german/stop.txt; BSD-3-Clause),
// as Debian packages them in liblingua-stopwords-perl 0.12 (Lingua::StopWords::EN, ::DE),
// from which these were extracted verbatim: 174 English and 231 German words.
// They are function words (articles, pronouns, auxiliaries, prepositions), chosen by the
// Snowball authors to go with the same stemmers lupe uses.
#include "analysis/stopwords.hpp"

#include <algorithm>
#include <array>

namespace lupe::analysis {
namespace {

// Sorted, so that lookups are a binary search over static data.
constexpr std::array<std::string_view, 174> kEnglish = {
    "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are",
    "aren't", "as", "at", "be", "because", "been", "before", "being", "below", "between",
    "both", "but", "by", "can't", "cannot", "could", "couldn't", "did", "didn't", "do", "does",
    "doesn't", "doing", "don't", "down", "during", "each", "few", "for", "from", "further",
    "had", "hadn't", "has", "hasn't", "have", "haven't", "having", "he", "he'd", "he'll",
    "he's", "her", "here", "here's", "hers", "herself", "him", "himself", "his", "how", "how's",
    "i", "i'd", "i'll", "i'm", "i've", "if", "in", "into", "is", "isn't", "it", "it's", "its",
    "itself", "let's", "me", "more", "most", "mustn't", "my", "myself", "no", "nor", "not",
    "of", "off", "on", "once", "only", "or", "other", "ought", "our", "ours", "ourselves",
    "out", "over", "own", "same", "shan't", "she", "she'd", "she'll", "she's", "should",
    "shouldn't", "so", "some", "such", "than", "that", "that's", "the", "their", "theirs",
    "them", "themselves", "then", "there", "there's", "these", "they", "they'd", "they'll",
    "they're", "they've", "this", "those", "through", "to", "too", "under", "until", "up",
    "very", "was", "wasn't", "we", "we'd", "we'll", "we're", "we've", "were", "weren't", "what",
    "what's", "when", "when's", "where", "where's", "which", "while", "who", "who's", "whom",
    "why", "why's", "with", "won't", "would", "wouldn't", "you", "you'd", "you'll", "you're",
    "you've", "your", "yours", "yourself", "yourselves",
};

constexpr std::array<std::string_view, 231> kGerman = {
    "aber", "alle", "allem", "allen", "aller", "alles", "als", "also", "am", "an", "ander",
    "andere", "anderem", "anderen", "anderer", "anderes", "anderm", "andern", "anderr",
    "anders", "auch", "auf", "aus", "bei", "bin", "bis", "bist", "da", "damit", "dann", "das",
    "dasselbe", "dazu", "daß", "dein", "deine", "deinem", "deinen", "deiner", "deines", "dem",
    "demselben", "den", "denn", "denselben", "der", "derer", "derselbe", "derselben", "des",
    "desselben", "dessen", "dich", "die", "dies", "diese", "dieselbe", "dieselben", "diesem",
    "diesen", "dieser", "dieses", "dir", "doch", "dort", "du", "durch", "ein", "eine", "einem",
    "einen", "einer", "eines", "einig", "einige", "einigem", "einigen", "einiger", "einiges",
    "einmal", "er", "es", "etwas", "euch", "euer", "eure", "eurem", "euren", "eurer", "eures",
    "für", "gegen", "gewesen", "hab", "habe", "haben", "hat", "hatte", "hatten", "hier", "hin",
    "hinter", "ich", "ihm", "ihn", "ihnen", "ihr", "ihre", "ihrem", "ihren", "ihrer", "ihres",
    "im", "in", "indem", "ins", "ist", "jede", "jedem", "jeden", "jeder", "jedes", "jene",
    "jenem", "jenen", "jener", "jenes", "jetzt", "kann", "kein", "keine", "keinem", "keinen",
    "keiner", "keines", "können", "könnte", "machen", "man", "manche", "manchem", "manchen",
    "mancher", "manches", "mein", "meine", "meinem", "meinen", "meiner", "meines", "mich",
    "mir", "mit", "muss", "musste", "nach", "nicht", "nichts", "noch", "nun", "nur", "ob",
    "oder", "ohne", "sehr", "sein", "seine", "seinem", "seinen", "seiner", "seines", "selbst",
    "sich", "sie", "sind", "so", "solche", "solchem", "solchen", "solcher", "solches", "soll",
    "sollte", "sondern", "sonst", "um", "und", "uns", "unse", "unsem", "unsen", "unser",
    "unses", "unter", "viel", "vom", "von", "vor", "war", "waren", "warst", "was", "weg",
    "weil", "weiter", "welche", "welchem", "welchen", "welcher", "welches", "wenn", "werde",
    "werden", "wie", "wieder", "will", "wir", "wird", "wirst", "wo", "wollen", "wollte",
    "während", "würde", "würden", "zu", "zum", "zur", "zwar", "zwischen", "über",
};

bool in(std::string_view word, const auto& list) {
    return std::binary_search(list.begin(), list.end(), word);
}

}  // namespace

bool is_stopword(Family family, std::string_view word) {
    switch (family) {
        case Family::English: return in(word, kEnglish);
        case Family::German: return in(word, kGerman);
        case Family::Unstemmed: break;
    }
    return false;
}

std::size_t stopword_count(Family family) {
    switch (family) {
        case Family::English: return kEnglish.size();
        case Family::German: return kGerman.size();
        case Family::Unstemmed: break;
    }
    return 0;
}

}  // namespace lupe::analysis
