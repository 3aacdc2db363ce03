// Query parser: query text -> syntax tree. Knows the syntax, not the index; query_builder
// turns the tree into a Xapian query through the shared analysis.
//
// Grammar (loosest first; upper-case operators only, lower-case "and"/"or"/"not" are words):
//   seq      := item+                      plain juxtaposition: ranked any-of
//   item     := ['+' | '-'] or_expr        '+' required, '-' excluded
//   or_expr  := and_expr ('OR' and_expr)*
//   and_expr := unary (('AND' ['NOT'] | 'NOT') unary)*
//   unary    := '(' seq ')' | FIELD ':' value | '"' phrase '"' | word | word'*'
// As in Xapian's QueryParser, explicit operators bind tighter than juxtaposition:
// `a b OR c` is `a (b OR c)`.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace lupe::searcher {

/// Longest query accepted, in bytes: far above any typed query, low enough that parsing
/// and term expansion stay cheap whatever is sent.
inline constexpr std::size_t kMaxQueryBytes = 16 * 1024;
/// Most terms a query may hold: words (each part of a hyphenated word), the words of
/// phrases, wildcards and field filters. As Lucene's default maxClauseCount (1024): far
/// above any typed query, and it bounds the work of building and matching a pasted text,
/// whose every word opens a posting list in each stemming family.
inline constexpr std::size_t kMaxQueryTerms = 1024;
/// Deepest nesting of parentheses. The parser, the query builder and Xapian's matcher all
/// recurse along the nesting, so it must stay far from what a thread's stack can hold
/// (an embedding program may run searches on small stacks); no hand-written query needs more.
inline constexpr std::size_t kMaxQueryNesting = 32;
/// Characters required before a trailing '*': a one-letter prefix would expand to a large
/// part of the vocabulary.
inline constexpr std::size_t kMinWildcardPrefixChars = 2;

struct QueryNode {
    enum class Kind { Word, Phrase, Wildcard, Lang, Source, Date, And, Or, AndNot, Seq };
    enum class Modifier { None, Required, Excluded };

    Kind kind = Kind::Seq;
    Modifier modifier = Modifier::None;  ///< for items of a Seq
    bool title = false;                  ///< Word/Phrase/Wildcard restricted to the title
    std::string text;                    ///< word, phrase text, wildcard prefix, lang code, source
    std::string date_from, date_to;      ///< Date: "YYYY-MM-DD" bounds, empty when open
    std::vector<QueryNode> children;     ///< And/Or/Seq operands; AndNot: [positive, negated...]
    std::size_t position = 0;            ///< 1-based character position in the query

    /// True for nodes that only filter (lang:, source:, date:, and combinations of them).
    bool is_filter() const;
};

/// Parse a query. Throws lupe::QuerySyntaxError with the 1-based character position, and
/// lupe::QueryLimitError (a QuerySyntaxError) when the query is longer than
/// kMaxQueryBytes, has more than kMaxQueryTerms terms or nests parentheses deeper than
/// kMaxQueryNesting. `name:value` with a name that is no field (`author:kahneman`) is
/// searched as the plain words name and value; `notices`, when given, receives a sentence
/// saying so that names the known fields. ("Fazit:", "10:30" and "http://..." are text.)
QueryNode parse_query(std::string_view query, std::vector<std::string>* notices = nullptr);

}  // namespace lupe::searcher
