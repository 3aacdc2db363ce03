#include "searcher/query_recovery.hpp"

#include "analysis/tokenizer.hpp"
#include "analysis/utf8.hpp"
#include "lupe/error.hpp"
#include "searcher/query_lexer.hpp"

namespace lupe::searcher {
namespace {

using T = QueryTokenKind;

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

// The retry after a syntax error, over the lexer's tokens (its error tokens too): one
// flat list of items, in which an exclusion (`-x`, `NOT x`, `NOT (...)`) stays an exclusion and the
// broken syntax is dropped. Where the parser cannot tell how far an exclusion reaches (a
// `NOT (` or `-"` never closed) it excludes the rest: excluding too much loses matches,
// but searching for an excluded word returns what the user asked to leave out.
class Recovery {
public:
    Recovery(std::string_view query, std::vector<QueryToken> lexemes)
        : q_(query), lx_(std::move(lexemes)), match_(lx_.size(), kNone) {
        std::vector<std::size_t> open;
        for (std::size_t i = 0; i < lx_.size(); ++i) {
            if (lx_[i].kind == T::LParen) open.push_back(i);
            if (lx_[i].kind == T::RParen && !open.empty()) {
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
        using M = QueryNode::Modifier;
        M pending = M::None;
        for (std::size_t i = begin; i < end; ++i) {
            const QueryToken& lx = lx_[i];
            switch (lx.kind) {
                case T::Plus:
                    if (pending == M::None) pending = M::Required;
                    continue;
                case T::Minus:
                case T::Not: pending = M::Excluded; continue;
                case T::And:
                case T::Or: continue;
                case T::RParen: pending = M::None; continue;  // one without its '('
                case T::End: return;
                case T::EmptyField: pending = M::None; continue;  // dropped, as an empty word
                case T::UnclosedQuote:
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
                case T::Phrase:
                case T::Field:
                    add(lx, excluded ? M::Excluded : pending);
                    pending = M::None;
                    continue;
            }
        }
    }

    // One word, phrase or field, as written when it parses on its own (so the retry says
    // what was searched in the user's spelling), else its plain words.
    void add(const QueryToken& lx, QueryNode::Modifier m) {
        const std::string text(lx.text(q_));
        std::string core;
        switch (lx.kind) {
            case T::Phrase: core = "\"" + text + "\""; break;
            case T::Field:
                core = lx.field + ":" + (lx.value_quoted ? "\"" + text + "\"" : text);
                break;
            default: core = text; break;
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
        for (const auto& w : analysis::tokenize_words(lx.kind == T::Field ? text : core)) {
            if (renders_as(prefix + w, m)) list.push_back(prefix + w);
        }
    }

    std::string_view q_;
    std::vector<QueryToken> lx_;
    std::vector<std::size_t> match_;  // for each '(', the index of its ')', or kNone
    std::vector<std::string> kept_, excluded_;
};

}  // namespace

RecoveredQuery recover_query(std::string_view query, std::vector<std::string>* notices) {
    const std::string_view text = analysis::truncate_utf8(query, kMaxQueryBytes);
    RecoveredQuery out;
    out.text = Recovery(text, lex_query(text)).run();
    out.root = parse_query(out.text, notices);
    return out;
}


}  // namespace lupe::searcher
