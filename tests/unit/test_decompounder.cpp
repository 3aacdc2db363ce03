#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "analysis/decompounder.hpp"
#include "lupe/error.hpp"
#include "support/temp_dir.hpp"

using lupe::analysis::Decompounder;
using Words = std::vector<std::string>;

// Show the parts when a check fails.
template <>
struct doctest::StringMaker<Words> {
    static doctest::String convert(const Words& words) {
        std::string out = "{";
        for (const auto& word : words) out += (out.size() > 1 ? ", \"" : "\"") + word + "\"";
        return (out + "}").c_str();
    }
};

namespace {

bool has(const Words& parts, const std::string& part) {
    return std::find(parts.begin(), parts.end(), part) != parts.end();
}

const Decompounder& german() {
    static const auto splitter = Decompounder::german();
    REQUIRE_MESSAGE(splitter != nullptr, "the German word list (Debian package wngerman, "
                                         "/usr/share/dict/ngerman) is needed by these tests");
    return *splitter;
}

}  // namespace

// --- The rules, on hand-made lists (independent of wngerman) ---------------------------
// Nouns are capitalised, as in wngerman: a word listed in lower case is not split.

TEST_CASE("decompounder: a part has at least three code points") {
    const Decompounder d({"Eis", "Tee", "Bau", "er", "Zug", "Führer"});
    CHECK(d.split("eistee") == Words{"eis", "tee"});
    CHECK(d.split("zugführer") == Words{"zug", "führer"});  // ü is one code point, two bytes
    CHECK(d.split("bauer") == Words{});                     // "er" is too short to be a part
    CHECK(d.split("eiser") == Words{});
}

TEST_CASE("decompounder: words too short, too long or malformed are not split") {
    const Decompounder d({"Eis", "Tee", "See"});
    CHECK(d.split("") == Words{});
    CHECK(d.split("eis") == Words{});
    CHECK(d.split("eiste") == Words{});  // five code points: no two parts of three
    CHECK(d.split("eistee") == Words{"eis", "tee"});
    CHECK(d.split("eis\xFF" "tee") == Words{});    // invalid UTF-8
    CHECK(d.split("eis-tee") == Words{});          // the tokenizer cuts at hyphens, not split()
    CHECK(d.split("Eistee") == Words{});           // split() expects the tokenizer's lower case
    std::string longest;
    while (longest.size() + 3 <= lupe::analysis::kMaxCompoundBytes) longest += "see";
    CHECK(d.split(longest).empty());  // 33 parts: more than kMaxParts
    CHECK(d.split(longest + "see") == Words{});  // longer than any token
}

TEST_CASE("decompounder: linking elements s, es, n, en are dropped from the part") {
    const Decompounder d({"Arbeit", "Platz", "Drohne", "Hersteller", "Mensch", "Rechte",
                          "Tag", "Licht", "Sonne", "Schein"});
    CHECK(d.split("arbeitsplatz") == Words{"arbeit", "platz"});
    CHECK(d.split("tageslicht") == Words{"tag", "licht"});
    CHECK(d.split("drohnenhersteller") == Words{"drohne", "hersteller"});
    CHECK(d.split("sonnenschein") == Words{"sonne", "schein"});
    CHECK(d.split("menschenrechte") == Words{"mensch", "rechte"});
    CHECK(d.split("platzarbeits") == Words{});  // no link after the last part
    CHECK(d.split("platzsslicht") == Words{});  // one link at most
}

TEST_CASE("decompounder: n follows only an e, en and es never do") {
    const Decompounder d({"Maß", "Ahmen", "Sonne", "Schein", "Tag", "Licht"});
    CHECK(d.split("maßnahmen") == Words{});       // not Maß|n|ahmen
    CHECK(d.split("sonneenschein") == Words{});   // not Sonne|en|schein
    CHECK(d.split("tagnlicht") == Words{});       // not Tag|n|licht
}

TEST_CASE("decompounder: e and er are not linking elements, the list has the plurals") {
    CHECK(Decompounder({"Schwein", "Braten"}).split("schweinebraten") == Words{});
    CHECK(Decompounder({"Kind", "Wagen"}).split("kinderwagen") == Words{});
    CHECK(Decompounder({"Schweine", "Braten"}).split("schweinebraten") ==
          Words{"schweine", "braten"});
}

TEST_CASE("decompounder: a listed word with a link is one reading, not two") {
    const Decompounder d({"Drohne", "Drohnen", "Hersteller"});
    CHECK(d.split("drohnenhersteller") == Words{"drohnen", "hersteller"});
}

