// Decompounder: splits German compounds ("Drohnenhersteller") into their parts.
//
// German writes a compound as one word, so a search for "Hersteller" or "Drohne" misses
// "Drohnenhersteller" unless the index also holds the parts. lupe splits with a word list
// (Debian's wngerman) rather than with statistics from the indexed corpus, so that a word
// is split the same way at index time and at query time, whatever was indexed.
//
// split() is a dynamic programme over the code-point positions of the word:
//  - a part is a listed word of at least kMinPartChars code points; a part that is not the
//    last may be followed by a linking element (Fugenelement), "n" after an "e"
//    (Drohne|n|hersteller), "en" or "es" after anything else (Mensch|en|rechte,
//    Tag|es|licht), "s" after anything (Arbeit|s|platz); the part is returned without it;
//  - "e" and "er" are not accepted as links: the list holds the plural forms they come
//    from (Schweine|braten, Kinder|wagen, Hunde|hütte split without them), and as free
//    links they would only cut endings off (bau|er);
//  - a segmentation covers the whole word with 2..kMaxParts parts, and only those with the
//    fewest parts are kept: "Verbraucherschutz" is verbraucher + schutz, not verb + raucher
//    + schutz, because one listed word explains those letters better than two;
//  - when several segmentations tie, the parts of all of them are returned (up to
//    kMaxSegmentations readings), in order of first appearance, longest first part first:
//    "staubecken" -> staub, ecken, stau, becken. Only the reader knows which was meant,
//    and the index should find the word under both.
//
// A list of spellings knows nothing of meaning, and in German almost any long word can be
// spelt as two short ones. Checked on all of wngerman and on the German xquad-r passages,
// these guards remove most of the accidental splits and keep the compounds:
//  - a word listed in lower case (a verb, adjective, adverb or function word: wngerman
//    capitalises nouns) is not split: "wer|den", "unter|nehmen", "welt|weit", "dar|auf";
//  - function words and particles are never parts, a few derivation suffixes that happen
//    to be words are never last parts, and abbreviations are never parts
//    ("Bei|spiel", "Mit|glied", "Reg|ion", "Gesell|schaft", "Okt|ober");
//  - a listed word is split into kMaxPartsOfListedWord parts at most ("Regierungen" is
//    not regie + run + gen);
//  - in a word made of an inseparable prefix and a listed stem (ver|brauch|er), the first
//    part may not end inside the stem: "Verbraucher" is not verb + raucher;
//  - a word made of one part twice is not a compound ("Bonbon", "Barbar").
// What remains is reported frankly in tests/unit/test_decompounder.cpp: names are split
// when their letters spell words ("Frankreich" -> frank, reich), a part missing from the
// list leaves the word whole (English loans: "Headset", "Startup"), and the links that
// drop a letter ("Erd|beben" from Erde, "Schul|buch" from Schule) are not known. Hyphenated
// words are not split here: the tokenizer has already cut them at the hyphen.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analysis/tokenizer.hpp"

