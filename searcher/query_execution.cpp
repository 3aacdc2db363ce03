#include "searcher/query_execution.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include <xapian.h>

#include "analysis/language.hpp"
#include "format/schema.hpp"
#include "lupe/error.hpp"
#include "searcher/collector.hpp"
#include "searcher/feedback.hpp"
#include "searcher/query_builder.hpp"
#include "searcher/query_parser.hpp"
#include "searcher/query_recovery.hpp"
#include "searcher/ranking.hpp"
#include "searcher/spelling.hpp"

namespace lupe::searcher {
namespace schema = format::schema;

namespace {

/// Matches counted exactly for a query that only filters (`date:2019`). Xapian's estimate
/// for a value range alone is crude (it stops after the page), and with every score zero
/// there is no ranking work to save by stopping early; counting is a plain scan.
constexpr Xapian::doccount kExactCountForFilters = 100000;

/// Xapian's own time limit for a shard list with remote shards, where lupe's DeadlineSource
/// cannot go (xapian-tcpsrv does not know it): when the deadline has already passed, a
/// limit this short (0 would mean none) stops the counting at once.
constexpr double kShortestRemoteTimeLimit = 1e-6;

// What the index holds decides what a query needs to look at: the families of which
// it has documents, and whether a language filter can exclude anything. A few term
// frequency lookups, against two extra posting lists per query word (and one the
// size of the index for the filter) that could match nothing.
void scope(const Xapian::Database& db, const std::string& lang, QueryOptions& q) {
    const Xapian::doccount total = db.get_doccount();
    if (total == 0) return;
    const auto count = [&](std::string_view code) {
        return db.get_termfreq(std::string(schema::kLangPrefix).append(code));
    };
    if (!lang.empty()) {
        q.lang_filter = count(lang) != total;
        return;
    }
    const Xapian::doccount en = count("en"), de = count("de");
    if (en) q.families.push_back(analysis::Family::English);
    if (de) q.families.push_back(analysis::Family::German);
    if (en + de < total) q.families.push_back(analysis::Family::Unstemmed);
}

class Execution {
public:
    Execution(ShardSet& shards, const SearchOptions& options, const Deadline& deadline)
        : shards_(shards), options_(options), deadline_(deadline) {}

    SearchResults run(std::string_view query) {
        SearchResults out;
        out.query = std::string(query);
        out.missing_shards = shards_.missing();
        if (!out.missing_shards.empty() && !options_.allow_partial) {
            throw ShardUnavailableError("index " + shards_.path() + ": " +
                                        shards_.describe_missing() +
                                        "; to search the other shards, allow partial results "
                                        "(SearchOptions::allow_partial)");
        }
        std::vector<std::string> parse_notices;  // unknown fields searched as words
        const QueryNode root = parse(query, parse_notices, out);
        BuiltQuery built = build(root, std::move(parse_notices), out);
        if (options_.suggest) suggest(out);
        if (built.query) match(built, out);
        return out;
    }

private:
    // The query parsed; after a syntax error (when the options allow), the retry that
    // keeps the exclusions it can parse and drops the broken syntax (recover_query):
    // out.query then says what it searched.
    QueryNode parse(std::string_view query, std::vector<std::string>& notices,
                    SearchResults& out) const {
        try {
            return parse_query(query, &notices);
        } catch (const QueryLimitError&) {
            throw;  // not retried: the retry would quietly search for less
        } catch (const QuerySyntaxError& e) {
            if (!options_.retry_plain_on_syntax_error) throw;
            out.syntax_error = e.what();
            notices.clear();
            RecoveredQuery recovered = recover_query(query, &notices);
            out.query = std::move(recovered.text);
            return std::move(recovered.root);
        }
    }

    // The Xapian query for what the index holds, with the date filter; out.notices gets
    // the parser's notices, then the builder's and German splitting's.
    BuiltQuery build(const QueryNode& root, std::vector<std::string> parse_notices,
                     SearchResults& out) {
        QueryOptions query_options;
        query_options.lang = options_.lang;
        query_options.stopwords = options_.stopwords;
        query_options.decompound = options_.decompound;
        query_options.stopword_weight = options_.stopword_weight;
        query_options.title_only = options_.fields == SearchField::Title;
        query_options.vocabulary = &shards_.vocabulary();
        query_options.database = &shards_.db();
        query_options.deadline = &deadline_;
        scope(shards_.db(), options_.lang, query_options);
        // German analysis matters only where there are German documents to match.
        const bool german =
            (options_.lang.empty() || options_.lang == "de") &&
            shards_.db().get_termfreq(std::string(schema::kLangPrefix) + "de") > 0;
        IndexAnalysis& analysis = shards_.analysis();
        const std::optional<std::string> word_list_notice =
            german && options_.decompound ? analysis.prepare_german() : std::nullopt;
        BuiltQuery built = build_query(root, query_options, analysis.analyzer());
        out.notices = std::move(parse_notices);
        out.notices.insert(out.notices.end(), built.notices.begin(), built.notices.end());
        if (word_list_notice) out.notices.push_back(*word_list_notice);
        if (built.query && (!options_.date_from.empty() || !options_.date_to.empty())) {
            const Xapian::Query dates = date_filter(options_.date_from, options_.date_to);
            built.query = Xapian::Query(Xapian::Query::OP_FILTER, *built.query, dates);
            // The first tier stays within the query's matches.
            if (built.all_words) {
                built.all_words = Xapian::Query(Xapian::Query::OP_FILTER, *built.all_words, dates);
            }
        }
        return built;
    }

