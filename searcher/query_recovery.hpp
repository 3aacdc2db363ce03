// The retry after a syntax error (SearchOptions::retry_plain_on_syntax_error): what of a
// query that does not parse can still be searched, without ever searching a word the
// query excluded.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "searcher/query_parser.hpp"

namespace lupe::searcher {

/// What the retry after a syntax error searches: its text in the query syntax (shown to
/// the user as what was searched) and that text parsed.
struct RecoveredQuery {
    QueryNode root;
    std::string text;
};

/// The retry after a syntax error: the query's words, phrases and fields that parse, as
/// one list (operators AND/OR and the structure they made are dropped), and its exclusions
/// kept as exclusions after them: `(chip NOT Huawei` is `chip -Huawei`, `chip -Huawei
/// "export` is `chip export -Huawei`, `NOT Huawei` is `-Huawei`. An unclosed quote or
/// parenthesis is dropped and its words kept; one that is excluded (`NOT (a b`, `-"a b`)
/// excludes all the words after it. A word is never searched for where the query excluded
/// it. Lexed by the same lexer as parse_query (query_lexer.hpp), whose error tokens
/// it drops.
/// @throws lupe::QueryLimitError when the recovered text still has more than
///         kMaxQueryTerms terms
RecoveredQuery recover_query(std::string_view query, std::vector<std::string>* notices = nullptr);

}  // namespace lupe::searcher
