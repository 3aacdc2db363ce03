#include "searcher/query_builder.hpp"

#include <algorithm>
#include <vector>

#include "format/schema.hpp"
#include "analysis/stopwords.hpp"
#include "searcher/ranking.hpp"

namespace lupe::searcher {
namespace {

namespace schema = format::schema;
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
    Builder(const QueryOptions& options, analysis::Analyzer& analyzer, HighlightTerms& hl,
            std::vector<std::string>& notices)
        : options_(options), analyzer_(analyzer), highlights_(hl), notices_(notices) {
        if (options.lang.empty()) {
            stop_families_.assign(analysis::kAllFamilies.begin(), analysis::kAllFamilies.end());
            families_ = options.families.empty() ? stop_families_ : options.families;
        } else {
            families_.push_back(analysis::family_of(options.lang));
            stop_families_ = families_;
        }
    }

    OptQuery node(const QueryNode& n, bool positive) {
        using K = QueryNode::Kind;
        switch (n.kind) {
            case K::Word: return word(n, positive);
            case K::Phrase: return phrase(n.text, field(n), positive);
            case K::Wildcard: return wildcard(n.text, field(n), positive);
            case K::Lang: return as_filter(Xapian::Query(std::string(schema::kLangPrefix) + n.text));
            case K::Source: {
                std::vector<OptQuery> parts;
                for (const auto& w : analysis::tokenize_words(n.text)) {
                    parts.emplace_back(Xapian::Query(std::string(schema::kSourcePrefix) + w));
                }
                auto q = combine(Xapian::Query::OP_AND, parts);
                return q ? OptQuery(as_filter(*q)) : std::nullopt;
            }
            case K::Date: return as_filter(date_range(n.date_from, n.date_to));
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
    // any-of). Plain stopwords are left out of the ranked items when other words remain,
    // but still count for `all_words`, which receives the AND of the optional items.
    OptQuery seq(const QueryNode& n, bool positive, OptQuery* all_words, bool* unranked = nullptr,
                 OptQuery* first_tier = nullptr) {
        std::vector<OptQuery> required, optional, stop, excluded, filters;
        std::vector<std::string> stop_words;
        for (const auto& c : n.children) {
            switch (c.modifier) {
                case QueryNode::Modifier::Required: required.push_back(node(c, positive)); break;
                case QueryNode::Modifier::Excluded: excluded.push_back(node(c, !positive)); break;
                case QueryNode::Modifier::None:
                    if (c.is_filter()) filters.push_back(node(c, positive));
                    else if (is_stopword_item(c)) {
                        stop_words.push_back(tokens_.front().text);  // before node() reuses tokens_
                        stop.push_back(node(c, positive));
                    }
                    else optional.push_back(node(c, positive));
                    break;
            }
        }
        const bool content = std::any_of(optional.begin(), optional.end(),
                                         [](const OptQuery& q) { return q.has_value(); }) ||
                             std::any_of(required.begin(), required.end(),
                                         [](const OptQuery& q) { return q.has_value(); });
        if (!content && positive) {
            for (const auto& w : stop_words) highlight_word(w);  // a query of stopwords only
        }
        std::vector<OptQuery> every(optional);
        every.insert(every.end(), stop.begin(), stop.end());
        const OptQuery must = combine(Xapian::Query::OP_AND, required);
        const OptQuery may = combine(Xapian::Query::OP_OR, content ? optional : stop);
        OptQuery q;
        if (must && may) q = Xapian::Query(Xapian::Query::OP_AND_MAYBE, *must, *may);
        else q = must ? must : may;
        // Ranking-only parts: they reorder the matches, never add any.
        std::vector<OptQuery> boosts;
        if (content && options_.stopword_weight > 0) {
            if (auto s = combine(Xapian::Query::OP_OR, stop)) {
                boosts.emplace_back(Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, *s,
                                                  options_.stopword_weight));
            }
        }
        if (q && !boosts.empty()) {
            q = Xapian::Query(Xapian::Query::OP_AND_MAYBE, *q, *combine(Xapian::Query::OP_OR, boosts));
        }
        const OptQuery filter = combine(Xapian::Query::OP_AND, filters);
        const OptQuery exclude = combine(Xapian::Query::OP_OR, excluded);
        if (!q && (filter || exclude)) q = Xapian::Query::MatchAll;
        if (q && filter) q = Xapian::Query(Xapian::Query::OP_FILTER, *q, *filter);
        if (q && exclude) q = Xapian::Query(Xapian::Query::OP_AND_NOT, *q, *exclude);
        if (unranked) *unranked = !must && !may;
        if (all_words) {
            std::size_t present = 0;
            for (const auto& o : every) present += o.has_value();
            if (present >= 2 && present <= kMaxAllWordsTier) {
                // Within the query's own matches: its filters and exclusions apply (0.4.0
                // ranked an excluded document first when it had all the other words).
                *all_words = combine(Xapian::Query::OP_AND, every);
                if (filter) *all_words = Xapian::Query(Xapian::Query::OP_FILTER, **all_words, *filter);
                if (must) *all_words = Xapian::Query(Xapian::Query::OP_FILTER, **all_words, *must);
                if (exclude) {
                    *all_words = Xapian::Query(Xapian::Query::OP_AND_NOT, **all_words, *exclude);
                }
                if (first_tier) {
                    // Each item as `q` weighs it: required and optional items whole, the
                    // stopwords at stopword_weight when other words rank (as the boost
                    // does), else whole (they are then the ranked items), and not at all
                    // when that weight is 0. The AND of weighted items sums their weights.
                    std::vector<OptQuery> weighed(required);
                    weighed.insert(weighed.end(), optional.begin(), optional.end());
                    for (const auto& s : stop) {
                        if (!s) continue;
                        weighed.emplace_back(!content ? *s
                                             : Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, *s,
                                                             options_.stopword_weight));
                    }
                    *first_tier = combine(Xapian::Query::OP_AND, weighed);
                    if (filter) *first_tier = Xapian::Query(Xapian::Query::OP_FILTER, **first_tier, *filter);
                    if (exclude) {
                        *first_tier = Xapian::Query(Xapian::Query::OP_AND_NOT, **first_tier, *exclude);
                    }
                }
            }
        }
        return q;
    }

private:
    std::string_view field(const QueryNode& n) const {
        return n.title || options_.title_only ? schema::kTitleField : schema::kBodyField;
    }