TEST_CASE("decompounder: only the segmentations with the fewest parts are kept") {
    const Decompounder d({"Verb", "Raucher", "Verbraucher", "Schutz"});
    CHECK(d.split("verbraucherschutz") == Words{"verbraucher", "schutz"});
    // Without "Brauch" in the list, nothing tells that Verbraucher is ver|brauch|er.
    CHECK(d.split("verbraucher") == Words{"verb", "raucher"});
}

TEST_CASE("decompounder: ambiguous words return the parts of every reading") {
    const Decompounder stau({"Stau", "Staub", "Becken", "Ecken"});
    CHECK(stau.split("staubecken") == Words{"staub", "ecken", "stau", "becken"});
    const Decompounder rund({"rundum", "rund", "Umsicht", "Sicht"});
    CHECK(rund.split("rundumsicht") == Words{"rundum", "sicht", "rund", "umsicht"});
}

TEST_CASE("decompounder: at most kMaxSegmentations readings are returned") {
    // "baceidofug" splits after its 3rd, 4th, 5th, 6th or 7th letter: five readings.
    const std::string word = "baceidofug";
    std::vector<std::string> list;
    for (std::size_t cut = 3; cut <= 7; ++cut) {
        list.push_back(word.substr(0, cut));
        list.push_back(word.substr(cut));
    }
    const Decompounder d(list);
    const Words parts = d.split(word);
    static_assert(lupe::analysis::kMaxSegmentations == 4);
    CHECK(parts.size() == 8);  // the four readings with the longest first parts
    CHECK(parts.front() == "baceido");
    CHECK_FALSE(has(parts, "bac"));  // the fifth reading, bac + eidofug, is dropped
}

TEST_CASE("decompounder: at most kMaxParts parts, and two for a listed word") {
    const Decompounder d({"Eis", "Tee", "Zug", "Eisteezug"});
    CHECK(d.split("zugeisteeeis") == Words{"zug", "eis", "tee"});  // 4 parts, not listed
    CHECK(d.split("eisteezugeisteezug") == Words{});               // 6 parts
    CHECK(d.split("eisteezug") == Words{});  // listed, and three parts would be needed
    const Decompounder two({"Eistee", "Zug", "Eisteezug"});
    CHECK(two.split("eisteezug") == Words{"eistee", "zug"});
}

TEST_CASE("decompounder: split_levels splits the parts again and adds the sub-compounds") {
    const Decompounder d({"Bundesverfassung", "Verfassung", "Gericht", "Bund", "Dampf",
                          "Schiff", "Fahrt", "Donau", "Gesellschaft", "Schifffahrt"});
    // The first level is split(); bundesverfassung is listed, so it splits into two.
    const auto levels = d.split_levels("bundesverfassungsgericht");
    CHECK(levels.parts == Words{"bundesverfassung", "gericht"});
    CHECK(levels.deeper == Words{"bund", "verfassung", "verfassungsgericht"});
    // One level is lupe 0.5's split, nothing deeper.
    const auto one = d.split_levels("bundesverfassungsgericht", 1);
    CHECK(one.parts == levels.parts);
    CHECK(one.deeper == Words{});
    // Every run of adjacent atoms short of the whole word, none twice, never the word:
    // donau|dampf|schifffahrt|s|gesellschaft, schifffahrt being schiff|fahrt.
    const auto long_one = d.split_levels("donaudampfschifffahrtsgesellschaft");
    CHECK(long_one.parts == Words{"donau", "dampf", "schifffahrt", "gesellschaft"});
    for (const char* sub : {"schiff", "fahrt", "donaudampf", "dampfschiff", "dampfschifffahrt",
                            "schifffahrtsgesellschaft", "donaudampfschifffahrt"}) {
        CHECK_MESSAGE(has(long_one.deeper, sub), sub);
    }
    for (const auto& part : long_one.deeper) {
        CHECK(part != "donaudampfschifffahrtsgesellschaft");
        CHECK_FALSE(has(long_one.parts, part));
        CHECK(std::count(long_one.deeper.begin(), long_one.deeper.end(), part) == 1);
    }
    // A word that is no compound has no levels at all.
    CHECK(d.split_levels("verfassung").parts == Words{});
    CHECK(d.split_levels("verfassung").deeper == Words{});
}

