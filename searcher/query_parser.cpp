#include "searcher/query_parser.hpp"

#include <algorithm>

#include "analysis/date.hpp"
#include "analysis/language.hpp"
#include "analysis/tokenizer.hpp"
#include "analysis/utf8.hpp"
#include "lupe/error.hpp"
#include "searcher/query_lexer.hpp"

namespace lupe::searcher {
namespace {

using T = QueryTokenKind;

/// The known fields as a notice names them.
constexpr std::string_view kFieldList = "title:, lang:, source:, date:";

std::string describe(const QueryToken& lx, std::string_view query) {
    switch (lx.kind) {
        case T::And: return "'AND'";
        case T::Or: return "'OR'";
        case T::Not: return "'NOT'";
        case T::RParen: return "')'";
        case T::End: return "the end of the query";
        default: break;
    }
    std::string quoted = "'";
    quoted.append(lx.text(query)).push_back('\'');
    return quoted;
}

class Parser {
public:
    /// `notices`, when not null, receives a sentence for each unknown field searched as words.
    Parser(std::string_view query, std::vector<QueryToken> lexemes,
           std::vector<std::string>* notices = nullptr)
        : q_(query), lx_(std::move(lexemes)), notices_(notices) {}

    QueryNode parse() {
        QueryNode root = seq(false);
        if (peek().kind == T::RParen) {
            throw QuerySyntaxError("unbalanced ')': no '(' before it", peek().position);
        }
        return root;
    }

private:
    std::size_t depth_ = 0;  // parentheses open around the current position
    const QueryToken& peek() const { return lx_[i_]; }
    const QueryToken& take() { return lx_[i_ < lx_.size() - 1 ? i_++ : i_]; }
    bool at(T t) const { return peek().kind == t; }

    QueryNode seq(bool nested) {
        QueryNode node;
        node.kind = QueryNode::Kind::Seq;
        node.position = peek().position;
        while (!at(T::End) && !at(T::RParen)) {
            auto modifier = QueryNode::Modifier::None;
            if (at(T::Plus) || at(T::Minus)) {
                modifier = at(T::Plus) ? QueryNode::Modifier::Required
                                                  : QueryNode::Modifier::Excluded;
                take();
            }
            QueryNode item = or_expr();
            item.modifier = modifier;
            node.children.push_back(std::move(item));
        }
        if (nested && node.children.empty()) {
            throw QuerySyntaxError("empty parentheses", peek().position);
        }
        return node;
    }

    QueryNode or_expr() {
        QueryNode left = and_expr();
        if (!at(T::Or)) return left;
        QueryNode node;
        node.kind = QueryNode::Kind::Or;
        node.position = left.position;
        node.children.push_back(std::move(left));
        while (at(T::Or)) {
            take();
            node.children.push_back(and_expr());
        }
        return node;
    }

    QueryNode and_expr() {
        QueryNode node = unary();
        while (at(T::And) || at(T::Not)) {
            bool negate = at(T::Not);
            take();
            if (!negate && at(T::Not)) {
                negate = true;
                take();
            }
            QueryNode right = unary();
            const auto kind = negate ? QueryNode::Kind::AndNot : QueryNode::Kind::And;
            if (node.kind != kind || node.modifier != QueryNode::Modifier::None ||
                node.children.empty()) {
                QueryNode combined;
                combined.kind = kind;
                combined.position = node.position;
                combined.children.push_back(std::move(node));
                node = std::move(combined);
            }
            node.children.push_back(std::move(right));
        }
        return node;
    }

