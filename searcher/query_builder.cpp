#include "searcher/query_builder.hpp"

#include <algorithm>
#include <vector>

#include "analysis/schema.hpp"

namespace lupe::searcher {
namespace {

namespace schema = analysis::schema;
using analysis::Family;
using OptQuery = std::optional<Xapian::Query>;

// Combine the present queries with `op`; nullopt when none is present.
OptQuery combine(Xapian::Query::op op, const std::vector<OptQuery>& parts) {
    std::vector<Xapian::Query> present;
    for (const auto& p : parts) {
        if (p) present.push_back(*p);
    }
    if (present.empty()) return std::nullopt;
    if (present.size() == 1) return present.front();
    return Xapian::Query(op, present.begin(), present.end());
}

Xapian::Query as_filter(const Xapian::Query& q) { return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q, 0.0); }

class Builder {
public:
    Builder(const std::string& lang, const analysis::Analyzer& analyzer, HighlightTerms& hl)
        : analyzer_(analyzer), highlights_(hl) {
        if (lang.empty()) {
            families_.assign(analysis::kAllFamilies.begin(), analysis::kAllFamilies.end());
        } else {
            families_.push_back(analysis::family_of(lang));
        }
    }

    OptQuery node(const QueryNode& n, bool positive) {
        using K = QueryNode::Kind;
        switch (n.kind) {
            case K::Word: return word(n, positive);
            case K::Phrase: return phrase(n.text, field(n), positive);
            case K::Wildcard: {
                if (positive) highlights_.prefixes.push_back(n.text);
                return Xapian::Query(Xapian::Query::OP_WILDCARD,
                                     analysis::Analyzer::raw_term(field(n), n.text),
                                     kMaxWildcardExpansion, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT,
                                     Xapian::Query::OP_SYNONYM);
            }
            case K::Lang: return as_filter(Xapian::Query(std::string(schema::kLangPrefix) + n.text));
            case K::Source: {
                std::vector<OptQuery> parts;
                for (const auto& w : analysis::tokenize_words(n.text)) {
                    parts.emplace_back(Xapian::Query(std::string(schema::kSourcePrefix) + w));
                }
                auto q = combine(Xapian::Query::OP_AND, parts);
                return q ? OptQuery(as_filter(*q)) : std::nullopt;
            }
            case K::Date: {
                Xapian::Query q;
                if (n.date_from.empty()) {
                    q = Xapian::Query(Xapian::Query::OP_VALUE_LE, schema::kDateSlot, n.date_to);
                } else if (n.date_to.empty()) {
                    q = Xapian::Query(Xapian::Query::OP_VALUE_GE, schema::kDateSlot, n.date_from);
                } else {
                    q = Xapian::Query(Xapian::Query::OP_VALUE_RANGE, schema::kDateSlot,
                                      n.date_from, n.date_to);
                }
                return as_filter(q);
            }
            case K::And:
            case K::Or: {
                std::vector<OptQuery> parts;
                for (const auto& c : n.children) parts.push_back(node(c, positive));
                return combine(n.kind == K::And ? Xapian::Query::OP_AND : Xapian::Query::OP_OR,
                               parts);
            }
            case K::AndNot: {
                OptQuery left = node(n.children.front(), positive);
                std::vector<OptQuery> negated;
                for (std::size_t i = 1; i < n.children.size(); ++i) {
                    negated.push_back(node(n.children[i], !positive));
                }
                OptQuery right = combine(Xapian::Query::OP_OR, negated);
                if (!left || !right) return left;
                return Xapian::Query(Xapian::Query::OP_AND_NOT, *left, *right);
            }
            case K::Seq: return seq(n, positive, nullptr);
        }
        return std::nullopt;
    }