TEST_CASE("decompounder: the deeper levels keep the splitter's guards") {
    // "unter" is a function word, never a part; "weltweit" is listed in lower case (an
    // adjective), so it stays whole at any level, as at the first.
    const Decompounder d({"Unter", "Nehmen", "Unternehmen", "Welt", "weit", "weltweit", "Handel",
                          "Unternehmensberatung", "Beratung"});
    const auto firm = d.split_levels("unternehmensberatung");
    CHECK(firm.parts == Words{"unternehmen", "beratung"});
    CHECK(firm.deeper == Words{});  // not unter|nehmen
    CHECK(d.split_levels("weltweithandel").deeper == Words{});
    // Below the first level a reading must end in a noun: Einkommensteuer is
    // einkommen|steuer there, not also einkommen|s|teuer ("teuer", dear, an adjective),
    // which the first level keeps as a second reading.
    const Decompounder e({"Einkommen", "Steuer", "teuer", "Gesetz", "Einkommensteuer"});
    CHECK(e.split("einkommensteuer") == Words{"einkommen", "teuer", "steuer"});
    const auto tax = e.split_levels("einkommensteuergesetz");
    CHECK(tax.parts == Words{"einkommensteuer", "gesetz"});
    CHECK(tax.deeper == Words{"einkommen", "steuer", "steuergesetz"});
}

TEST_CASE("decompounder: a listed noun is still split, a word listed in lower case is not") {
    const Decompounder d({"Fußball", "Trainer", "Fußballtrainer", "Eis", "Tee", "eistee"});
    CHECK(d.split("fußballtrainer") == Words{"fußball", "trainer"});
    CHECK(d.split("eistee") == Words{});  // listed as a verb, adjective or adverb would be
}

TEST_CASE("decompounder: ß is also listed as ss") {
    const Decompounder d({"Fußball", "Trainer"});
    CHECK(d.contains("fußball"));
    CHECK(d.contains("fussball"));
    CHECK(d.size() == 3);
    CHECK(d.split("fussballtrainer") == Words{"fussball", "trainer"});
    CHECK(d.split("fußballtrainer") == Words{"fußball", "trainer"});
}

TEST_CASE("decompounder: function words, suffixes and abbreviations are not parts") {
    CHECK(Decompounder({"bei", "Spiel"}).split("beispiel") == Words{});
    CHECK(Decompounder({"mit", "Glied"}).split("mitglied") == Words{});
    CHECK(Decompounder({"Reg", "Ion"}).split("region") == Words{});
    CHECK(Decompounder({"Ion", "Wasser"}).split("ionwasser") == Words{"ion", "wasser"});
    CHECK(Decompounder({"gesell", "Schaft"}).split("gesellschaft") == Words{});
    CHECK(Decompounder({"Okt", "Ober"}).split("oktober") == Words{});
    CHECK(Decompounder({"PKW", "Fahrer"}).split("pkwfahrer") == Words{});
    CHECK(Decompounder({"Kfz", "Steuer"}).split("kfzsteuer") == Words{});
    CHECK(Decompounder({"Bon"}).split("bonbon") == Words{});  // one part twice: no compound
}

TEST_CASE("decompounder: a prefixed derivation is not cut inside its stem") {
    const Decompounder d({"Verb", "Raucher", "Brauch", "Best", "Zeit", "Eck", "steck"});
    CHECK(d.split("verbraucher") == Words{});  // ver|brauch|er
    CHECK(d.split("besteck") == Words{});      // be|steck
    CHECK(d.split("bestzeit") == Words{"best", "zeit"});  // "stzeit" is no word
}

TEST_CASE("decompounder: list entries that are not all letters are skipped") {
    const Decompounder d({"Eis", "T3e", "Tee-Zug", "O'Neill", "", "caf\xC3\xA9", "\xFF" "ab"});
    CHECK(d.size() == 2);
    CHECK(d.contains("eis"));
    CHECK(d.contains("café"));
    CHECK_FALSE(d.contains("t3e"));
    CHECK_FALSE(d.contains("tee-zug"));
    CHECK_FALSE(d.contains("Eis"));  // contains() takes the lower-case word
}

TEST_CASE("decompounder: load reads one word per line") {
    const lupe::test::TempDir dir;
    const Decompounder d = Decompounder::load(dir.write("words.txt", "Eis\r\nTee\n\nZug"));
    CHECK(d.size() == 3);
    CHECK(d.split("eisteezug") == Words{"eis", "tee", "zug"});
}

