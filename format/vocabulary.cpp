#include "format/vocabulary.hpp"

#include <charconv>

#include "format/schema.hpp"

namespace lupe::searcher {

namespace schema = analysis::schema;

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

}  // namespace lupe::searcher