    // Highlights are looked up in body text, whatever field the query names.
    void highlight_word(const std::string& w) {
        for (Family f : families_) {
            analyzer_.word_terms(f, "", w, terms_);
            for (auto& t : terms_.whole) highlights_.stem_terms.insert(std::move(t));
        }
    }

    // A plain word that is a stopword in the query's language, or without one
    // (QueryOptions::lang) in either language ("the"; "die", which is German for "the"
    // and an English verb), even when the index holds one language only: the query's
    // words are not the index's
    // (measured without the lang column: cisi 0.3892 this way, 0.3872 with the index's
    // languages only). Only options_.stopwords makes any word one. Leaves the word in
    // tokens_.
    bool is_stopword_item(const QueryNode& n) {
        if (!options_.stopwords || n.kind != QueryNode::Kind::Word) return false;
        analysis::tokenize(n.text, tokens_);
        if (tokens_.size() != 1) return false;
        return std::any_of(stop_families_.begin(), stop_families_.end(), [&](Family f) {
            return analysis::is_stopword(f, tokens_.front().text);
        });
    }

    // One word: its stem terms in every family in scope as one OP_SYNONYM, or'ed with the
    // AND of its compound parts at a lower weight. A word that tokenizes into several
    // ("E-Mail", "boundary-value") is split_word().
    OptQuery word(const QueryNode& n, bool positive) {
        const bool stop = is_stopword_item(n);  // highlighted by seq() when it counts
        analysis::tokenize(n.text, tokens_);
        if (tokens_.size() != 1) return split_word(n.text, field(n), positive);
        const std::string w = tokens_.front().text;
        std::vector<std::string> whole, parts;
        for (Family f : families_) {
            analyzer_.word_terms(f, field(n), w, terms_);
            for (auto& t : terms_.whole) {
                if (std::find(whole.begin(), whole.end(), t) == whole.end()) whole.push_back(std::move(t));
            }
            if (options_.decompound) {
                for (auto& t : terms_.parts) parts.push_back(std::move(t));
            }
        }
        if (positive && !stop) highlight_word(w);
        Xapian::Query q = whole.size() == 1
                              ? Xapian::Query(whole.front())
                              : Xapian::Query(Xapian::Query::OP_SYNONYM, whole.begin(), whole.end());
        if (parts.empty()) return q;
        const Xapian::Query all_parts(Xapian::Query::OP_AND, parts.begin(), parts.end());
        return Xapian::Query(Xapian::Query::OP_OR, q,
                             Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, all_parts,
                                           kCompoundPartWeight));
    }