TEST_CASE("decompounder: load of a missing or unreadable list throws IoError with the path") {
    const lupe::test::TempDir dir;
    const std::string missing = dir / "no-such-list";
    CHECK_THROWS_AS(Decompounder::load(missing), lupe::IoError);
    CHECK_THROWS_WITH(Decompounder::load(missing), doctest::Contains(missing.c_str()));
    CHECK_THROWS_AS(Decompounder::load(dir.path().string()), lupe::IoError);  // a directory
}

// --- The German list (wngerman) ------------------------------------------------------

TEST_CASE("decompounder: the German list loads once") {
    const auto first = Decompounder::german();
    REQUIRE(first != nullptr);
    CHECK(first == Decompounder::german());
    CHECK(first->size() > 350000);
    CHECK(first->contains("drohne"));
    CHECK(first->contains("fußball"));
    CHECK(first->contains("fussball"));
}

TEST_CASE("decompounder: German compounds") {
    const Decompounder& d = german();

    const Words rundumsicht = d.split("rundumsicht");  // rundum|sicht and rund|umsicht
    CHECK(has(rundumsicht, "sicht"));
    CHECK(rundumsicht == Words{"rundum", "sicht", "rund", "umsicht"});

    const Words drohnen = d.split("drohnenhersteller");
    CHECK((has(drohnen, "drohnen") || has(drohnen, "drohne")));
    CHECK(has(drohnen, "hersteller"));

    CHECK(d.split("fußballtrainer") == Words{"fußball", "trainer"});  // itself listed
    CHECK(d.split("fussballtrainer") == Words{"fussball", "trainer"});

    // wngerman lists "Quelle" only as the verb form "quelle"; it is still a part.
    const Words paket = d.split("paketquellen");
    CHECK(has(paket, "paket"));
    CHECK((has(paket, "quellen") || has(paket, "quelle")));

    CHECK(d.split("verbraucherschutz") == Words{"verbraucher", "schutz"});

    const Words stau = d.split("staubecken");  // Stau|becken and Staub|ecken
    CHECK(has(stau, "stau"));
    CHECK(has(stau, "becken"));

    CHECK(d.split("arbeitsplatz") == Words{"arbeit", "platz"});
    CHECK(d.split("schweinebraten") == Words{"schweine", "braten"});
    CHECK(d.split("tageslicht") == Words{"tages", "licht"});  // "tages" is listed itself
    CHECK(d.split("eistee") == Words{"eis", "tee"});
    CHECK(d.split("wachstube") == Words{"wachs", "tube", "wach", "stube"});
    CHECK(d.split("donaudampfschifffahrtsgesellschaft") ==
          Words{"donau", "dampfschifffahrt", "gesellschaft"});
}

TEST_CASE("decompounder: German compounds at every level") {
    const auto court = german().split_levels("bundesverfassungsgericht");
    CHECK(has(court.parts, "bundesverfassung"));
    CHECK(has(court.parts, "gericht"));
    CHECK(has(court.deeper, "verfassung"));
    CHECK(has(court.deeper, "verfassungsgericht"));
    const auto insurance = german().split_levels("krankenversicherungsbeitrag");
    CHECK(has(insurance.deeper, "versicherung"));
    CHECK(has(insurance.deeper, "versicherungsbeitrag"));
    CHECK(german().split_levels("bundesverfassungsgericht", 1).deeper == Words{});
}

TEST_CASE("decompounder: German words that are not compounds") {
    const Decompounder& d = german();
    struct Case {
        const char* word;
        const char* why;
    };
    const Case cases[] = {
        {"bauer", "bau + er: er is too short"},
        {"startup", "up is not German"},
        {"headset", "head is not German"},
        // Verbraucher is ver|brauch|er; verb + raucher is an accident of spelling, and
        // "Raucher" must not find every text about consumers.
        {"verbraucher", "prefixed derivation"},
        {"werden", "listed in lower case: wer + den"},
        {"unternehmen", "listed in lower case: unter + nehmen"},
        {"beispiel", "bei is a function word"},
        {"mitglied", "mit is a function word"},
        {"region", "ion is a suffix here"},
        {"gesellschaft", "schaft is a suffix here"},
        {"regierungen", "listed: not regie + run + gen"},
        {"oktober", "okt is an abbreviation"},
        {"besteck", "be|steck, not best + eck"},
        {"bonbon", "bon twice"},
        {"eis", "too short"},
        {"haus", "too short"},
        {"", "empty"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.word);
        CAPTURE(c.why);
        CHECK(d.split(c.word) == Words{});
    }
}