namespace lupe::analysis {

/// Where Debian's wngerman package installs the German word list.
inline constexpr std::string_view kGermanWordListPath = "/usr/share/dict/ngerman";

/// Environment variable that names another German word list when the writer's or
/// searcher's options name none.
inline constexpr const char* kGermanWordListEnv = "LUPE_GERMAN_WORDLIST";

/// The German word list to read, and what chose it, for messages: a list that cannot be
/// read is reported with the path actually tried and where that path came from.
struct WordListSource {
    std::string path;
    /// "IndexWriterOptions::german_word_list", "$LUPE_GERMAN_WORDLIST" or kDefaultOrigin
    std::string origin;
    /// origin of kGermanWordListPath, chosen because nothing named another list
    static constexpr std::string_view kDefaultOrigin = "the default";
    /// "/x (set by $LUPE_GERMAN_WORDLIST)", "/usr/share/dict/ngerman (the default)"
    std::string describe() const;
};

/// The list a writer or searcher reads: `option` when it is not empty, else
/// $LUPE_GERMAN_WORDLIST when set and not empty, else kGermanWordListPath. Reads nothing.
/// @param option the path the caller's options name, or empty
/// @param option_name how messages call that option ("IndexWriterOptions::german_word_list")
WordListSource german_word_list_source(const std::string& option, std::string_view option_name);

/// Which word list a splitter was built from: FNV-1a (64 bit) over its non-empty lines,
/// each without its line end ("\r\n" or "\n") and followed by "\n", and the number of
/// those lines. The same words in the same order give the same fingerprint whether they
/// come from a file (with either line end) or a vector; any change of a word changes it.
struct WordListFingerprint {
    std::uint64_t hash = 0;
    std::size_t words = 0;
    /// "fnv1a64=0123456789abcdef words=356010"
    std::string to_string() const;
    bool operator==(const WordListFingerprint&) const = default;
};

/// Fewest code points in a part. Three keeps the short real parts (Eis|tee, Zug|führer,
/// Bau|stelle, Stau|becken) and rejects the two-letter words that are mostly endings in
/// disguise ("er" in "Bauer", "in" in "Lehrerin", "en", "es").
inline constexpr std::size_t kMinPartChars = 3;

/// Fewest code points in a word worth splitting: two parts of the minimum length
/// ("Eistee"). Shorter words are answered without a lookup.
inline constexpr std::size_t kMinCompoundChars = 2 * kMinPartChars;

/// Most parts in a segmentation. Compounds of more than five parts are rare even in
/// legal and technical text (Donau|dampf|schiff|fahrt|s|gesellschaft is five); a longer
/// chain of short listed words is more often a name or a foreign word cut into pieces.
inline constexpr std::size_t kMaxParts = 5;

/// Most parts when the word is itself listed. A listed compound is mostly made of listed
/// words or listed compounds (Fußball|trainer, Datenschutz|gesetz), while a listed word
/// that only three or more short words cover is a simple word cut into fragments
/// ("Regierungen" = regie + run + gen, "Bestimmungen" = best + immun + gen).
inline constexpr std::size_t kMaxPartsOfListedWord = 2;

/// Most segmentations (of the fewest parts) whose parts are returned. Real ambiguity is
/// two readings (Stau|becken / Staub|ecken, Wach|stube / Wachs|tube); the bound keeps the
/// output, and the terms a compound adds to the index, small for pathological input.
inline constexpr std::size_t kMaxSegmentations = 4;

/// Longest word split, in bytes: the tokenizer never emits a longer one, and the bound
/// lets split() keep its tables on the stack.
inline constexpr std::size_t kMaxCompoundBytes = kMaxTokenBytes;

/// Most levels split_levels() goes down: the whole word's parts, their parts, and so on.
/// A part is at least kMinPartChars long and a compound at most kMaxCompoundBytes, but
/// real compounds nest three levels at most (Bundes|verfassungs|gericht: the word, then
/// Bundesverfassung, then nothing); the bound keeps pathological input cheap.
inline constexpr std::size_t kMaxLevels = 4;

/// Most atoms (parts split as far as they go) over whose adjacent runs split_levels()
/// forms sub-compounds: eight atoms give at most 35 runs.
inline constexpr std::size_t kMaxAtoms = 8;

/// A compound's parts at every level, as split_levels() returns them.
struct CompoundParts {
    /// The first level: split(word), the parts of the segmentations with fewest parts.
    std::vector<std::string> parts;
    /// Every deeper level and every sub-compound, none in `parts` nor the word itself:
    /// the parts of the parts, split again until no part is a compound, and each run of
    /// adjacent parts of that finest split ("bundesverfassungsgericht": parts
    /// bundesverfassung, gericht; deeper bund, verfassung, verfassungsgericht).
    std::vector<std::string> deeper;
};

/// The word list as split() reads it: each word with its flags, in one open-addressing
/// table over one block of text. Against std::unordered_map<std::string, flags> (a node
/// and often a heap string per word), wngerman loads in less time and memory, and a
/// lookup, of which split() makes one per candidate part, touches one slot and the text.
///
/// The same table can lie in a file (Decompounder::write_compiled()) and be read in place
/// from a mapping of it (view()): its slots and text are plain bytes with offsets, no
/// pointers, so nothing is parsed or rebuilt when a process starts.
class WordTable {
public:
    /// A slot: 8 bytes, the same in memory and in a compiled file (little-endian hosts).
    struct Slot {
        std::uint32_t offset = 0;  ///< of the word in the text
        std::uint16_t tag = 0;     ///< bits of the word's hash, compared before the text
        std::uint8_t length = 0;   ///< 0: an empty slot
        std::uint8_t flags = 0;
    };

