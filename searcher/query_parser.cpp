#include "searcher/query_parser.hpp"

#include <algorithm>

#include "analysis/date.hpp"
#include "analysis/language.hpp"
#include "analysis/tokenizer.hpp"
#include "analysis/utf8.hpp"
#include "lupe/error.hpp"

namespace lupe::searcher {
namespace {

using analysis::decode_utf8;

bool is_space(char32_t cp) {
    return cp == U' ' || cp == U'\t' || cp == U'\n' || cp == U'\r' || cp == U'\f' ||
           cp == U'\v' || cp == U'\u00A0';
}
bool is_quote(char32_t cp) {
    return cp == U'"' || cp == U'\u201C' || cp == U'\u201D' || cp == U'\u201E';
}

struct Lexeme {
    enum class Type { Word, Quoted, Field, LParen, RParen, And, Or, Not, Plus, Minus, End };
    Type type = Type::End;
    std::string text;      // Word, Quoted, Field value
    std::string field;     // Field name
    bool value_quoted = false;
    std::size_t position = 0;
};

constexpr std::string_view kFields[] = {"title", "lang", "source", "date"};

class Lexer {
public:
    explicit Lexer(std::string_view q) : q_(q) {}

    std::vector<Lexeme> run() {
        std::vector<Lexeme> out;
        for (;;) {
            skip_space();
            Lexeme lx;
            lx.position = char_pos();
            if (pos_ >= q_.size()) {
                out.push_back(lx);
                return out;
            }
            std::size_t next = pos_;
            const char32_t cp = decode_utf8(q_, next);
            if (cp == U'(' || cp == U')') {
                lx.type = cp == U'(' ? Lexeme::Type::LParen : Lexeme::Type::RParen;
                pos_ = next;
            } else if (is_quote(cp)) {
                lx.type = Lexeme::Type::Quoted;
                lx.text = quoted(lx.position);
            } else if ((cp == U'+' || cp == U'-') && starts_operand(next)) {
                lx.type = cp == U'+' ? Lexeme::Type::Plus : Lexeme::Type::Minus;
                pos_ = next;
            } else {
                word(lx);
            }
            out.push_back(std::move(lx));
        }
    }

private:
    std::size_t char_pos() const { return analysis::count_code_points(q_.substr(0, pos_)) + 1; }

    char32_t peek(std::size_t at) const {
        if (at >= q_.size()) return 0;
        return decode_utf8(q_, at);
    }

    bool starts_operand(std::size_t at) const {
        const char32_t cp = peek(at);
        return cp != 0 && !is_space(cp) && cp != U')' && cp != U'+' && cp != U'-';
    }

    void skip_space() {
        while (pos_ < q_.size()) {
            std::size_t next = pos_;
            if (!is_space(decode_utf8(q_, next))) break;
            pos_ = next;
        }
    }

    // Reads a quoted phrase starting at pos_ (on the opening quote).
    std::string quoted(std::size_t open_position) {
        decode_utf8(q_, pos_);
        const std::size_t start = pos_;
        while (pos_ < q_.size()) {
            std::size_t next = pos_;
            if (is_quote(decode_utf8(q_, next))) {
                std::string text(q_.substr(start, pos_ - start));
                pos_ = next;
                return text;
            }
            pos_ = next;
        }
        throw QuerySyntaxError("unbalanced '\"': the phrase opened here is never closed",
                               open_position);
    }

    void word(Lexeme& lx) {
        const std::size_t start = pos_;
        while (pos_ < q_.size()) {
            std::size_t next = pos_;
            const char32_t cp = decode_utf8(q_, next);
            if (is_space(cp) || cp == U'(' || cp == U')' || is_quote(cp)) break;
            pos_ = next;
        }
        lx.text = std::string(q_.substr(start, pos_ - start));
        if (lx.text == "AND") lx.type = Lexeme::Type::And;
        else if (lx.text == "OR") lx.type = Lexeme::Type::Or;
        else if (lx.text == "NOT") lx.type = Lexeme::Type::Not;
        else lx.type = Lexeme::Type::Word;
        if (lx.type != Lexeme::Type::Word) return;

        const std::size_t colon = lx.text.find(':');
        if (colon == std::string::npos) return;
        std::string name = lx.text.substr(0, colon);
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (std::find(std::begin(kFields), std::end(kFields), name) == std::end(kFields)) {
            return;  // "foo:bar" is just text
        }
        lx.type = Lexeme::Type::Field;
        lx.field = name;
        lx.text.erase(0, colon + 1);
        if (lx.text.empty()) {
            if (pos_ < q_.size() && is_quote(peek(pos_))) {
                lx.text = quoted(char_pos());
                lx.value_quoted = true;
            } else {
                throw QuerySyntaxError("field '" + name + ":' needs a value", lx.position);
            }
        }
    }