TEST_CASE("decompounder: known limits on the German list") {
    const Decompounder& d = german();
    // Names are split when their letters spell listed words.
    CHECK(d.split("frankreich") == Words{"frank", "reich"});
    // Links that drop a letter are not known: Erd|beben comes from Erde.
    CHECK(d.split("erdbeben") == Words{});
    // Hyphens are the tokenizer's business: a hyphenated word is not split here.
    CHECK(d.split("fußball-trainer") == Words{});
    CHECK(d.split("e-mail-adresse") == Words{});
}

TEST_CASE("decompounder: parts are never hyphenated, never empty, never the word") {
    const Decompounder& d = german();
    for (const char* word : {"rundumsicht", "drohnenhersteller", "fußballtrainer",
                             "paketquellen", "verbraucherschutz", "staubecken",
                             "arbeitsplatz", "wachstube", "fussballtrainer"}) {
        CAPTURE(word);
        const Words parts = d.split(word);
        CHECK(parts.size() >= 2);
        for (const auto& part : parts) {
            CHECK(part.find('-') == std::string::npos);
            CHECK(part.size() >= 3);
            CHECK(part != word);
        }
    }
}

TEST_CASE("decompounder: split is safe to call from several threads") {
    const Decompounder& d = german();
    const Words expected = d.split("rundumsicht");
    std::vector<int> ok(4, 0);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < ok.size(); ++t) {
        threads.emplace_back([&, t] {
            int same = 0;
            for (int i = 0; i < 1000; ++i) same += d.split("rundumsicht") == expected;
            ok[t] = same;
        });
    }
    for (auto& thread : threads) thread.join();
    for (const int same : ok) CHECK(same == 1000);
}

TEST_CASE("WordTable: words and flags survive growth, misses are misses") {
    lupe::analysis::WordTable table;
    CHECK(table.find("a") == nullptr);  // empty table
    std::vector<std::string> words;
    for (int i = 0; i < 5000; ++i) words.push_back("w" + std::to_string(i * 7919));
    for (std::size_t i = 0; i < words.size(); ++i) {
        table[words[i]] |= static_cast<std::uint8_t>(1 + i % 200);  // grows from 16 slots
    }
    CHECK(table.size() == words.size());
    for (std::size_t i = 0; i < words.size(); ++i) {
        const std::uint8_t* flags = table.find(words[i]);
        REQUIRE(flags != nullptr);
        CHECK(*flags == 1 + i % 200);
    }
    table[words[3]] |= 0x80;  // adding again keeps the entry
    CHECK(table.size() == words.size());
    CHECK(*table.find(words[3]) == (4 | 0x80));
    for (const char* miss : {"", "w", "w1", "w7918", "w7919x", "x7919"}) {
        CAPTURE(miss);
        CHECK(table.find(miss) == nullptr);
    }
    CHECK(table.find(std::string(300, 'w')) == nullptr);  // longer than any entry can be
    table.reserve(100000);  // rehash keeps everything
    CHECK(*table.find(words[4999]) == 1 + 4999 % 200);
}

// --- The compiled form (write_compiled / map_compiled) ----------------------------------