    // A word the tokenizer splits ("boundary-value", "E-Mail"): its words' stems within
    // kSplitWordSlack positions of a phrase, in any order, in any one family in scope. In
    // format 2 it was an exact phrase of the unstemmed words; on stems the looser match
    // measures better (nDCG@10 with bench/relevance.sh; cranfield's queries are full of
    // such words): exact stem phrase 0.5259, near 0.5284 (cacm 0.5206 both; xquad-r-de
    // 0.7849 / 0.7848). Xapian 1.4 takes only terms under OP_NEAR, hence one per family.
    OptQuery split_word(const std::string& text, std::string_view fld, bool positive) {
        analysis::tokenize(text, tokens_);
        std::vector<std::string> words;
        for (const auto& t : tokens_) words.push_back(t.text);
        if (words.empty()) return std::nullopt;
        if (positive) {
            for (const auto& w : words) highlight_word(w);
        }
        return per_family(words, fld, Xapian::Query::OP_NEAR,
                          static_cast<Xapian::termcount>(words.size() + kSplitWordSlack));
    }

    // `op` (OP_PHRASE, OP_NEAR) over the words' stems with `window`, in each family in
    // scope (a document is in one family), or'ed.
    OptQuery per_family(const std::vector<std::string>& words, std::string_view fld,
                        Xapian::Query::op op, Xapian::termcount window) {
        std::vector<Xapian::Query> alternatives;
        for (Family f : families_) {
            std::vector<Xapian::Query> terms;
            for (const auto& w : words) {
                analyzer_.word_terms(f, fld, w, terms_);
                terms.emplace_back(terms_.whole.front());
            }
            alternatives.push_back(terms.size() == 1 ? terms.front()
                                                     : Xapian::Query(op, terms.begin(), terms.end(), window));
        }
        if (alternatives.size() == 1) return alternatives.front();
        return Xapian::Query(words.size() == 1 ? Xapian::Query::OP_SYNONYM : Xapian::Query::OP_OR,
                             alternatives.begin(), alternatives.end());
    }

    // A phrase matches the words' stems at consecutive positions, in any one family in
    // scope.
    OptQuery phrase(const std::string& text, std::string_view fld, bool positive) {
        analysis::tokenize(text, tokens_);
        std::vector<std::string> words;
        for (const auto& t : tokens_) words.push_back(t.text);
        if (positive && words.size() == 1) highlights_.words.insert(words.front());
        if (words.empty()) return std::nullopt;
        const auto window = static_cast<Xapian::termcount>(words.size());
        if (positive && words.size() > 1) highlights_.phrases.push_back(words);
        return per_family(words, fld, Xapian::Query::OP_PHRASE, window);
    }