    // "Did you mean": out.suggestion, for the query as searched (out.query).
    void suggest(SearchResults& out) const {
        std::optional<analysis::Family> family;
        if (!options_.lang.empty()) family = analysis::family_of(options_.lang);
        if (deadline_.passed()) {
            out.notices.push_back("the time limit was reached before the spelling suggestion: "
                                  "none was looked for");
            return;
        }
        SpellingOptions spelling;
        spelling.deadline = &deadline_;
        if (auto s = suggest_query(shards_.db(), shards_.vocabulary(), out.query, family,
                                   shards_.analysis().analyzer(), spelling)) {
            out.suggestion = std::move(s->query);
        }
        if (deadline_.reached()) {
            out.notices.push_back("the time limit was reached while looking for a spelling "
                                  "suggestion: not every word was looked up");
        }
    }

    // The match and the page of results.
    void match(BuiltQuery& built, SearchResults& out) {
        // The matcher stops at the deadline when every shard is local; remote shards get
        // Xapian's own limit, which only stops counting (see SearchOptions::time_limit_seconds).
        const MatcherDeadline matcher(deadline_, shards_.all_local());
        Xapian::Enquire enquire(shards_.db());
        enquire.set_weighting_scheme(*make_weight(options_));
        if (deadline_.set() && !matcher.stoppable()) {
            enquire.set_time_limit(deadline_.remaining_seconds(kShortestRemoteTimeLimit));
        }
        out.ranked = !built.unranked;
        const SortOrder sort = set_sort(enquire, built.unranked);
        if (options_.collapse_duplicates) enquire.set_collapse_key(schema::kDuplicateKeySlot);
        if (options_.feedback_documents && !built.unranked) {
            if (deadline_.passed()) {
                out.notices.push_back("the time limit was reached before pseudo-relevance "
                                      "feedback: the query was not expanded");
            } else {
                built.query = expand_query(enquire, *built.query, options_, matcher);
            }
        }
        // Counts are exact up to the end of the page (+1, to know whether more follow).
        auto check_at_least = static_cast<Xapian::doccount>(options_.offset + options_.limit + 1);
        if (built.unranked) check_at_least = std::max(check_at_least, kExactCountForFilters);

        // Two tiers (see ranking.hpp): documents that have every plain word, then the rest.
        const bool tiers =
            built.all_words && sort == SortOrder::Relevance && options_.all_words_first;
        const Xapian::Query ranked =
            tiers ? with_tier_bonus(*built.query, *built.all_words) : *built.query;
        enquire.set_query(matcher.bounded(ranked));
        const Xapian::MSet mset = enquire.get_mset(static_cast<Xapian::doccount>(options_.offset),
                                                   static_cast<Xapian::doccount>(options_.limit),
                                                   check_at_least);
        count(enquire, ranked, mset, matcher, out);
        // Collapsing, Xapian's estimate stays loose (its upper bound counts every match as
        // if none were collapsed) even when the matcher saw every match: then its lower
        // bound, the matches left after collapsing, is the count.
        if (options_.collapse_duplicates && !out.time_limited &&
            mset.get_uncollapsed_matches_lower_bound() < check_at_least) {
            out.total_estimate = mset.get_matches_lower_bound();
        }

        std::vector<Xapian::docid> docids;
        collect_results(mset, options_.offset + 1, options_, built.highlights,
                        shards_.analysis().analyzer(), deadline_, out, docids);
        if (tiers) {
            take_tier_bonus(out.results);
        } else if (built.all_words && !out.results.empty()) {
            mark_matched_all(shards_.db(), *built.all_words, docids, out.results);
        }
    }

    // The order of the results. A query that only filters has no ranking (every weight is
    // 0): its matches are listed newest first instead of in index order.
    SortOrder set_sort(Xapian::Enquire& enquire, bool unranked) const {
        const SortOrder sort = unranked && options_.sort == SortOrder::Relevance
                                   ? SortOrder::NewestFirst
                                   : options_.sort;
        // By value slots, which the remote backend serves too (a KeyMaker it does not):
        // newest first on the date (undated, empty, last), oldest first on the slot that
        // gives the undated a key after every date.
        if (sort == SortOrder::NewestFirst) {
            enquire.set_sort_by_value_then_relevance(schema::kDateSlot, true);
        } else if (sort == SortOrder::OldestFirst) {
            enquire.set_sort_by_value_then_relevance(schema::kOldestFirstSlot, false);
        }
        return sort;
    }

    // out.total_estimate and out.time_limited after the match.
    void count(Xapian::Enquire& enquire, const Xapian::Query& ranked, const Xapian::MSet& mset,
               const MatcherDeadline& matcher, SearchResults& out) const {
        out.total_estimate = mset.get_matches_estimated();
        if (matcher.stoppable()) {
            out.time_limited = matcher.stopped();  // the source ended the match (or feedback's)
        } else if (deadline_.set()) {
            // Xapian does not say whether its limit struck: it can only have when the match
            // was still running at the deadline, and then it left the count unfinished.
            out.time_limited = deadline_.passed() &&
                               mset.get_matches_lower_bound() != mset.get_matches_upper_bound();
        }
        if (out.time_limited && matcher.stoppable()) {
            // The count covers the documents considered only: Xapian's estimate from the
            // term statistics (no postings read) says how many match.
            enquire.set_query(ranked);
            out.total_estimate = std::max<std::size_t>(
                out.total_estimate, enquire.get_mset(0, 0).get_matches_estimated());
        }
    }

    ShardSet& shards_;
    const SearchOptions& options_;
    const Deadline& deadline_;
};

}  // namespace

SearchResults execute_query(ShardSet& shards, std::string_view query,
                            const SearchOptions& options, const Deadline& deadline) {
    return Execution(shards, options, deadline).run(query);
}

}  // namespace lupe::searcher
