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
    // BrokenQuote: a quote never closed, met only in lenient lexing (recover_query).
    enum class Type { Word, Quoted, Field, LParen, RParen, And, Or, Not, Plus, Minus, BrokenQuote, End };
    Type type = Type::End;
    std::string text;      // Word, Quoted, Field value
    std::string field;     // Field name; for a Word, an unknown field name (`author:x`)
    bool value_quoted = false;
    std::size_t position = 0;
    std::size_t begin = 0, end = 0;  // byte range in the query
};

constexpr std::string_view kFields[] = {"title", "lang", "source", "date"};
/// The known fields as a notice names them.
constexpr std::string_view kFieldList = "title:, lang:, source:, date:";

// Whether `name` (before a ':') reads as a field name: an ASCII letter, then letters,
// digits, '_' or '-'. "10:30" and "Straße:" are then text, never a field.
bool field_like(std::string_view name) {
    const auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
    if (name.empty() || !alpha(name.front())) return false;
    return std::all_of(name.begin(), name.end(), [&](char c) {
        return alpha(c) || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
}

class Lexer {
public:
    /// `lenient`: for recover_query, an unclosed quote is a BrokenQuote lexeme (its words
    /// are lexed as if unquoted) and a field without a value an empty word, instead of
    /// syntax errors.
    explicit Lexer(std::string_view q, bool lenient = false) : q_(q), lenient_(lenient) {}

    std::vector<Lexeme> run() {
        std::vector<Lexeme> out;
        for (;;) {
            skip_space();
            Lexeme lx;
            lx.position = char_pos();
            lx.begin = pos_;
            if (pos_ >= q_.size()) {
                lx.end = pos_;
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
                if (!quoted(lx.position, lx.text)) lx.type = Lexeme::Type::BrokenQuote;
            } else if ((cp == U'+' || cp == U'-') && starts_operand(next)) {
                lx.type = cp == U'+' ? Lexeme::Type::Plus : Lexeme::Type::Minus;
                pos_ = next;
            } else {
                word(lx);
            }
            lx.end = pos_;
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

    // Reads a quoted phrase starting at pos_ (on the opening quote) into `text`. A quote
    // never closed is a syntax error; when lenient, it returns false with pos_ just past
    // the quote, so that the words after it are lexed as if unquoted.
    bool quoted(std::size_t open_position, std::string& text) {
        decode_utf8(q_, pos_);
        const std::size_t start = pos_;
        while (pos_ < q_.size()) {
            std::size_t next = pos_;
            if (is_quote(decode_utf8(q_, next))) {
                text = std::string(q_.substr(start, pos_ - start));
                pos_ = next;
                return true;
            }
            pos_ = next;
        }
        if (lenient_) {
            pos_ = start;
            return false;
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
            // `author:kahneman` is searched as its words, with a notice (Parser::word);
            // "Fazit:" and "http://host/..." are just text.
            const std::string_view value = std::string_view(lx.text).substr(colon + 1);
            if (field_like(lx.text.substr(0, colon)) && !value.empty() && value.front() != '/') {
                lx.field = lx.text.substr(0, colon);
            }
            return;
        }
        lx.type = Lexeme::Type::Field;
        lx.field = name;
        lx.text.erase(0, colon + 1);
        if (lx.text.empty()) {
            const std::size_t value_start = pos_;
            if (pos_ < q_.size() && is_quote(peek(pos_)) && quoted(char_pos(), lx.text)) {
                lx.value_quoted = true;
            } else if (lenient_) {
                pos_ = value_start;  // a field without a value is dropped: an empty word
                lx.type = Lexeme::Type::Word;
                lx.field.clear();
            } else {
                throw QuerySyntaxError("field '" + name + ":' needs a value", lx.position);
            }
        }
    }

    std::string_view q_;
    bool lenient_ = false;
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
    /// `notices`, when not null, receives a sentence for each unknown field searched as words.
    explicit Parser(std::vector<Lexeme> lexemes, std::vector<std::string>* notices = nullptr)
        : lx_(std::move(lexemes)), notices_(notices) {}

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
            case Lexeme::Type::Word: {
                const Lexeme& w = take();
                return w.field.empty() ? word(w) : unknown_field(w);
            }
            case Lexeme::Type::Quoted: return phrase(take(), false);
            case Lexeme::Type::Field: return field(take());
            case Lexeme::Type::Plus:
            case Lexeme::Type::Minus:
                throw QuerySyntaxError(
                    "'+' and '-' mark a word in a list of words; inside AND/OR use NOT",
                    lx.position);
            case Lexeme::Type::RParen:
                throw QuerySyntaxError("unbalanced ')': no '(' before it", lx.position);
            case Lexeme::Type::BrokenQuote:  // not made by the strict lexer
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

    // `name:value` with a name that is no field: the name and the value are searched as
    // plain words (a Seq of the two, which takes the item's modifier as a whole), and a
    // notice says so. Matching nothing, as lupe 0.4 did, hid the mistake.
    QueryNode unknown_field(const Lexeme& lx) {
        QueryNode node;
        node.kind = QueryNode::Kind::Seq;
        node.position = lx.position;
        Lexeme part = lx;
        part.field.clear();
        part.text = lx.field;
        node.children.push_back(word(part));
        part.text = lx.text.substr(lx.field.size() + 1);
        node.children.push_back(word(part));
        if (notices_) {
            std::string notice = "\"" + lx.field + ":\" is not a field (the fields are " +
                                 std::string(kFieldList) + "): searched as the words " +
                                 lx.field + " " + part.text;
            if (std::find(notices_->begin(), notices_->end(), notice) == notices_->end()) {
                notices_->push_back(std::move(notice));
            }
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

}  // namespace

QueryNode parse_query(std::string_view query, std::vector<std::string>* notices) {
    if (query.size() > kMaxQueryBytes) {
        throw QueryLimitError("query is " + std::to_string(query.size()) +
                                  " bytes long, above the limit of " +
                                  std::to_string(kMaxQueryBytes) + " bytes",
                              analysis::count_code_points(query.substr(0, kMaxQueryBytes)) + 1);
    }
    QueryNode root = Parser(Lexer(query).run(), notices).parse();
    std::size_t terms = 0;
    count_terms(root, terms);
    return root;
}

namespace {

// Whether `text` parses on its own as exactly one item with modifier `m`: then it can be
// put in the recovered query as it is, and keeps its meaning there.
bool renders_as(const std::string& text, QueryNode::Modifier m) {
    try {
        const QueryNode root = parse_query(text);
        return root.children.size() == 1 && root.children.front().modifier == m;
    } catch (const QuerySyntaxError&) {
        return false;
    }
}

// The retry after a syntax error, over the lenient lexer's lexemes: one flat list of
// items, in which an exclusion (`-x`, `NOT x`, `NOT (...)`) stays an exclusion and the
// broken syntax is dropped. Where the parser cannot tell how far an exclusion reaches (a
// `NOT (` or `-"` never closed) it excludes the rest: excluding too much loses matches,
// but searching for an excluded word returns what the user asked to leave out.
class Recovery {
public:
    Recovery(std::string_view query, std::vector<Lexeme> lexemes)
        : q_(query), lx_(std::move(lexemes)), match_(lx_.size(), kNone) {
        std::vector<std::size_t> open;
        for (std::size_t i = 0; i < lx_.size(); ++i) {
            if (lx_[i].type == Lexeme::Type::LParen) open.push_back(i);
            if (lx_[i].type == Lexeme::Type::RParen && !open.empty()) {
                match_[open.back()] = i;
                open.pop_back();
            }
        }
    }

    std::string run() {
        items(0, lx_.size(), false, 0);
        std::string text;
        for (const auto* list : {&kept_, &excluded_}) {
            for (const auto& item : *list) text += (text.empty() ? "" : " ") + item;
        }
        return text;
    }

private:
    static constexpr std::size_t kNone = static_cast<std::size_t>(-1);

    // The items of lexemes [begin, end); all of them excluded when `excluded`.
    void items(std::size_t begin, std::size_t end, bool excluded, std::size_t depth) {
        using T = Lexeme::Type;
        using M = QueryNode::Modifier;
        M pending = M::None;
        for (std::size_t i = begin; i < end; ++i) {
            const Lexeme& lx = lx_[i];
            switch (lx.type) {
                case T::Plus:
                    if (pending == M::None) pending = M::Required;
                    continue;
                case T::Minus:
                case T::Not: pending = M::Excluded; continue;
                case T::And:
                case T::Or: continue;
                case T::RParen: pending = M::None; continue;  // one without its '('
                case T::End: return;
                case T::BrokenQuote:
                    // Its words follow as if unquoted; an excluded phrase excludes them all.
                    if (pending == M::Excluded) excluded = true;
                    pending = M::None;
                    continue;
                case T::LParen: {
                    const bool negated = excluded || pending == M::Excluded;
                    pending = M::None;
                    const std::size_t close = match_[i];
                    // Unclosed, or nested deeper than the parser allows: the '(' is
                    // dropped, and a negated one excludes the rest.
                    if (close == kNone || close >= end || depth >= kMaxQueryNesting) {
                        excluded = negated;
                        continue;
                    }
                    if (negated && !excluded && close > i + 1) {
                        // `NOT (a OR b)` kept whole when its inside parses.
                        const std::string group =
                            "-(" +
                            std::string(q_.substr(lx_[i + 1].begin,
                                                  lx_[close].begin - lx_[i + 1].begin)) +
                            ")";
                        if (renders_as(group, M::Excluded)) {
                            excluded_.push_back(group);
                            i = close;
                            continue;
                        }
                    }
                    items(i + 1, close, negated, depth + 1);
                    i = close;
                    continue;
                }
                case T::Word:
                case T::Quoted:
                case T::Field:
                    add(lx, excluded ? M::Excluded : pending);
                    pending = M::None;
                    continue;
            }
        }
    }

    // One word, phrase or field, as written when it parses on its own (so the retry says
    // what was searched in the user's spelling), else its plain words.
    void add(const Lexeme& lx, QueryNode::Modifier m) {
        std::string core;
        switch (lx.type) {
            case Lexeme::Type::Quoted: core = "\"" + lx.text + "\""; break;
            case Lexeme::Type::Field:
                core = lx.field + ":" + (lx.value_quoted ? "\"" + lx.text + "\"" : lx.text);
                break;
            default: core = lx.text; break;
        }
        const std::string prefix = m == QueryNode::Modifier::Required   ? "+"
                                   : m == QueryNode::Modifier::Excluded ? "-"
                                                                        : "";
        auto& list = m == QueryNode::Modifier::Excluded ? excluded_ : kept_;
        if (renders_as(prefix + core, m)) {
            list.push_back(prefix + core);
            return;
        }
        // A bad field value (`lang:xx`, `date:soon`) leaves its value's words; a wildcard
        // too short (`a*`), its word.
        for (const auto& w : analysis::tokenize_words(lx.type == Lexeme::Type::Field ? lx.text : core)) {
            if (renders_as(prefix + w, m)) list.push_back(prefix + w);
        }
    }

    std::string_view q_;
    std::vector<Lexeme> lx_;
    std::vector<std::size_t> match_;  // for each '(', the index of its ')', or kNone
    std::vector<std::string> kept_, excluded_;
};

}  // namespace

RecoveredQuery recover_query(std::string_view query, std::vector<std::string>* notices) {
    const std::string_view text = analysis::truncate_utf8(query, kMaxQueryBytes);
    RecoveredQuery out;
    out.text = Recovery(text, Lexer(text, true).run()).run();
    out.root = parse_query(out.text, notices);
    return out;
}

}  // namespace lupe::searcher