    // A list of items: required (+), excluded (-), filters, and optional ones (ranked
    // any-of). `all_words`, when given, receives the AND of the optional items.
    OptQuery seq(const QueryNode& n, bool positive, OptQuery* all_words, bool* unranked = nullptr) {
        std::vector<OptQuery> required, optional, excluded, filters;
        for (const auto& c : n.children) {
            switch (c.modifier) {
                case QueryNode::Modifier::Required: required.push_back(node(c, positive)); break;
                case QueryNode::Modifier::Excluded: excluded.push_back(node(c, !positive)); break;
                case QueryNode::Modifier::None:
                    (c.is_filter() ? filters : optional).push_back(node(c, positive));
                    break;
            }
        }
        const OptQuery must = combine(Xapian::Query::OP_AND, required);
        const OptQuery may = combine(Xapian::Query::OP_OR, optional);
        OptQuery q;
        if (must && may) q = Xapian::Query(Xapian::Query::OP_AND_MAYBE, *must, *may);
        else q = must ? must : may;
        const OptQuery filter = combine(Xapian::Query::OP_AND, filters);
        const OptQuery exclude = combine(Xapian::Query::OP_OR, excluded);
        if (!q && (filter || exclude)) q = Xapian::Query::MatchAll;
        if (q && filter) q = Xapian::Query(Xapian::Query::OP_FILTER, *q, *filter);
        if (q && exclude) q = Xapian::Query(Xapian::Query::OP_AND_NOT, *q, *exclude);
        if (unranked) *unranked = !must && !may;
        if (all_words) {
            std::size_t present = 0;
            for (const auto& o : optional) present += o.has_value();
            if (present >= 2) *all_words = combine(Xapian::Query::OP_AND, optional);
        }
        return q;
    }

private:
    static std::string_view field(const QueryNode& n) {
        return n.title ? schema::kTitleField : schema::kBodyField;
    }

    OptQuery word(const QueryNode& n, bool positive) {
        analysis::tokenize(n.text, tokens_);
        if (tokens_.size() != 1) return phrase(n.text, field(n), positive);
        const std::string& w = tokens_.front().text;
        std::vector<Xapian::Query> stems;
        std::vector<std::string> seen;
        for (Family f : families_) {
            std::string stem = analyzer_.stem(f, w);
            std::string term = std::string(field(n)) + std::string(analysis::family_prefix(f)) + stem;
            if (positive) highlights_.stems[static_cast<std::size_t>(f)].insert(std::move(stem));
            if (std::find(seen.begin(), seen.end(), term) != seen.end()) continue;
            seen.push_back(term);
            stems.emplace_back(term);
        }
        if (stems.size() == 1) return stems.front();
        return Xapian::Query(Xapian::Query::OP_SYNONYM, stems.begin(), stems.end());
    }

    OptQuery phrase(const std::string& text, std::string_view fld, bool positive) {
        analysis::tokenize(text, tokens_);
        std::vector<Xapian::Query> terms;
        std::vector<std::string> words;
        for (const auto& t : tokens_) {
            words.push_back(t.text);
            terms.emplace_back(analysis::Analyzer::raw_term(fld, t.text));
        }
        if (positive && words.size() == 1) highlights_.words.insert(words.front());
        if (positive && words.size() > 1) highlights_.phrases.push_back(std::move(words));
        if (terms.empty()) return std::nullopt;
        if (terms.size() == 1) return terms.front();
        return Xapian::Query(Xapian::Query::OP_PHRASE, terms.begin(), terms.end(),
                             static_cast<Xapian::termcount>(terms.size()));
    }

    const analysis::Analyzer& analyzer_;
    HighlightTerms& highlights_;
    std::vector<Family> families_;
    std::vector<analysis::Token> tokens_;
};

}  // namespace

BuiltQuery build_query(const QueryNode& root, const std::string& lang,
                       const analysis::Analyzer& analyzer) {
    BuiltQuery built;
    Builder builder(lang, analyzer, built.highlights);
    OptQuery all_words;
    if (root.kind == QueryNode::Kind::Seq && root.modifier == QueryNode::Modifier::None) {
        built.query = builder.seq(root, true, &all_words, &built.unranked);
    } else {
        built.query = builder.node(root, true);
    }
    built.all_words = all_words;
    if (built.query && !lang.empty()) {
        built.query = Xapian::Query(Xapian::Query::OP_FILTER, *built.query,
                                    Xapian::Query(std::string(schema::kLangPrefix) + lang));
    }
    return built;
}

}  // namespace lupe::searcher