namespace {

std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("decompounder: a compiled German list splits exactly as the list it came from") {
    const Decompounder& list = german();
    const lupe::test::TempDir dir;
    const std::string file = dir / "words.bin";
    list.write_compiled(file);
    std::string why;
    const auto mapped = Decompounder::map_compiled(file, list.fingerprint(), &why);
    REQUIRE_MESSAGE(mapped != nullptr, why);
    CHECK(mapped->size() == list.size());
    CHECK(mapped->fingerprint() == list.fingerprint());
    CHECK(mapped->contains("fußball"));
    CHECK(mapped->contains("fussball"));
    CHECK_FALSE(mapped->contains("fußbal"));
    // Every kind of word the rules treat differently, and compounds of every shape.
    for (const char* word : {"rundumsicht", "drohnenhersteller", "fußballtrainer", "staubecken",
                             "bundesverfassungsgericht", "donaudampfschifffahrtsgesellschaft",
                             "verbraucherschutz", "unternehmen", "oktober", "gesellschaft",
                             "regierungen", "beispiel", "bonbon", "headset", "arbeitsplatz"}) {
        CAPTURE(word);
        CHECK(mapped->split(word) == list.split(word));
    }
    // The words of the list itself, split by both (a sample of every 97th).
    std::ifstream in(std::string(lupe::analysis::kGermanWordListPath));
    std::string line;
    std::size_t compared = 0, compounds = 0;
    for (std::size_t i = 0; std::getline(in, line); ++i) {
        if (i % 97 != 0) continue;
        std::string lower;
        for (const char c : line) lower += c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
        const Words parts = list.split(lower);
        CHECK(mapped->split(lower) == parts);
        ++compared;
        compounds += parts.empty() ? 0 : 1;
    }
    CHECK(compared > 3000);
    CHECK(compounds > 500);
}

TEST_CASE("decompounder: a compiled list is refused when it is not the one wanted, or damaged") {
    const Decompounder list({"Eis", "Tee", "Zug", "Führer", "Bau", "Stelle"});
    const lupe::test::TempDir dir;
    const std::string file = dir / "words.bin";
    list.write_compiled(file);
    const std::string bytes = read_bytes(file);
    std::string why;

    REQUIRE(Decompounder::map_compiled(file, list.fingerprint(), &why) != nullptr);
    CHECK(Decompounder::map_compiled(file, list.fingerprint())->split("baustelle") ==
          Words{"bau", "stelle"});

    const Decompounder other({"Eis", "Tee"});
    CHECK(Decompounder::map_compiled(file, other.fingerprint(), &why) == nullptr);
    CHECK(why.find("another list") != std::string::npos);

    CHECK(Decompounder::map_compiled(dir / "missing.bin", list.fingerprint(), &why) == nullptr);
    CHECK(why.find("No such file") != std::string::npos);
    CHECK(Decompounder::map_compiled(dir.path().string(), list.fingerprint(), &why) == nullptr);

    CHECK(Decompounder::map_compiled(dir.write("short.bin", bytes.substr(0, 40)),
                                     list.fingerprint(), &why) == nullptr);
    CHECK(Decompounder::map_compiled(dir.write("cut.bin", bytes.substr(0, bytes.size() - 1)),
                                     list.fingerprint(), &why) == nullptr);
    CHECK(why.find("damaged") != std::string::npos);
    std::string text = bytes;
    text.replace(0, 4, "JUNK");
    CHECK(Decompounder::map_compiled(dir.write("junk.bin", text), list.fingerprint(), &why) == nullptr);
    CHECK(why.find("not a compiled word list") != std::string::npos);
    text = bytes;
    text[16] = static_cast<char>(text[16] ^ 1);  // the rules' hash
    CHECK(Decompounder::map_compiled(dir.write("rules.bin", text), list.fingerprint(), &why) == nullptr);
    CHECK(why.find("another version") != std::string::npos);

    // Slots that point outside the text, and a table with no empty slot: lookups stay
    // inside the file and end (words go missing, nothing crashes or loops).
    text = bytes;
    std::uint64_t slots = 0;  // the head's slot count: 72 bytes of head, then 8 per slot
    std::memcpy(&slots, bytes.data() + 48, sizeof slots);
    REQUIRE(72 + slots * 8 < bytes.size());
    for (std::size_t i = 72; i < 72 + slots * 8; i += 8) {
        text.replace(i, 8, std::string("\xF0\xFF\xFF\x7F\xAB\xCD\x09\x01", 8));
    }
    const auto damaged = Decompounder::map_compiled(dir.write("slots.bin", text), list.fingerprint(), &why);
    REQUIRE_MESSAGE(damaged != nullptr, why);  // the head is intact
    CHECK(damaged->split("baustelle") == Words{});
    CHECK_FALSE(damaged->contains("eis"));
}

TEST_CASE("decompounder: writing a compiled list replaces the old file whole, or names the path") {
    const Decompounder small({"Eis", "Tee"});
    const Decompounder large({"Eis", "Tee", "Zug", "Führer"});
    const lupe::test::TempDir dir;
    const std::string file = dir / "words.bin";
    small.write_compiled(file);
    const auto old_mapping = Decompounder::map_compiled(file, small.fingerprint());
    REQUIRE(old_mapping != nullptr);
    large.write_compiled(file);  // renamed over: the old mapping keeps its file
    CHECK(old_mapping->split("eistee") == Words{"eis", "tee"});
    REQUIRE(Decompounder::map_compiled(file, large.fingerprint()) != nullptr);
    CHECK(Decompounder::map_compiled(file, large.fingerprint())->split("zugführer") ==
          Words{"zug", "führer"});
    CHECK(std::filesystem::directory_iterator(dir.path()) != std::filesystem::directory_iterator());
    std::size_t files = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++files;
    CHECK(files == 1);  // no temporary left behind
    CHECK_THROWS_WITH_AS(small.write_compiled(dir / "no-such-dir/words.bin"),
                         doctest::Contains("no-such-dir/words.bin"), lupe::IoError);
}