    QueryNode unary() {
        const QueryToken& lx = peek();
        switch (lx.kind) {
            case T::LParen: {
                const std::size_t open = lx.position;
                if (depth_ == kMaxQueryNesting) {
                    throw QueryLimitError("parentheses nested more than " +
                                              std::to_string(kMaxQueryNesting) + " deep",
                                          open);
                }
                take();
                ++depth_;
                QueryNode inner = seq(true);
                --depth_;
                if (!at(T::RParen)) {
                    throw QuerySyntaxError("unbalanced '(': no ')' closes it", open);
                }
                take();
                inner.position = open;
                return inner;
            }
            case T::Word: {
                const QueryToken& w = take();
                return w.field.empty() ? word(text(w), w.position) : unknown_field(w);
            }
            case T::Phrase: return phrase(take(), false);
            case T::Field: return field(take());
            case T::Plus:
            case T::Minus:
                throw QuerySyntaxError(
                    "'+' and '-' mark a word in a list of words; inside AND/OR use NOT",
                    lx.position);
            case T::RParen:
                throw QuerySyntaxError("unbalanced ')': no '(' before it", lx.position);
            case T::UnclosedQuote:  // reported before parsing (throw_lexical_error)
            case T::EmptyField:
            case T::End:
            case T::And:
            case T::Or:
            case T::Not: {
                const bool first = i_ == 0;
                const std::string what = describe(lx, q_);
                if (lx.kind == T::End) {
                    throw QuerySyntaxError("the query ends after an operator; an operator "
                                           "needs a word on both sides",
                                           lx.position);
                }
                throw QuerySyntaxError(what + (first ? " has nothing before it"
                                                     : " follows another operator") +
                                           (lx.kind == T::Not
                                                ? "; use -word to exclude a word"
                                                : ""),
                                       lx.position);
            }
        }
        throw QuerySyntaxError("unexpected " + describe(lx, q_), lx.position);
    }

    static QueryNode leaf(QueryNode::Kind kind, std::string text, std::size_t position) {
        QueryNode node;
        node.kind = kind;
        node.text = std::move(text);
        node.position = position;
        return node;
    }

    std::string text(const QueryToken& lx) const { return std::string(lx.text(q_)); }

    static QueryNode word(const std::string& typed, std::size_t position, bool title = false) {
        QueryNode node = leaf(QueryNode::Kind::Word, typed, position);
        node.title = title;
        if (!typed.empty() && typed.back() == '*') {
            std::string prefix = typed;
            while (!prefix.empty() && prefix.back() == '*') prefix.pop_back();
            const auto words = analysis::tokenize_words(prefix);
            if (words.size() != 1 ||
                analysis::count_code_points(words[0]) < kMinWildcardPrefixChars) {
                throw QuerySyntaxError("a wildcard needs a word of at least " +
                                           std::to_string(kMinWildcardPrefixChars) +
                                           " letters before '*'",
                                       position);
            }
            node.kind = QueryNode::Kind::Wildcard;
            node.text = words[0];
        }
        return node;
    }

    // `name:value` with a name that is no field: the name and the value are searched as
    // plain words (a Seq of the two, which takes the item's modifier as a whole), and a
    // notice says so. Matching nothing, as lupe 0.4 did, hid the mistake.
    QueryNode unknown_field(const QueryToken& lx) {
        QueryNode node;
        node.kind = QueryNode::Kind::Seq;
        node.position = lx.position;
        const std::string value = text(lx).substr(lx.field.size() + 1);
        node.children.push_back(word(lx.field, lx.position));
        node.children.push_back(word(value, lx.position));
        if (notices_) {
            std::string notice = "\"" + lx.field + ":\" is not a field (the fields are " +
                                 std::string(kFieldList) + "): searched as the words " +
                                 lx.field + " " + value;
            if (std::find(notices_->begin(), notices_->end(), notice) == notices_->end()) {
                notices_->push_back(std::move(notice));
            }
        }
        return node;
    }

    QueryNode phrase(const QueryToken& lx, bool title) const {
        QueryNode node = leaf(QueryNode::Kind::Phrase, text(lx), lx.position);
        node.title = title;
        return node;
    }