    WordTable() = default;
    // The spans point into the owned storage, which a copy or move must point them at anew.
    WordTable(const WordTable& other);
    WordTable(WordTable&& other) noexcept;
    WordTable& operator=(WordTable other) noexcept;
    ~WordTable() = default;

    /// Room for `words` words without growing.
    void reserve(std::size_t words);
    /// The flags of `word`, added with no flags when missing. Valid until the next call.
    /// Not on a view().
    /// @param word at most 255 bytes, not empty
    std::uint8_t& operator[](std::string_view word);
    /// The flags of `word`, or nullptr when it is not in the table.
    const std::uint8_t* find(std::string_view word) const;
    /// Not on a view().
    std::uint8_t* find(std::string_view word);
    std::size_t size() const { return size_; }

    /// The slots (a power of two of them, at most half full when built here, three
    /// quarters in a view of packed_slots()) and the text they point into.
    std::span<const Slot> slots() const { return slots_; }
    std::string_view text() const { return text_; }

    /// The slots rehashed into the fewest (a power of two) that keep the table at most
    /// three quarters full, for a compiled file: wngerman's then take 4 MiB instead of 8.
    /// A lookup probes a few more slots, which lie on the same cache line.
    std::vector<Slot> packed_slots() const;

    /// A read-only table over slots and text that `keeper` keeps alive (a file mapping).
    /// Nothing is checked here beyond the slot count being a power of two; every lookup
    /// checks its slot's offset and length against the text, so a damaged file can make
    /// words go missing but never make a lookup read outside it.
    /// @throws std::invalid_argument the slot count is not a power of two
    static WordTable view(std::span<const Slot> slots, std::string_view text, std::size_t size,
                          std::shared_ptr<const void> keeper);

private:
    static std::uint64_t hash_of(std::string_view word) noexcept;
    /// The slot holding `word`, or the empty slot where it would go; slots_.size() when
    /// neither exists (only a damaged view is full).
    std::size_t slot_of(std::string_view word, std::uint64_t hash) const;
    void rehash(std::size_t capacity);
    /// Point slots_ and text_ at the owned storage after it changed.
    void own();

    std::string owned_text_;          ///< the words, one after another (built tables)
    std::vector<Slot> owned_slots_;   ///< a power of two, at most half full (built tables)
    std::shared_ptr<const void> keeper_;  ///< what a view's memory belongs to
    std::span<const Slot> slots_;     ///< owned_slots_ or a view's
    std::string_view text_;           ///< owned_text_ or a view's
    std::size_t size_ = 0;
};

/// Splits German compounds against a word list. Immutable once built, so one instance may
/// be shared by any number of threads. Copying copies the whole list (tens of MB): share
/// the instance from load_shared() or lazy() instead.
class Decompounder {
public:
    /// Build from `words`, a list that capitalises nouns as German spelling does.
    /// Each word is lower-cased with Xapian::Unicode::tolower per code point, like lupe's
    /// tokenizer. Words with anything but letters (digits, hyphens, apostrophes, invalid
    /// UTF-8) are skipped. Abbreviations (all capitals, an inner capital, or no vowel:
    /// "PKW", "GmbH", "Kfz") are listed but never parts. A word with "ß" is also added
    /// with "ss" (Swiss spelling, and what users type: "Fussball").
    /// @param words the list; any case; empty strings are ignored
    explicit Decompounder(const std::vector<std::string>& words);