    // `prefix*`: the stems in every family in scope that start with the (normalised)
    // prefix, and the stems of the vocabulary's words that start with it, whose stems may
    // be shorter than the prefix ("traini*" -> "training" -> "ZEtrain").
    OptQuery wildcard(const std::string& prefix, std::string_view fld, bool positive) {
        if (positive) highlights_.prefixes.push_back(prefix);
        std::vector<Xapian::Query> parts;
        std::vector<std::string> stem_prefixes;
        for (Family f : families_) {
            std::string p(fld);
            p.append(analysis::family_prefix(f)).append(prefix);
            parts.emplace_back(Xapian::Query::OP_WILDCARD, p, kMaxWildcardExpansion,
                               Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT, Xapian::Query::OP_SYNONYM);
            stem_prefixes.push_back(std::move(p));
        }
        if (options_.vocabulary && options_.database) {
            std::vector<std::string> extra;
            std::size_t scanned = 0;
            bool timed_out = false;
            options_.vocabulary->for_each_word(prefix, [&](const std::string& word) {
                if (++scanned > kMaxWildcardVocabularyScan || extra.size() >= kMaxWildcardExpansion) {
                    return false;
                }
                // The clock is read now and then (it costs more than a word); first at once,
                // so that an expansion after the deadline does not start.
                if (options_.deadline && scanned % kDeadlineCheckInterval == 1 &&
                    options_.deadline->passed()) {
                    timed_out = true;
                    return false;
                }
                for (Family f : families_) {
                    analyzer_.word_terms(f, fld, word, terms_);
                    for (auto& t : terms_.whole) {
                        const bool covered = std::any_of(
                            stem_prefixes.begin(), stem_prefixes.end(),
                            [&](const std::string& p) { return t.compare(0, p.size(), p) == 0; });
                        if (covered || std::find(extra.begin(), extra.end(), t) != extra.end()) continue;
                        if (options_.database->term_exists(t)) extra.push_back(std::move(t));
                    }
                }
                return true;
            });
            for (auto& t : extra) parts.emplace_back(std::move(t));
            // Xapian keeps the most frequent terms without telling whether it cut any.
            bool cut = extra.size() >= kMaxWildcardExpansion;
            for (const std::string& p : stem_prefixes) {
                Xapian::termcount n = 0;
                for (auto it = options_.database->allterms_begin(p);
                     !cut && it != options_.database->allterms_end(p); ++it) {
                    cut = ++n > kMaxWildcardExpansion;
                }
            }
            std::string notice = "the wildcard " + prefix + "* matches more than " +
                                 std::to_string(kMaxWildcardExpansion) +
                                 " terms: only the most frequent were searched";
            if (cut && std::find(notices_.begin(), notices_.end(), notice) == notices_.end()) {
                notices_.push_back(std::move(notice));
            }
            if (timed_out) {
                notices_.push_back("the time limit was reached while expanding the wildcard " +
                                   prefix + "*: words whose stem is shorter than " + prefix +
                                   " were not all searched");
            }
        }
        if (parts.size() == 1) return parts.front();
        return Xapian::Query(Xapian::Query::OP_SYNONYM, parts.begin(), parts.end());
    }

    const QueryOptions& options_;
    analysis::Analyzer& analyzer_;
    HighlightTerms& highlights_;
    std::vector<std::string>& notices_;
    std::vector<Family> families_;       // where words are looked up
    std::vector<Family> stop_families_;  // whose stopword lists apply
    std::vector<analysis::Token> tokens_;
    analysis::WordTerms terms_;
};

}  // namespace

BuiltQuery build_query(const QueryNode& root, const QueryOptions& options,
                       analysis::Analyzer& analyzer) {
    BuiltQuery built;
    Builder builder(options, analyzer, built.highlights, built.notices);
    OptQuery all_words, first_tier;
    if (root.kind == QueryNode::Kind::Seq && root.modifier == QueryNode::Modifier::None) {
        built.query = builder.seq(root, true, &all_words, &built.unranked, &first_tier);
    } else {
        built.query = builder.node(root, true);
    }
    built.all_words = all_words;
    built.first_tier = first_tier;
    if (built.query && !options.lang.empty() && options.lang_filter) {
        const Xapian::Query lang(std::string(schema::kLangPrefix) + options.lang);
        built.query = Xapian::Query(Xapian::Query::OP_FILTER, *built.query, lang);
        for (auto* tier : {&built.all_words, &built.first_tier}) {
            if (*tier) *tier = Xapian::Query(Xapian::Query::OP_FILTER, **tier, lang);
        }
    }
    return built;
}

}  // namespace lupe::searcher