    QueryNode field(const QueryToken& lx) const {
        const std::string value = text(lx);
        if (lx.field == "title") {
            return lx.value_quoted ? phrase(lx, true) : word(value, lx.position, true);
        }
        if (lx.field == "source") return leaf(QueryNode::Kind::Source, value, lx.position);
        if (lx.field == "lang") {
            const auto tag = analysis::normalize_language_tag(value);
            if (!tag) {
                throw QuerySyntaxError("lang: expects a language code such as en or de, not '" +
                                           value + "'",
                                       lx.position);
            }
            return leaf(QueryNode::Kind::Lang, *tag, lx.position);
        }
        // date:FROM..TO, date:FROM.., date:..TO, date:DAY|MONTH|YEAR
        QueryNode node = leaf(QueryNode::Kind::Date, value, lx.position);
        const auto bad = [&] {
            return QuerySyntaxError("date: expects YYYY[-MM[-DD]] or a range FROM..TO, not '" +
                                        value + "'",
                                    lx.position);
        };
        const std::size_t dots = value.find("..");
        if (dots == std::string::npos) {
            const auto d = analysis::parse_iso_date(value);
            if (!d) throw bad();
            node.date_from = analysis::date_sort_key(*d);
            node.date_to = analysis::date_upper_bound(*d);
            return node;
        }
        const std::string from = value.substr(0, dots), to = value.substr(dots + 2);
        if (from.empty() && to.empty()) throw bad();
        if (!from.empty()) {
            const auto d = analysis::parse_iso_date(from);
            if (!d) throw bad();
            node.date_from = analysis::date_sort_key(*d);
        }
        if (!to.empty()) {
            const auto d = analysis::parse_iso_date(to);
            if (!d) throw bad();
            node.date_to = analysis::date_upper_bound(*d);
        }
        if (!node.date_from.empty() && !node.date_to.empty() && node.date_from > node.date_to) {
            throw QuerySyntaxError("date range '" + value + "' ends before it starts",
                                   lx.position);
        }
        return node;
    }

    std::string_view q_;
    std::vector<QueryToken> lx_;
    std::vector<std::string>* notices_ = nullptr;
    std::size_t i_ = 0;
};

}  // namespace

bool QueryNode::is_filter() const {
    switch (kind) {
        case Kind::Lang:
        case Kind::Source:
        case Kind::Date: return true;
        case Kind::And:
        case Kind::Or:
        case Kind::AndNot:
        case Kind::Seq:
            return !children.empty() &&
                   std::all_of(children.begin(), children.end(), [](const QueryNode& c) {
                       return c.modifier == Modifier::None && c.is_filter();
                   });
        default: return false;
    }
}

namespace {

// Counts the terms of a parsed query in query order; throws at the first one beyond
// kMaxQueryTerms.
void count_terms(const QueryNode& node, std::size_t& count) {
    std::size_t terms = 0;
    switch (node.kind) {
        case QueryNode::Kind::Word:
        case QueryNode::Kind::Phrase:
            terms = analysis::tokenize_words(node.text).size();
            break;
        case QueryNode::Kind::Wildcard:
        case QueryNode::Kind::Lang:
        case QueryNode::Kind::Source:
        case QueryNode::Kind::Date:
            terms = 1;
            break;
        default:
            for (const auto& child : node.children) count_terms(child, count);
            return;
    }
    count += terms;
    if (count > kMaxQueryTerms) {
        throw QueryLimitError("query has more than " + std::to_string(kMaxQueryTerms) +
                                  " terms (words, phrase words, wildcards and fields)",
                              node.position);
    }
}

// The strict syntax's errors among the tokens, the first of them thrown: a quote never
// closed, a field without a value. (The lexer goes on after them, for recover_query and
// spelling.)
void throw_lexical_error(const std::vector<QueryToken>& tokens) {
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const QueryToken& t = tokens[i];
        if (t.kind == T::UnclosedQuote) {
            throw QuerySyntaxError("unbalanced '\"': the phrase opened here is never closed",
                                   t.position);
        }
        if (t.kind != T::EmptyField) continue;
        // `title:"a b` has a value, whose quote is never closed: that is the error.
        const QueryToken& next = tokens[i + 1];
        if (next.kind == T::UnclosedQuote && next.begin == t.end) continue;
        throw QuerySyntaxError("field '" + t.field + ":' needs a value", t.position);
    }
}

}  // namespace

QueryNode parse_query(std::string_view query, std::vector<std::string>* notices) {
    if (query.size() > kMaxQueryBytes) {
        throw QueryLimitError("query is " + std::to_string(query.size()) +
                                  " bytes long, above the limit of " +
                                  std::to_string(kMaxQueryBytes) + " bytes",
                              analysis::count_code_points(query.substr(0, kMaxQueryBytes)) + 1);
    }
    std::vector<QueryToken> tokens = lex_query(query);
    throw_lexical_error(tokens);
    QueryNode root = Parser(query, std::move(tokens), notices).parse();
    std::size_t terms = 0;
    count_terms(root, terms);
    return root;
}

}  // namespace lupe::searcher
