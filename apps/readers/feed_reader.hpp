// RSS 0.9x, RSS 1.0 (RDF), RSS 2.0, Atom 0.3 and Atom 1.0 feeds, one document per item,
// through libxml2. Internal to lupe::app.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "readers.hpp"

namespace lupe::readers {

/// Whether the start of an XML file (its first few KiB) has a feed's root element: <rss>,
/// <rdf:RDF> (RSS 1.0 / 0.90) or <feed> (Atom).
bool looks_like_feed(std::string_view head);

/// A feed date in RFC 822 / RFC 2822 (pubDate), RFC 3339 / ISO 8601 (Atom, dc:date) or a
/// common broken form ("Mon, 5 Aug 2025 10:00:00 CEST", two-digit years, no weekday, no
/// seconds, "2025-08-05 10:00:00") as ISO 8601 in UTC ("2025-08-05T08:00:00Z"), or just
/// the date when no time is given; "" when it is none of these.
std::string feed_date_to_iso(std::string_view text);

/// Parse a feed from its bytes as on disk. Each item is given to on_document, in feed
/// order, with the line of its element; its id is `id_prefix` + "#" + the item's guid
/// (RSS) or id (Atom), else its link, else "h" + a hash of its title and date: stable
/// across fetches of the feed, never its position. Fields: title (HTML in it turned into
/// text), url (the item's link, for Atom the alternate link, resolved against xml:base
/// and the feed's link), date (feed_date_to_iso() of pubDate / published / updated /
/// dc:date; a date that does not parse is kept as given with a note), author,
/// categories, body (content:encoded / Atom content, else summary / description, HTML
/// turned into text by html_fragment_to_text(); never both when one holds the other),
/// source (the feed's title), lang (<language>, dc:language or xml:lang). Charset: the
/// XML declaration, a BOM, or `forced`. A malformed item is an error for its line only;
/// a file that is no feed, or not well-formed XML, is one error for the file (libxml2's
/// recovery is not used: a truncated feed would silently lose its last items).
void parse_feed(std::string_view bytes, const std::string& id_prefix, const std::string& forced,
                const ReadCallbacks& callbacks);

/// Read a feed file (.rss, .atom, or .xml with a feed root); `id_prefix` is the file's id.
void read_feed_file(const std::filesystem::path& path, const std::string& id_prefix,
                    const ReadCallbacks& callbacks, const ReadOptions& options = {});

}  // namespace lupe::readers