    /// Load a word list: one word per line, UTF-8, "\r\n" line ends accepted.
    /// @param path the file to read
    /// @return the splitter built from the file's lines
    /// @throws lupe::IoError naming the path when the file cannot be opened or read
    static Decompounder load(const std::string& path);

    /// Load a word list, sharing the splitter with every other user in the process that
    /// loaded the same file unchanged (same path, size and modification time) and still
    /// holds it: writers and searchers of one process keep one copy (16 MB for wngerman),
    /// and a changed file is read anew. Failures are not remembered: a file that appears
    /// or becomes readable later is read by the next call. Thread-safe.
    /// @param path the file to read
    /// @throws lupe::IoError naming the path when the file cannot be opened or read
    static std::shared_ptr<const Decompounder> load_shared(const std::string& path);

    /// A splitter for `source` that reads the list when it is first needed (split(),
    /// contains(), size(), fingerprint() or ensure_loaded()), not here: loading wngerman
    /// takes about 0.08 s and 16 MB, which a run over English text, or a search of an index
    /// without German documents, never needs. One thread loads (through load_shared()),
    /// the others wait; a failed load is not remembered, the next use tries again.
    /// Any use of it may throw lupe::WordListError naming source.describe().
    static std::shared_ptr<const Decompounder> lazy(WordListSource source);

    /// Write the splitter's table (its words, their flags and the list's fingerprint) to
    /// `path`, in the form map_compiled() reads in place: a whole list costs a mapping
    /// instead of a parse (wngerman: 0.08 s and 16 MB) in every process that needs it. The
    /// file goes to a temporary name beside `path`, is synced, and is renamed over `path`:
    /// a reader sees the old file or the new one, whole. A lazy() splitter loads first.
    /// @throws lupe::IoError naming `path` when it cannot be written
    void write_compiled(const std::string& path) const;

    /// A splitter over a file written by write_compiled(), mapped, not read: its pages are
    /// read as lookups touch them, and shared by every process that maps the same file.
    /// The file is used only when it was compiled by this lupe's rules (the words never
    /// parts, the abbreviations, Xapian's case folding) from the list `expected` names.
    /// @param expected the fingerprint of the list wanted (what an index records)
    /// @param why set to the reason when nullptr is returned, if not null
    /// @return the splitter, or nullptr when the file is missing, unreadable, of another
    ///         format or rules, or compiled from another list
    static std::shared_ptr<const Decompounder> map_compiled(const std::string& path,
                                                           const WordListFingerprint& expected,
                                                           std::string* why = nullptr);

    /// The splitter of the default German list (german_word_list_source("", ...)), loaded
    /// now through load_shared().
    /// @return the splitter, or nullptr when the list cannot be read (not remembered)
    static std::shared_ptr<const Decompounder> german();

    /// Read a lazy() splitter's list now; nothing for a splitter built from its words.
    /// @throws lupe::WordListError the list cannot be read (the message names the path
    ///         and source().origin)
    void ensure_loaded() const { (void)target(); }

    /// The splitter whose words are in memory: this one, or a lazy() one's loaded list;
    /// nullptr while a lazy() one has not loaded (never throws, never loads).
    const Decompounder* if_loaded() const noexcept;

    /// Where a lazy() splitter reads its list; nullptr for one built from its words.
    const WordListSource* source() const noexcept;

    /// Which list the splitter was built from (a lazy() one loads it first).
    WordListFingerprint fingerprint() const { return target().fingerprint_; }

    /// Is this lower-case word in the list (in any case)?
    /// @param word lower case, as the tokenizer produces it
    bool contains(std::string_view word) const;

