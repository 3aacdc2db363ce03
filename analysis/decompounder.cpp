#include "analysis/decompounder.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <mutex>
#include <stdexcept>
#include <utility>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xapian.h>

#include "common/hash.hpp"
#include "analysis/utf8.hpp"
#include "lupe/error.hpp"

namespace lupe::analysis {
namespace {

// The word lists below are what a list of spellings cannot know: which words are
// grammar rather than content. Each was checked against what the splitter did to
// wngerman's 356,010 words and to the German bodies of the xquad-r relevance set.

/// Function words, never a part. As a first part they are the particle of a particle
/// verb, and the word is derived from that verb rather than made of two things
/// ("Auf|gabe", "Ein|fluss", "Unter|schied", "Mit|glied", "Bei|spiel", "Her|stellung");
/// as a last part they are an ending in disguise ("laufen|der", "Human|ist").
/// Not the ranking stopword list: "selbst", "nicht", "weiter" and "all" stay parts
/// (Selbst|mord, Nicht|raucher, Weiter|bildung, Welt|all).
constexpr std::array<std::string_view, 167> kNeverParts = {
    "aber", "als", "ans", "auch", "auf", "aufs", "aus", "bei", "beim", "bis", "dabei",
    "dafür", "dagegen", "daher", "damit", "danach", "daneben", "dann", "dar", "daran",
    "darauf", "daraus", "darin", "darum", "darunter", "darüber", "das", "dass", "davon",
    "dazu", "daß", "dem", "den", "denn", "der", "derer", "des", "dessen", "dich", "die",
    "dies", "diese", "diesem", "diesen", "dieser", "dieses", "dir", "doch", "dort", "durch",
    "ein", "eine", "einem", "einen", "einer", "eines", "entgegen", "euch", "euer", "für",
    "gegen", "gegenüber", "her", "herab", "heran", "herauf", "heraus", "herein", "herum",
    "herunter", "hervor", "hier", "hin", "hinab", "hinauf", "hinaus", "hinein", "hinter",
    "hinweg", "hinzu", "ich", "ihm", "ihn", "ihnen", "ihr", "ihre", "ihrem", "ihren",
    "ihrer", "ihres", "ins", "ist", "jede", "jedem", "jeden", "jeder", "jedes", "jene",
    "jenem", "jenen", "jener", "jenes", "jetzt", "kein", "keine", "keinem", "keinen",
    "keiner", "keines", "man", "mich", "mit", "nach", "neben", "noch", "nun", "nur", "ohne",
    "pro", "schon", "sehr", "sein", "seine", "seinem", "seinen", "seiner", "seines", "seit",
    "sich", "sie", "sind", "sondern", "ums", "und", "uns", "unter", "vom", "von", "vor",
    "voran", "voraus", "vorbei", "vorüber", "wann", "warum", "was", "weil", "welche",
    "welchem", "welchen", "welcher", "welches", "wem", "wen", "wenn", "wer", "wessen",
    "wider", "wie", "wieder", "wir", "zum", "zur", "zurück", "zusammen", "zwischen", "über",
};

/// Never the last part: derivation suffixes that happen to be listed words (Ion, Schaft,
/// Ren, Gen, Tel ...), so that Region, Millionen, Gesellschaft, Autoren, Regierungen,
/// Viertel, Gründung and Lehrerinnen are not cut before their suffix. Compounds really
/// headed by these words ("Gewehrschaft", "Krebsgen") are rare.
constexpr std::array<std::string_view, 12> kNeverLastParts = {
    "dung", "gen", "innen", "ion", "ionen", "ren", "rinnen", "schaft", "schaften", "tel",
    "tum", "tums",
};

/// Abbreviations that the list spells like words (without their period), so that
/// "Oktober" is not okt + ober. Abbreviations in capitals or without a vowel ("PKW",
/// "GmbH", "Kfz", "bzw") are recognised by their spelling (normalise_entry).
constexpr std::array<std::string_view, 15> kAbbreviations = {
    "abs", "bes", "dez", "evtl", "feb", "inkl", "inst", "mio", "nov", "okt", "prof", "sept",
    "usw", "vergl", "zus",
};

/// Inseparable verb prefixes, and the endings that make nouns and inflected forms of a
/// prefixed stem: a word that is one of these prefixes + a listed word + one of these
/// endings is a derivation of that word (ver|brauch|er, ver|steuer|ung, be|steck,
/// ge|halt), and a first part that ends inside its stem is an accident of spelling
/// ("verb" + "raucher", "vers" + "teuerung", "best" + "eck", "geh" + "alt"). Real first
/// parts that start like a prefix are left alone: Bestzeit, Gehweg, Versmaß, Erstauflage,
/// Bergbau and Gelbfieber are no prefix + listed word.
constexpr std::array<std::string_view, 8> kInseparablePrefixes = {
    "be", "emp", "ent", "er", "ge", "miss", "ver", "zer",
};
constexpr std::array<std::string_view, 16> kDerivationEndings = {
    "", "e", "em", "en", "ens", "er", "ern", "ers", "es", "in", "innen", "n", "s", "ung",
    "ungen", "ungs",
};

/// Bytes per line of a word list, to size the table before loading: wngerman has 13.3
/// (4,725,887 bytes, 356,010 lines); a little less reserves for the "ss" variants.
constexpr std::uintmax_t kListBytesPerWord = 12;

/// Marks a position from which the rest of the word cannot be covered.
constexpr std::uint8_t kNoSegmentation = std::numeric_limits<std::uint8_t>::max();

bool is_letter(char32_t cp) {
    if (cp == kInvalidCodePoint) return false;
    switch (Xapian::Unicode::get_category(static_cast<unsigned>(cp))) {
        case Xapian::Unicode::UPPERCASE_LETTER:
        case Xapian::Unicode::LOWERCASE_LETTER:
        case Xapian::Unicode::TITLECASE_LETTER:
        case Xapian::Unicode::MODIFIER_LETTER:
        case Xapian::Unicode::OTHER_LETTER:
            return true;
        default:
            return false;
    }
}

bool is_vowel(char32_t cp) {
    switch (cp) {
        case U'a': case U'e': case U'i': case U'o': case U'u': case U'y':
        case U'ä': case U'ö': case U'ü': case U'é': case U'è': case U'à':
            return true;
        default:
            return false;
    }
}

/// A word-list entry, lower-cased.
struct Entry {
    std::string word;            ///< empty when the entry is skipped
    bool capitalised = false;    ///< first letter upper case: a noun (or a name)
    bool abbreviation = false;   ///< "PKW", "GmbH", "Kfz": all capitals, inner capitals, no vowel
};

Entry normalise_entry(std::string_view word) {
    Entry entry;
    entry.word.reserve(word.size());
    std::size_t letters = 0;
    bool inner_capital = false;
    bool vowel = false;
    for (std::size_t pos = 0; pos < word.size();) {
        const char32_t cp = decode_utf8(word, pos);
        if (!is_letter(cp)) return {};
        const char32_t lower = Xapian::Unicode::tolower(static_cast<unsigned>(cp));
        if (lower != cp) {
            if (letters == 0) {
                entry.capitalised = true;
            } else {
                inner_capital = true;
            }
        }
        vowel = vowel || is_vowel(lower);
        ++letters;
        append_utf8(entry.word, lower);
    }
    // Abbreviations are written with a hyphen in compounds ("PKW-Fahrer", "GmbH-Gesetz"),
    // which the tokenizer splits; as short parts they would only match by accident.
    entry.abbreviation = inner_capital || !vowel;
    return entry;
}

/// Adds one list line to a fingerprint: its bytes and a "\n" (see WordListFingerprint).
void fingerprint_line(WordListFingerprint& fingerprint, std::string_view line) {
    if (line.empty()) return;
    if (fingerprint.words == 0) fingerprint.hash = hash::kFnv1a64OffsetBasis;
    fingerprint.hash = hash::fnv1a64(line, fingerprint.hash);
    fingerprint.hash = hash::fnv1a64("\n", fingerprint.hash);
    ++fingerprint.words;
}

/// "straße" -> "strasse"; empty when there is no ß.
std::string sharp_s_variant(std::string_view word) {
    static constexpr std::string_view kSharpS = "\xC3\x9F";  // ß
    if (word.find(kSharpS) == std::string_view::npos) return {};
    std::string out;
    out.reserve(word.size());
    for (std::size_t i = 0; i < word.size();) {
        if (word.substr(i, kSharpS.size()) == kSharpS) {
            out += "ss";
            i += kSharpS.size();
        } else {
            out += word[i++];
        }
    }
    return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------
// WordTable

WordTable::WordTable(const WordTable& other)
    : owned_text_(other.owned_text_),
      owned_slots_(other.owned_slots_),
      keeper_(other.keeper_),
      slots_(other.slots_),
      text_(other.text_),
      size_(other.size_) {
    if (!keeper_) own();
}

WordTable::WordTable(WordTable&& other) noexcept
    : owned_text_(std::move(other.owned_text_)),
      owned_slots_(std::move(other.owned_slots_)),
      keeper_(std::move(other.keeper_)),
      slots_(other.slots_),
      text_(other.text_),
      size_(other.size_) {
    if (!keeper_) own();
    other.own();
    other.size_ = 0;
}

WordTable& WordTable::operator=(WordTable other) noexcept {
    owned_text_ = std::move(other.owned_text_);
    owned_slots_ = std::move(other.owned_slots_);
    keeper_ = std::move(other.keeper_);
    slots_ = other.slots_;
    text_ = other.text_;
    size_ = other.size_;
    if (!keeper_) own();
    return *this;
}

void WordTable::own() {
    slots_ = owned_slots_;
    text_ = owned_text_;
}

WordTable WordTable::view(std::span<const Slot> slots, std::string_view text, std::size_t size,
                          std::shared_ptr<const void> keeper) {
    if (slots.empty() || (slots.size() & (slots.size() - 1)) != 0) {
        throw std::invalid_argument("a word table's slot count must be a power of two");
    }
    WordTable table;
    table.keeper_ = std::move(keeper);
    table.slots_ = slots;
    table.text_ = text;
    table.size_ = size;
    return table;
}

std::uint64_t WordTable::hash_of(std::string_view word) noexcept {
    return hash::fnv1a64(word);  // short keys, no setup
}

std::size_t WordTable::slot_of(std::string_view word, std::uint64_t hash) const {
    const std::size_t mask = slots_.size() - 1;
    const auto tag = static_cast<std::uint16_t>(hash >> 48);
    std::size_t i = static_cast<std::size_t>(hash) & mask;
    // At most one round: a built table is never more than half full, but a damaged view
    // may be full, and must not make a lookup loop.
    for (std::size_t probes = 0; probes < slots_.size(); ++probes, i = (i + 1) & mask) {
        const Slot& slot = slots_[i];
        if (slot.length == 0) return i;
        if (slot.tag == tag && slot.length == word.size() &&
            std::size_t{slot.offset} + slot.length <= text_.size() &&
            text_.substr(slot.offset, slot.length) == word) {
            return i;
        }
    }
    return slots_.size();
}

void WordTable::rehash(std::size_t capacity) {
    std::vector<Slot> old = std::move(owned_slots_);
    owned_slots_.assign(capacity, Slot{});
    const std::size_t mask = capacity - 1;
    for (const Slot& slot : old) {
        if (slot.length == 0) continue;
        const std::uint64_t hash = hash_of(std::string_view(owned_text_).substr(slot.offset, slot.length));
        std::size_t i = static_cast<std::size_t>(hash) & mask;
        while (owned_slots_[i].length != 0) i = (i + 1) & mask;
        owned_slots_[i] = slot;
    }
    own();
}

std::vector<WordTable::Slot> WordTable::packed_slots() const {
    std::size_t capacity = 16;
    while (4 * size_ > 3 * capacity) capacity *= 2;
    std::vector<Slot> packed(capacity);
    const std::size_t mask = capacity - 1;
    for (const Slot& slot : slots_) {
        if (slot.length == 0) continue;
        const std::uint64_t hash = hash_of(text_.substr(slot.offset, slot.length));
        std::size_t i = static_cast<std::size_t>(hash) & mask;
        while (packed[i].length != 0) i = (i + 1) & mask;
        packed[i] = slot;
    }
    return packed;
}

void WordTable::reserve(std::size_t words) {
    std::size_t capacity = 16;
    while (capacity < 2 * words) capacity *= 2;
    if (capacity > owned_slots_.size()) rehash(capacity);
    owned_text_.reserve(words * 12);
    own();
}

std::uint8_t& WordTable::operator[](std::string_view word) {
    if (2 * (size_ + 1) > owned_slots_.size()) {
        rehash(std::max<std::size_t>(16, 2 * owned_slots_.size()));
    }
    const std::uint64_t hash = hash_of(word);
    Slot& slot = owned_slots_[slot_of(word, hash)];
    if (slot.length == 0) {
        slot.offset = static_cast<std::uint32_t>(owned_text_.size());
        slot.tag = static_cast<std::uint16_t>(hash >> 48);
        slot.length = static_cast<std::uint8_t>(word.size());
        owned_text_.append(word);
        own();
        ++size_;
    }
    return slot.flags;
}

const std::uint8_t* WordTable::find(std::string_view word) const {
    if (size_ == 0 || word.empty() || word.size() > 255) return nullptr;
    const std::size_t i = slot_of(word, hash_of(word));
    if (i == slots_.size() || slots_[i].length == 0) return nullptr;
    return &slots_[i].flags;
}

std::uint8_t* WordTable::find(std::string_view word) {
    // Only a built table is written to (add(), mark_non_parts()): its slots are ours.
    if (keeper_ || size_ == 0 || word.empty() || word.size() > 255) return nullptr;
    const std::size_t i = slot_of(word, hash_of(word));
    if (i == owned_slots_.size() || owned_slots_[i].length == 0) return nullptr;
    return &owned_slots_[i].flags;
}

// ---------------------------------------------------------------------------------------
// Where the list comes from, and which list it is

std::string WordListSource::describe() const {
    return path + (origin == kDefaultOrigin ? " (" + origin + ")" : " (set by " + origin + ")");
}

WordListSource german_word_list_source(const std::string& option, std::string_view option_name) {
    if (!option.empty()) return {option, std::string(option_name)};
    const char* env = std::getenv(kGermanWordListEnv);
    if (env && *env) {
        std::string origin = "$";
        origin += kGermanWordListEnv;  // not "$" + std::string(...): GCC 12's -Wrestrict misfires
        return {env, std::move(origin)};
    }
    return {std::string(kGermanWordListPath), std::string(WordListSource::kDefaultOrigin)};
}

std::string WordListFingerprint::to_string() const {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string hex(16, '0');
    std::uint64_t v = hash;
    for (std::size_t i = hex.size(); i-- > 0; v >>= 4) hex[i] = kDigits[v & 15];
    return "fnv1a64=" + hex + " words=" + std::to_string(words);
}

// ---------------------------------------------------------------------------------------
// Decompounder

Decompounder::Decompounder(const std::vector<std::string>& words) {
    words_.reserve(words.size() + words.size() / 16);  // a few "ss" variants
    for (const auto& word : words) {
        fingerprint_line(fingerprint_, word);
        add(word);
    }
    mark_non_parts();
}

void Decompounder::add(std::string_view list_entry) {
    Entry entry = normalise_entry(list_entry);
    // A word longer than a token can be neither a token nor a part of one.
    if (entry.word.empty() || entry.word.size() > kMaxCompoundBytes) return;
    const std::uint8_t flag = entry.abbreviation ? kAbbreviation
                              : entry.capitalised ? kCapitalised
                                                  : kLowerCase;
    std::string variant = sharp_s_variant(entry.word);
    max_word_bytes_ = std::max(max_word_bytes_, entry.word.size());  // "ss" is as long as "ß"
    words_[entry.word] |= flag;
    if (!variant.empty()) words_[variant] |= flag;
}

void Decompounder::mark_non_parts() {
    const auto mark = [&](std::string_view word, std::uint8_t flag) {
        if (std::uint8_t* flags = words_.find(word)) *flags |= flag;
    };
    for (const std::string_view word : kNeverParts) mark(word, kNotAPart);
    for (const std::string_view word : kAbbreviations) mark(word, kNotAPart);
    for (const std::string_view word : kNeverLastParts) mark(word, kNotALastPart);
}

Decompounder Decompounder::read(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw ReadFailure{std::strerror(EISDIR)};
    std::ifstream in(path);
    if (!in) throw ReadFailure{std::strerror(errno)};
    // Words go straight into the table, without a vector of all lines first: that would
    // add a third to the memory at the peak of loading.
    Decompounder splitter;
    const auto bytes = std::filesystem::file_size(path, ec);
    if (!ec) splitter.words_.reserve(bytes / kListBytesPerWord);
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        fingerprint_line(splitter.fingerprint_, line);
        splitter.add(line);
    }
    // A read error ends getline() like the end of the file does; only bad() tells.
    if (in.bad()) throw ReadFailure{std::strerror(errno)};
    splitter.mark_non_parts();
    return splitter;
}

Decompounder Decompounder::load(const std::string& path) {
    try {
        return read(path);
    } catch (const ReadFailure& failure) {
        throw IoError("cannot read word list " + path + ": " + failure.reason);
    }
}

namespace {

/// A list loaded by load_shared(), and the state of its file then.
struct SharedList {
    std::uintmax_t size = 0;
    std::filesystem::file_time_type modified;
    /// weak: the list's memory goes with its last user, not at the end of the process
    std::weak_ptr<const Decompounder> splitter;
};

std::mutex shared_lists_mutex;
std::map<std::string, SharedList> shared_lists;  // by path; guarded by shared_lists_mutex

}  // namespace

std::shared_ptr<const Decompounder> Decompounder::load_shared(const std::string& path) {
    try {
        return share(path);
    } catch (const ReadFailure& failure) {
        throw IoError("cannot read word list " + path + ": " + failure.reason);
    }
}

std::shared_ptr<const Decompounder> Decompounder::share(const std::string& path) {
    // One load at a time: two searchers opened at once would otherwise both read the
    // list (0.08 s each) and keep two copies.
    const std::lock_guard<std::mutex> lock(shared_lists_mutex);
    std::error_code size_error, time_error;
    const std::uintmax_t size = std::filesystem::file_size(path, size_error);
    const auto modified = std::filesystem::last_write_time(path, time_error);
    const bool known_state = !size_error && !time_error;
    if (known_state) {
        const auto it = shared_lists.find(path);
        if (it != shared_lists.end() && it->second.size == size && it->second.modified == modified) {
            if (auto splitter = it->second.splitter.lock()) return splitter;
        }
    }
    // Only successful loads are recorded: a failure is reported now and tried again later.
    auto splitter = std::make_shared<const Decompounder>(read(path));
    if (known_state) shared_lists[path] = SharedList{size, modified, splitter};
    return splitter;
}

struct Decompounder::Pending {
    WordListSource source;
    std::mutex mutex;                            // held while loading
    std::shared_ptr<const Decompounder> loaded;  // guarded by mutex
    /// loaded.get() once loaded: read without the mutex by every split()
    std::atomic<const Decompounder*> ready{nullptr};
};

std::shared_ptr<const Decompounder> Decompounder::lazy(WordListSource source) {
    std::shared_ptr<Decompounder> splitter(new Decompounder());
    splitter->pending_ = std::make_shared<Pending>();
    splitter->pending_->source = std::move(source);
    return splitter;
}

const Decompounder& Decompounder::target() const {
    if (!pending_) return *this;
    if (const Decompounder* loaded = pending_->ready.load(std::memory_order_acquire)) {
        return *loaded;
    }
    const std::lock_guard<std::mutex> lock(pending_->mutex);
    if (!pending_->loaded) {
        const WordListSource& source = pending_->source;
        try {
            pending_->loaded = share(source.path);
        } catch (const ReadFailure& failure) {
            throw WordListError("the German word list " + source.describe() +
                                " cannot be read: " + failure.reason);
        }
        pending_->ready.store(pending_->loaded.get(), std::memory_order_release);
    }
    return *pending_->loaded;
}

const Decompounder* Decompounder::if_loaded() const noexcept {
    if (!pending_) return this;
    return pending_->ready.load(std::memory_order_acquire);
}

const WordListSource* Decompounder::source() const noexcept {
    return pending_ ? &pending_->source : nullptr;
}

// ---------------------------------------------------------------------------------------
// The compiled form: a head, the table's slots, its text

namespace {

/// The head of a compiled word list (Decompounder::write_compiled()), followed by the
/// table's slots and then its text. All fields in the writing host's byte order, which
/// byte_order tells: a file from a host of the other order is not used (and not converted:
/// lupe indexes are not moved between such hosts in practice).
struct CompiledHead {
    char magic[8];
    std::uint32_t version;
    std::uint32_t byte_order;
    std::uint64_t rules;           ///< compiled_rules(): what the flags were computed by
    std::uint64_t list_hash;       ///< the source list's WordListFingerprint
    std::uint64_t list_words;
    std::uint64_t words;           ///< WordTable::size()
    std::uint64_t slots;           ///< WordTable::slots().size(), a power of two
    std::uint64_t text_bytes;      ///< WordTable::text().size()
    std::uint64_t max_word_bytes;  ///< Decompounder::max_word_bytes_
};
static_assert(sizeof(CompiledHead) == 72 && sizeof(CompiledHead) % alignof(WordTable::Slot) == 0);
static_assert(sizeof(WordTable::Slot) == 8);

constexpr char kCompiledMagic[8] = {'L', 'U', 'P', 'E', 'W', 'R', 'D', '\n'};
/// Bumped whenever what a slot's flags mean, or how an entry is normalised, changes.
constexpr std::uint32_t kCompiledVersion = 1;
constexpr std::uint32_t kByteOrderMark = 0x01020304;

/// What the compiled flags depend on besides the list: the words that are never parts or
/// last parts, the abbreviations, the longest word kept, and Xapian's case folding (its
/// Unicode tables come with its version). A lupe or Xapian that differs in any of them
/// reads the list itself instead of trusting a table compiled by another.
std::uint64_t compiled_rules() {
    static const std::uint64_t rules = [] {
        std::uint64_t h = hash::fnv1a64("lupe compiled German words " +
                                        std::to_string(kCompiledVersion) + " " +
                                        std::to_string(kMaxCompoundBytes) + " xapian " +
                                        Xapian::version_string());
        const auto add = [&](auto& words, std::string_view what) {
            h = hash::fnv1a64(what, h);
            for (const std::string_view word : words) h = hash::fnv1a64("\n", hash::fnv1a64(word, h));
        };
        add(kNeverParts, "never parts");
        add(kNeverLastParts, "never last parts");
        add(kAbbreviations, "abbreviations");
        return h;
    }();
    return rules;
}

/// Writes all of `data` to `fd`. @return false with errno set on failure
bool write_all(int fd, const void* data, std::size_t size) {
    const char* p = static_cast<const char*>(data);
    while (size > 0) {
        const ssize_t n = ::write(fd, p, size);
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        p += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

/// A read-only mapping of a whole file, unmapped with its last owner.
struct Mapping {
    void* data = MAP_FAILED;
    std::size_t size = 0;
    Mapping() = default;
    Mapping(const Mapping&) = delete;
    Mapping& operator=(const Mapping&) = delete;
    ~Mapping() {
        if (data != MAP_FAILED) ::munmap(data, size);
    }
};

}  // namespace

void Decompounder::write_compiled(const std::string& path) const {
    const Decompounder& d = target();
    const std::vector<WordTable::Slot> slots = d.words_.packed_slots();
    const std::string_view text = d.words_.text();
    CompiledHead head{};
    std::memcpy(head.magic, kCompiledMagic, sizeof head.magic);
    head.version = kCompiledVersion;
    head.byte_order = kByteOrderMark;
    head.rules = compiled_rules();
    head.list_hash = d.fingerprint_.hash;
    head.list_words = d.fingerprint_.words;
    head.words = d.words_.size();
    head.slots = slots.size();
    head.text_bytes = text.size();
    head.max_word_bytes = d.max_word_bytes_;

    const std::string temp = path + ".tmp-" + std::to_string(::getpid());
    const auto fail = [&](int error) {
        ::unlink(temp.c_str());
        throw IoError("cannot write the compiled German word list " + path + ": " +
                      std::strerror(error));
    };
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) fail(errno);
    const bool written = write_all(fd, &head, sizeof head) &&
                         write_all(fd, slots.data(), slots.size() * sizeof slots[0]) &&
                         write_all(fd, text.data(), text.size()) && ::fsync(fd) == 0;
    const int error = errno;
    ::close(fd);
    if (!written) fail(error);
    if (std::rename(temp.c_str(), path.c_str()) != 0) fail(errno);
}

std::shared_ptr<const Decompounder> Decompounder::map_compiled(const std::string& path,
                                                              const WordListFingerprint& expected,
                                                              std::string* why) {
    const auto no = [&](const std::string& reason) -> std::shared_ptr<const Decompounder> {
        if (why) *why = reason;
        return nullptr;
    };
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return no(std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return no("not a regular file");
    }
    auto mapping = std::make_shared<Mapping>();
    mapping->size = static_cast<std::size_t>(st.st_size);
    if (mapping->size >= sizeof(CompiledHead)) {
        mapping->data = ::mmap(nullptr, mapping->size, PROT_READ, MAP_SHARED, fd, 0);
    }
    ::close(fd);  // the mapping keeps the file
    if (mapping->data == MAP_FAILED) return no("too short, or cannot be mapped");
    // A query looks up a handful of words: read the pages it touches, not the whole file.
    ::madvise(mapping->data, mapping->size, MADV_RANDOM);

    CompiledHead head;
    std::memcpy(&head, mapping->data, sizeof head);
    if (std::memcmp(head.magic, kCompiledMagic, sizeof head.magic) != 0) return no("not a compiled word list");
    if (head.version != kCompiledVersion || head.byte_order != kByteOrderMark ||
        head.rules != compiled_rules()) {
        return no("compiled by another version of lupe or Xapian");
    }
    if (head.list_hash != expected.hash || head.list_words != expected.words) {
        return no("compiled from another list (" +
                  WordListFingerprint{head.list_hash, static_cast<std::size_t>(head.list_words)}.to_string() +
                  ")");
    }
    const std::uint64_t slot_bytes = head.slots * sizeof(WordTable::Slot);
    if (head.slots == 0 || (head.slots & (head.slots - 1)) != 0 || head.words >= head.slots ||
        head.slots > mapping->size / sizeof(WordTable::Slot) ||
        head.text_bytes > mapping->size || head.max_word_bytes > kMaxCompoundBytes ||
        sizeof head + slot_bytes + head.text_bytes != mapping->size) {
        return no("damaged (its sizes do not add up)");
    }
    const char* base = static_cast<const char*>(mapping->data);
    const std::span<const WordTable::Slot> slots(
        reinterpret_cast<const WordTable::Slot*>(base + sizeof head), head.slots);
    const std::string_view text(base + sizeof head + slot_bytes, head.text_bytes);
    std::shared_ptr<Decompounder> splitter(new Decompounder());
    splitter->words_ = WordTable::view(slots, text, head.words, std::move(mapping));
    splitter->max_word_bytes_ = head.max_word_bytes;
    splitter->fingerprint_ = expected;
    return splitter;
}

std::shared_ptr<const Decompounder> Decompounder::german() {
    try {
        return load_shared(german_word_list_source({}, {}).path);
    } catch (const IoError&) {
        return nullptr;
    }
}

bool Decompounder::contains(std::string_view word) const {
    if (pending_) return target().contains(word);
    return words_.find(word) != nullptr;
}

std::uint8_t Decompounder::flags(std::string_view word) const {
    const std::uint8_t* found = words_.find(word);
    return found ? *found : 0;
}

bool Decompounder::is_part(std::string_view text, bool last) const {
    const std::uint8_t found = flags(text);
    if ((found & (kCapitalised | kLowerCase)) == 0 || (found & kNotAPart) != 0) return false;
    return !(last && (found & kNotALastPart) != 0);
}

std::size_t Decompounder::derivation_prefix_chars(std::string_view word) const {
    for (const std::string_view prefix : kInseparablePrefixes) {
        if (!word.starts_with(prefix)) continue;
        const std::string_view rest = word.substr(prefix.size());
        for (const std::string_view ending : kDerivationEndings) {
            if (!rest.ends_with(ending)) continue;
            const std::string_view stem = rest.substr(0, rest.size() - ending.size());
            if (count_code_points(stem) >= kMinPartChars &&
                (flags(stem) & (kCapitalised | kLowerCase)) != 0) {
                return prefix.size();
            }
        }
    }
    return 0;
}

std::vector<Decompounder::Segmentation> Decompounder::segmentations(std::string_view word) const {
    if (word.size() < kMinCompoundChars || word.size() > kMaxCompoundBytes) return {};
    const std::uint8_t listed = flags(word);
    // A word the list has in lower case is a verb, adjective, adverb or function word,
    // whose apparent parts are particles and suffixes ("unter|nehmen", "wer|den",
    // "welt|weit", "darunter"): only nouns are split.
    if ((listed & kLowerCase) != 0) return {};
    // Byte offset of each of the n code points, and of the end.
    std::array<std::uint8_t, kMaxCompoundBytes + 1> offset;
    std::size_t n = 0;
    for (std::size_t pos = 0; pos < word.size();) {
        offset[n++] = static_cast<std::uint8_t>(pos);
        if (decode_utf8(word, pos) == kInvalidCodePoint) return {};
    }
    offset[n] = static_cast<std::uint8_t>(word.size());
    if (n < kMinCompoundChars) return {};

    const auto text = [&](std::size_t from, std::size_t to) {
        return word.substr(offset[from], offset[to] - offset[from]);
    };
    // The code-point end of the part that the span [from, to) holds, the rest of the span
    // being a linking element; 0 when the span is no part. The span being a listed word
    // itself wins ("drohnen|hersteller" and "drohne|n|hersteller" are one reading, not
    // two), then the shorter link ("s" before "es", "n" before "en"). "n" follows only a
    // part ending in "e" (Drohne|n, Sonne|n|schein), "en" and "es" only one that does not
    // (Mensch|en|rechte, Tag|es|licht): that keeps "Maß|n|ahmen" out of "Maßnahmen". All
    // links are ASCII, so their bytes are code points.
    const auto listed_part_end = [&](std::size_t from, std::size_t to, bool last) -> std::size_t {
        if (is_part(text(from, to), last)) return to;
        if (last || to - from < kMinPartChars + 1) return 0;
        const std::string_view span = text(from, to);
        const char end = span.back();
        if (end != 's' && end != 'n') return 0;
        const char before = span[span.size() - 2];
        if ((end == 's' || before == 'e') && is_part(text(from, to - 1), false)) return to - 1;
        if (before == 'e' && to - from >= kMinPartChars + 2 && span[span.size() - 3] != 'e' &&
            is_part(text(from, to - 2), false)) {
            return to - 2;
        }
        return 0;
    };
    // In a prefixed derivation the first part must not end inside the stem, less than
    // kMinPartChars code points after the prefix (see kInseparablePrefixes). Prefixes are
    // ASCII, so their length in bytes is their length in code points.
    const std::size_t prefix = derivation_prefix_chars(word);
    const auto part_end = [&](std::size_t from, std::size_t to, bool last) -> std::size_t {
        const std::size_t end = listed_part_end(from, to, last);
        const bool cuts_stem =
            from == 0 && prefix != 0 && end > prefix && end < prefix + kMinPartChars;
        return cuts_stem ? 0 : end;
    };
    // No part is longer than the longest listed word; a span adds at most a two-letter link.
    const std::size_t max_span_bytes = max_word_bytes_ + 2;
    const auto too_long = [&](std::size_t from, std::size_t to) {
        return std::size_t{offset[to]} - offset[from] > max_span_bytes;
    };

    // fewest[i]: fewest parts covering [i, n), kNoSegmentation when none does. The whole
    // word as one part does not count: a compound has two parts or more.
    const std::size_t max_parts = listed != 0 ? kMaxPartsOfListedWord : kMaxParts;
    std::array<std::uint8_t, kMaxCompoundBytes + 1> fewest;
    fewest.fill(kNoSegmentation);
    fewest[n] = 0;
    for (std::size_t i = n - kMinPartChars + 1; i-- > 0;) {
        for (std::size_t k = i + kMinPartChars; k <= n && !too_long(i, k); ++k) {
            const bool last = k == n;
            if (last && i == 0) break;
            // Only a span after which the rest can be covered, with fewer parts than found.
            if (fewest[k] == kNoSegmentation || fewest[k] + 1u >= fewest[i] ||
                fewest[k] + 1u > max_parts) {
                continue;
            }
            if (part_end(i, k, last) != 0) fewest[i] = static_cast<std::uint8_t>(fewest[k] + 1);
        }
    }
    if (fewest[0] == kNoSegmentation) return {};

    // Walk the segmentations of fewest[0] parts, longest first part first.
    std::vector<Segmentation> found;
    Segmentation chosen;
    const auto walk = [&](auto&& self, std::size_t i, std::size_t depth) -> void {
        if (i == n) {
            chosen.count = depth;
            found.push_back(chosen);
            return;
        }
        for (std::size_t k = n; k >= i + kMinPartChars && found.size() < kMaxSegmentations;
             --k) {
            if ((i == 0 && k == n) || fewest[k] == kNoSegmentation ||
                fewest[k] + 1u != fewest[i] || too_long(i, k)) {
                continue;
            }
            const std::size_t end = part_end(i, k, k == n);
            if (end == 0) continue;
            chosen.parts[depth] = {offset[i], offset[end]};
            self(self, k, depth + 1);
        }
    };
    walk(walk, 0, 0);
    return found;
}

namespace {

/// Appends `part` to `parts` unless it is there already.
void add_part(std::vector<std::string>& parts, std::string_view part) {
    if (std::find(parts.begin(), parts.end(), part) == parts.end()) parts.emplace_back(part);
}

}  // namespace

namespace {

/// The parts of a word's readings, each once, in order of first appearance; none when
/// they are fewer than two: "Bonbon", "Barbar", "Purpur", a word made of one part twice,
/// is not a compound.
template <class Segmentations>
std::vector<std::string> first_level_parts(std::string_view word, const Segmentations& readings) {
    std::vector<std::string> parts;
    for (const auto& s : readings) {
        for (std::size_t p = 0; p < s.count; ++p) {
            add_part(parts, word.substr(s.parts[p].first, s.parts[p].second - s.parts[p].first));
        }
    }
    if (parts.size() < 2) parts.clear();
    return parts;
}

}  // namespace

std::vector<std::string> Decompounder::split(std::string_view word) const {
    if (pending_) return target().split(word);
    return first_level_parts(word, segmentations(word));
}

void Decompounder::refine(std::string_view word, Range part, std::size_t levels,
                          std::vector<Range>& atoms, std::vector<std::string>& deeper) const {
    const std::string_view text = word.substr(part.first, part.second - part.first);
    const std::vector<Segmentation> readings = levels > 0 ? segmentations(text)
                                                          : std::vector<Segmentation>{};
    const auto sub = [&](const Segmentation& s, std::size_t q) {
        return text.substr(s.parts[q].first, s.parts[q].second - s.parts[q].first);
    };
    // Below the first level a part is a noun of its own, so a reading of it must end in a
    // noun (listed capitalised): einkommen|steuer, not einkommen|s|teuer, whose head is an
    // adjective. Modifiers may be adjectives, as at the first level (kranken|versicherung).
    // Only the nouns were measured: they also drop voll|streckung and fahr|zeug, but lose
    // kranken|versicherung and hoch|schule, and since deeper parts weigh nothing (wdf 0)
    // a false one only adds a match at the tail of a ranking. A reading of one part twice
    // ("Bonbon") is no compound, as in split().
    const auto is_compound = [&](const Segmentation& s) {
        if ((flags(sub(s, s.count - 1)) & kCapitalised) == 0) return false;
        for (std::size_t p = 1; p < s.count; ++p) {
            if (sub(s, p) != sub(s, 0)) return true;
        }
        return false;
    };
    const auto first = std::find_if(readings.begin(), readings.end(), is_compound);
    if (first == readings.end()) {
        atoms.push_back(part);
        return;
    }
    // The other readings of an ambiguous part add their parts; the first is split further.
    for (auto r = first + 1; r != readings.end(); ++r) {
        if (!is_compound(*r)) continue;
        for (std::size_t p = 0; p < r->count; ++p) add_part(deeper, sub(*r, p));
    }
    for (std::size_t p = 0; p < first->count; ++p) {
        const Range range{static_cast<std::uint8_t>(part.first + first->parts[p].first),
                          static_cast<std::uint8_t>(part.first + first->parts[p].second)};
        refine(word, range, levels - 1, atoms, deeper);
    }
}

CompoundParts Decompounder::split_levels(std::string_view word, std::size_t levels) const {
    if (pending_) return target().split_levels(word, levels);
    CompoundParts out;
    const std::vector<Segmentation> readings = segmentations(word);
    out.parts = first_level_parts(word, readings);
    if (out.parts.empty() || levels == 1) return out;
    const std::size_t below = levels == 0 ? kMaxLevels - 1 : std::min(levels, kMaxLevels) - 1;
    std::vector<std::string> deeper;
    std::vector<Range> atoms;
    for (const Segmentation& s : readings) {
        atoms.clear();
        for (std::size_t p = 0; p < s.count; ++p) refine(word, s.parts[p], below, atoms, deeper);
        // Every run of adjacent atoms but the whole word: the parts of the parts, and the
        // sub-compounds that cross a first-level boundary ("verfassungsgericht" in
        // bundesverfassung|s|gericht, whose first part is bund|es|verfassung). A run ends
        // where its last atom ends, before any link.
        const std::size_t n = std::min(atoms.size(), kMaxAtoms);
        for (std::size_t i = 0; i < n; ++i) {
            for (std::size_t j = i; j < n; ++j) {
                if (i == 0 && j + 1 == atoms.size()) continue;
                add_part(deeper, word.substr(atoms[i].first, atoms[j].second - atoms[i].first));
            }
        }
    }
    for (auto& d : deeper) {
        if (d != word && std::find(out.parts.begin(), out.parts.end(), d) == out.parts.end()) {
            add_part(out.deeper, d);
        }
    }
    return out;
}

}  // namespace lupe::analysis
