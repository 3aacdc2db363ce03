#include "format/vocabulary.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "format/schema.hpp"

namespace lupe::format {

namespace {

unsigned long long parse_count(std::string_view value) {
    unsigned long long n = 0;
    std::from_chars(value.data(), value.data() + value.size(), n);
    return n;
}

}  // namespace

void write_vocabulary(Xapian::WritableDatabase& db, const analysis::Vocabulary& words,
                      bool fresh_database) {
    // In key order: Xapian's B-tree then appends to its last block, which it fills, instead
    // of inserting at random places, splitting blocks and reading them back (the counts
    // are kept in a hash map). On 10,000 gesetze-de documents writing them took 8.9% of
    // lupe-index's CPU in hash order, 1.5% in key order.
    std::vector<std::pair<std::string_view, std::uint32_t>> sorted;
    sorted.reserve(words.size());
    words.for_each([&](const std::string& word, std::uint32_t documents) {
        if (documents != 0) sorted.emplace_back(word, documents);
    });
    std::sort(sorted.begin(), sorted.end());
    std::string key(schema::kVocabularyPrefix);
    for (const auto& [word, documents] : sorted) {
        key.resize(schema::kVocabularyPrefix.size());
        key += word;
        if (key.size() > kMaxVocabularyKeyBytes) continue;
        unsigned long long total = documents;
        if (!fresh_database) total += parse_count(db.get_metadata(key));
        db.set_metadata(key, std::to_string(total));
    }
}

std::string merge_vocabulary_counts(std::size_t count, const std::string values[]) {
    unsigned long long total = 0;
    for (std::size_t i = 0; i < count; ++i) total += parse_count(values[i]);
    return std::to_string(total);
}

std::string ShardCompactor::resolve_duplicate_metadata(const std::string& key, size_t num_tags,
                                                       const std::string tags[]) {
    // Xapian 1.4's glass backend passes the key as stored, after its two-byte marker for
    // user metadata ("\0\xc0"); other backends may not.
    std::string_view name(key);
    if (name.size() >= 2 && name[0] == '\0' && name[1] == '\xc0') name.remove_prefix(2);
    if (!name.starts_with(schema::kVocabularyPrefix)) return tags[0];
    return merge_vocabulary_counts(num_tags, tags);
}

VocabularyReader::VocabularyReader(std::vector<Xapian::Database> shards)
    : shards_(std::move(shards)) {}

Xapian::doccount VocabularyReader::count(std::string_view word) const {
    std::string key(schema::kVocabularyPrefix);
    key.append(word);
    Xapian::doccount total = 0;
    for (const auto& db : shards_) {
        const std::string value = db.get_metadata(key);
        Xapian::doccount n = 0;
        std::from_chars(value.data(), value.data() + value.size(), n);
        total += n;
    }
    return total;
}

void VocabularyReader::for_each_word(std::string_view prefix,
                                     const std::function<bool(const std::string&)>& fn) const {
    const std::string key_prefix = std::string(schema::kVocabularyPrefix).append(prefix);
    const std::size_t skip = schema::kVocabularyPrefix.size();
    struct Cursor {
        Xapian::TermIterator it, end;
    };
    std::vector<Cursor> cursors;
    for (const auto& db : shards_) {
        Cursor c{db.metadata_keys_begin(key_prefix), db.metadata_keys_end(key_prefix)};
        if (c.it != c.end) cursors.push_back(c);
    }
    // A merge of sorted lists; shards are few, so the smallest head is found by a scan.
    while (!cursors.empty()) {
        std::string smallest = *cursors.front().it;
        for (std::size_t i = 1; i < cursors.size(); ++i) {
            std::string key = *cursors[i].it;
            if (key < smallest) smallest = std::move(key);
        }
        for (std::size_t i = 0; i < cursors.size();) {
            if (*cursors[i].it == smallest && ++cursors[i].it == cursors[i].end) {
                cursors.erase(cursors.begin() + static_cast<std::ptrdiff_t>(i));
            } else {
                ++i;
            }
        }
        if (!fn(smallest.substr(skip))) return;
    }
}

}  // namespace lupe::format