    /// The parts of a compound, or an empty vector when the word is not one.
    /// @param word a normalised word, as the tokenizer produces it: lower case, umlauts
    ///        and ß kept. Upper-case letters are not folded here and match nothing.
    /// @return the parts of the segmentations with the fewest parts (see the design note),
    ///         deduplicated, in order of first appearance; empty when no segmentation into
    ///         listed parts covers the word, when it is listed in lower case, when it is
    ///         shorter than kMinCompoundChars or longer than kMaxCompoundBytes, or when it
    ///         is not valid UTF-8. A listed noun is still split when it is a compound
    ///         ("fußballtrainer" -> fußball, trainer).
    /// Thread-safe (const, no mutable state); it allocates only for the result.
    std::vector<std::string> split(std::string_view word) const;

    /// The parts of a compound at every level down to `levels` (0: every level, at most
    /// kMaxLevels; 1: split() only, as lupe 0.5 indexed). Each part of the first level is
    /// split again with the same rules, into readings that end in a noun (a part listed in
    /// lower case, made of one word twice, or with no reading whose last part is listed
    /// capitalised stays whole; an ambiguous part is split by its first such reading and
    /// adds the parts of the others), until no part splits; then every run of adjacent atoms
    /// short of the whole word is a sub-compound, so that "Verfassungsgericht",
    /// "Verfassung" and "Bundesverfassung" all lie in "Bundesverfassungsgericht".
    /// Thread-safe, like split().
    CompoundParts split_levels(std::string_view word, std::size_t levels = 0) const;

    /// @return the number of distinct lower-case words loaded, "ss" variants included
    std::size_t size() const { return target().words_.size(); }

private:
    /// What the list says about a word: how it is spelt there, and whether it may be a part.
    enum Flags : std::uint8_t {
        kCapitalised = 1,    ///< listed with a capital: a noun (or a name)
        kLowerCase = 2,      ///< listed in lower case: a verb, adjective, adverb, function word
        kAbbreviation = 4,   ///< listed as an abbreviation ("PKW", "GmbH", "Kfz")
        kNotAPart = 8,       ///< never a part (kNeverParts, kAbbreviations in the .cpp)
        kNotALastPart = 16,  ///< never the last part (kNeverLastParts)
    };

    /// [begin, end) bytes of a part in the word it was split from, its link left out.
    using Range = std::pair<std::uint8_t, std::uint8_t>;
    /// One reading of a word: its parts in order.
    struct Segmentation {
        std::array<Range, kMaxParts> parts{};
        std::size_t count = 0;
    };
    /// The readings of `word` with the fewest parts (at most kMaxSegmentations), longest
    /// first part first; none when it is no compound (the rules of split()).
    std::vector<Segmentation> segmentations(std::string_view word) const;
    /// Appends the atoms of `part` of `word`, split down `levels` more levels, to `atoms`,
    /// and the parts of its other readings to `deeper`.
    void refine(std::string_view word, Range part, std::size_t levels, std::vector<Range>& atoms,
                std::vector<std::string>& deeper) const;

    Decompounder() = default;
    /// A lazy() splitter's word list, read on first use.
    struct Pending;
    std::shared_ptr<Pending> pending_;
    /// The splitter with the words: *this, or the pending list, loaded now if need be.
    /// @throws lupe::WordListError the pending list cannot be read
    const Decompounder& target() const;
    /// Why read() failed, without the path (the callers name it as they know it).
    struct ReadFailure {
        std::string reason;
    };
    /// The splitter of a file's lines. @throws ReadFailure
    static Decompounder read(const std::string& path);
    /// load_shared(), throwing ReadFailure.
    static std::shared_ptr<const Decompounder> share(const std::string& path);
    void add(std::string_view list_entry);
    void mark_non_parts();
    std::uint8_t flags(std::string_view word) const;
    bool is_part(std::string_view text, bool last) const;
    std::size_t derivation_prefix_chars(std::string_view word) const;

    WordTable words_;
    std::size_t max_word_bytes_ = 0;
    WordListFingerprint fingerprint_;
};

}  // namespace lupe::analysis