    std::string_view q_;
    std::size_t pos_ = 0;
};

std::string describe(const Lexeme& lx) {
    switch (lx.type) {
        case Lexeme::Type::And: return "'AND'";
        case Lexeme::Type::Or: return "'OR'";
        case Lexeme::Type::Not: return "'NOT'";
        case Lexeme::Type::RParen: return "')'";
        case Lexeme::Type::End: return "the end of the query";
        default: return "'" + lx.text + "'";
    }
}

class Parser {
public:
    explicit Parser(std::vector<Lexeme> lexemes) : lx_(std::move(lexemes)) {}

    QueryNode parse() {
        QueryNode root = seq(false);
        if (peek().type == Lexeme::Type::RParen) {
            throw QuerySyntaxError("unbalanced ')': no '(' before it", peek().position);
        }
        return root;
    }

private:
    std::size_t depth_ = 0;  // parentheses open around the current position
    const Lexeme& peek() const { return lx_[i_]; }
    const Lexeme& take() { return lx_[i_ < lx_.size() - 1 ? i_++ : i_]; }
    bool at(Lexeme::Type t) const { return peek().type == t; }

    QueryNode seq(bool nested) {
        QueryNode node;
        node.kind = QueryNode::Kind::Seq;
        node.position = peek().position;
        while (!at(Lexeme::Type::End) && !at(Lexeme::Type::RParen)) {
            auto modifier = QueryNode::Modifier::None;
            if (at(Lexeme::Type::Plus) || at(Lexeme::Type::Minus)) {
                modifier = at(Lexeme::Type::Plus) ? QueryNode::Modifier::Required
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
        if (!at(Lexeme::Type::Or)) return left;
        QueryNode node;
        node.kind = QueryNode::Kind::Or;
        node.position = left.position;
        node.children.push_back(std::move(left));
        while (at(Lexeme::Type::Or)) {
            take();
            node.children.push_back(and_expr());
        }
        return node;
    }

    QueryNode and_expr() {
        QueryNode node = unary();
        while (at(Lexeme::Type::And) || at(Lexeme::Type::Not)) {
            bool negate = at(Lexeme::Type::Not);
            take();
            if (!negate && at(Lexeme::Type::Not)) {
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
        const Lexeme& lx = peek();
        switch (lx.type) {
            case Lexeme::Type::LParen: {
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
                if (!at(Lexeme::Type::RParen)) {
                    throw QuerySyntaxError("unbalanced '(': no ')' closes it", open);
                }
                take();
                inner.position = open;
                return inner;
            }
            case Lexeme::Type::Word: return word(take());
            case Lexeme::Type::Quoted: return phrase(take(), false);
            case Lexeme::Type::Field: return field(take());
            case Lexeme::Type::Plus:
            case Lexeme::Type::Minus:
                throw QuerySyntaxError(
                    "'+' and '-' mark a word in a list of words; inside AND/OR use NOT",
                    lx.position);
            case Lexeme::Type::RParen:
                throw QuerySyntaxError("unbalanced ')': no '(' before it", lx.position);
            case Lexeme::Type::End:
            case Lexeme::Type::And:
            case Lexeme::Type::Or:
            case Lexeme::Type::Not: {
                const bool first = i_ == 0;
                const std::string what = describe(lx);
                if (lx.type == Lexeme::Type::End) {
                    throw QuerySyntaxError("the query ends after an operator; an operator "
                                           "needs a word on both sides",
                                           lx.position);
                }
                throw QuerySyntaxError(what + (first ? " has nothing before it"
                                                     : " follows another operator") +
                                           (lx.type == Lexeme::Type::Not
                                                ? "; use -word to exclude a word"
                                                : ""),
                                       lx.position);
            }
        }
        throw QuerySyntaxError("unexpected " + describe(lx), lx.position);
    }

    static QueryNode leaf(QueryNode::Kind kind, std::string text, std::size_t position) {
        QueryNode node;
        node.kind = kind;
        node.text = std::move(text);
        node.position = position;
        return node;
    }

    static QueryNode word(const Lexeme& lx, bool title = false) {
        QueryNode node = leaf(QueryNode::Kind::Word, lx.text, lx.position);
        node.title = title;
        if (!lx.text.empty() && lx.text.back() == '*') {
            std::string prefix = lx.text;
            while (!prefix.empty() && prefix.back() == '*') prefix.pop_back();
            const auto words = analysis::tokenize_words(prefix);
            if (words.size() != 1 ||
                analysis::count_code_points(words[0]) < kMinWildcardPrefixChars) {
                throw QuerySyntaxError("a wildcard needs a word of at least " +
                                           std::to_string(kMinWildcardPrefixChars) +
                                           " letters before '*'",
                                       lx.position);
            }
            node.kind = QueryNode::Kind::Wildcard;
            node.text = words[0];
        }
        return node;
    }

    static QueryNode phrase(const Lexeme& lx, bool title) {
        QueryNode node = leaf(QueryNode::Kind::Phrase, lx.text, lx.position);
        node.title = title;
        return node;
    }

    static QueryNode field(const Lexeme& lx) {
        if (lx.field == "title") return lx.value_quoted ? phrase(lx, true) : word(lx, true);
        if (lx.field == "source") return leaf(QueryNode::Kind::Source, lx.text, lx.position);
        if (lx.field == "lang") {
            const auto tag = analysis::normalize_language_tag(lx.text);
            if (!tag) {
                throw QuerySyntaxError("lang: expects a language code such as en or de, not '" +
                                           lx.text + "'",
                                       lx.position);
            }
            return leaf(QueryNode::Kind::Lang, *tag, lx.position);
        }
        // date:FROM..TO, date:FROM.., date:..TO, date:DAY|MONTH|YEAR
        QueryNode node = leaf(QueryNode::Kind::Date, lx.text, lx.position);
        const auto bad = [&] {
            return QuerySyntaxError("date: expects YYYY[-MM[-DD]] or a range FROM..TO, not '" +
                                        lx.text + "'",
                                    lx.position);
        };
        const std::size_t dots = lx.text.find("..");
        if (dots == std::string::npos) {
            const auto d = analysis::parse_iso_date(lx.text);
            if (!d) throw bad();
            node.date_from = analysis::date_sort_key(*d);
            node.date_to = analysis::date_upper_bound(*d);
            return node;
        }
        const std::string from = lx.text.substr(0, dots), to = lx.text.substr(dots + 2);
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
            throw QuerySyntaxError("date range '" + lx.text + "' ends before it starts",
                                   lx.position);
        }
        return node;
    }

    std::vector<Lexeme> lx_;
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

}  // namespace

QueryNode parse_query(std::string_view query) {
    if (query.size() > kMaxQueryBytes) {
        throw QueryLimitError("query is " + std::to_string(query.size()) +
                                  " bytes long, above the limit of " +
                                  std::to_string(kMaxQueryBytes) + " bytes",
                              analysis::count_code_points(query.substr(0, kMaxQueryBytes)) + 1);
    }
    QueryNode root = Parser(Lexer(query).run()).parse();
    std::size_t terms = 0;
    count_terms(root, terms);
    return root;
}

std::string plain_words(std::string_view query) {
    std::string out;
    std::string_view rest = analysis::truncate_utf8(query, kMaxQueryBytes);
    while (!rest.empty()) {
        const std::size_t start = rest.find_first_not_of(" \t\r\n");
        if (start == std::string_view::npos) break;
        rest.remove_prefix(start);
        std::string_view chunk = rest.substr(0, rest.find_first_of(" \t\r\n"));
        rest.remove_prefix(chunk.size());
        if (chunk == "AND" || chunk == "OR" || chunk == "NOT") continue;
        if (const std::size_t colon = chunk.find(':'); colon != std::string_view::npos) {
            std::string name(chunk.substr(0, colon));
            for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            if (std::find(std::begin(kFields), std::end(kFields), name) != std::end(kFields)) {
                chunk.remove_prefix(colon + 1);
            }
        }
        for (const auto& w : analysis::tokenize_words(chunk)) {
            if (!out.empty()) out += ' ';
            out += w;
        }
    }
    return out;
}

}  // namespace lupe::searcher
