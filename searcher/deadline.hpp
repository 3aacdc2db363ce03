// The time limit of one search (SearchOptions::time_limit_seconds) as a deadline from the
// start of Searcher::search(), shared by every stage that can be slow: spelling suggestion,
// wildcard expansion, Xapian's matcher (through DeadlineSource), pseudo-relevance feedback
// and snippets. A stage that finds the deadline passed is skipped or cut, and says so.
#pragma once

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <xapian.h>

namespace lupe::searcher {

/// Longest time limit taken as a deadline: steady_clock counts nanoseconds in 64 bits (292
/// years), so a limit like 1e300 s would overflow it; longer limits are no limit.
inline constexpr double kLongestDeadlineSeconds = 1e9;

/// How many documents Xapian's matcher considers between two looks at the clock. A clock
/// read costs about 25 ns and a candidate document 0.1 to 1 µs, so this costs well under
/// 1% and overshoots the deadline by well under a millisecond. It is also the least a
/// match considers: a search whose deadline passed before the matcher started still gets
/// the best of its first documents, and a match of fewer candidates than this always
/// finishes (so SearchResults::time_limited is never set for it).
inline constexpr unsigned kDeadlineCheckInterval = 256;

/// The moment a search's time runs out. Not thread-safe (one search runs on one thread).
class Deadline {
public:
    using Clock = std::chrono::steady_clock;

    /// No deadline: never passed.
    Deadline() = default;
    /// `seconds` after `start`; 0 (or less) means no deadline.
    Deadline(Clock::time_point start, double seconds) {
        if (seconds > 0 && seconds < kLongestDeadlineSeconds) {
            at_ = start + std::chrono::duration_cast<Clock::duration>(
                              std::chrono::duration<double>(seconds));
        }
    }

    /// Whether there is a deadline at all.
    bool set() const { return at_.has_value(); }
    /// The deadline (only when set()).
    Clock::time_point at() const { return *at_; }

    /// Whether the time is up. Once it answered yes it stays so (see reached()).
    bool passed() const {
        if (!reached_ && at_ && Clock::now() >= *at_) reached_ = true;
        return reached_;
    }
    /// Whether some stage found the deadline passed (and so skipped or cut its work).
    bool reached() const { return reached_; }

    /// Seconds left (at least `floor`), for Xapian's own time limit on remote shards.
    double remaining_seconds(double floor) const {
        if (!at_) return 0;
        return std::max(floor, std::chrono::duration<double>(*at_ - Clock::now()).count());
    }

private:
    std::optional<Clock::time_point> at_;
    mutable bool reached_ = false;
};

/// A posting source that matches every document with weight 0 and ends at a deadline:
/// `Query(OP_FILTER, q, Query(source))` is q, except that Xapian's matcher stops when the
/// deadline passes, keeping the best documents it considered. (Xapian 1.4's own
/// Enquire::set_time_limit only stops counting matches beyond the page, check_at_least;
/// it never stops the match itself: see matcher/multimatch.cc.) `stopped` is set when the
/// source ended the match early, which is the exact signal SearchResults::time_limited
/// reports. Local databases only: the remote backend would need it registered with
/// xapian-tcpsrv.
class DeadlineSource : public Xapian::PostingSource {
public:
    DeadlineSource(Deadline::Clock::time_point at, std::shared_ptr<bool> stopped)
        : at_(at), stopped_(std::move(stopped)) {}

    // Every document may match: the estimates are those of "all documents", so that the
    // filter changes neither Xapian's plan nor its match estimates.
    Xapian::doccount get_termfreq_min() const override { return doccount_; }
    Xapian::doccount get_termfreq_est() const override { return doccount_; }
    Xapian::doccount get_termfreq_max() const override { return doccount_; }

    void init(const Xapian::Database& db) override {
        doccount_ = db.get_doccount();
        last_ = db.get_lastdocid();
        current_ = 0;
        calls_ = 0;
    }
    void next(double) override {
        ++current_;
        tick();
    }
    void skip_to(Xapian::docid did, double) override {
        if (did > current_) current_ = did;
        tick();
    }
    bool at_end() const override { return current_ > last_; }
    Xapian::docid get_docid() const override { return current_; }
    Xapian::PostingSource* clone() const override { return new DeadlineSource(at_, stopped_); }
    std::string get_description() const override { return "lupe::searcher::DeadlineSource"; }

private:
    void tick() {
        if (current_ > last_ || ++calls_ % kDeadlineCheckInterval != 0) return;
        if (Deadline::Clock::now() >= at_) {
            *stopped_ = true;
            current_ = last_ + 1;  // at_end(): the match ends here
        }
    }

    Deadline::Clock::time_point at_;
    std::shared_ptr<bool> stopped_;
    Xapian::doccount doccount_ = 0;
    Xapian::docid last_ = 0;
    Xapian::docid current_ = 0;
    unsigned calls_ = 0;
};

/// What the matcher costs at most per posting it may read, as the unbounded-query rule of
/// MatcherDeadline::bounded() counts it: Xapian 1.4 reads, merges and weighs about 10^8
/// postings a second on this project's machine; 20 ns leaves room for a slower one.
inline constexpr double kSecondsPerPosting = 2e-8;
/// How much more a posting costs under a phrase or proximity operator (its positions are
/// read and compared too).
inline constexpr double kPositionalCostFactor = 10;

/// The most the matcher may read for `q` on `db`, in postings (weighted by
/// kPositionalCostFactor under OP_PHRASE and OP_NEAR): every document for each term; nullopt when
/// a leaf's cost is not known from the terms (a posting source, a value range, a wildcard,
/// all documents), which is then taken as unbounded.
std::optional<double> postings_bound(const Xapian::Query& q, const Xapian::Database& db);

/// One search's deadline as Xapian's matcher meets it: when the matcher can be stopped
/// there (every open shard is local: see DeadlineSource), bounded() makes a query stop at
/// it, and stopped() says whether one did.
class MatcherDeadline {
public:
    MatcherDeadline(const Deadline& deadline, bool stoppable, const Xapian::Database& db)
        : deadline_(deadline), stoppable_(stoppable && deadline.set()), db_(db) {}

    /// Whether queries stop at the deadline (it is set, and every shard is local).
    bool stoppable() const { return stoppable_; }

    /// `q`, such that the matcher stops at the deadline (when it can). A query that cannot
    /// take that long is left as it is: when its postings (postings_bound()), read at
    /// kSecondsPerPosting, take less than a quarter of the time left, or number fewer than
    /// kDeadlineCheckInterval (the source would never stop it). That spares the matcher
    /// the AND with the source at every candidate, 6-8% of a search of gesetze-de, for all
    /// but the queries that could run into the limit.
    Xapian::Query bounded(const Xapian::Query& q) const {
        if (!stoppable_) return q;
        if (const auto postings = postings_bound(q, db_)) {
            const double left =
                std::chrono::duration<double>(deadline_.at() - Deadline::Clock::now()).count();
            if (*postings < kDeadlineCheckInterval || *postings * kSecondsPerPosting < left / 4) {
                return q;
            }
        }
        auto* source = new DeadlineSource(deadline_.at(), stopped_);
        return Xapian::Query(Xapian::Query::OP_FILTER, q, Xapian::Query(source->release()));
    }

    /// Whether a bounded query's match ended at the deadline.
    bool stopped() const { return *stopped_; }

private:
    const Deadline& deadline_;
    bool stoppable_;
    const Xapian::Database& db_;
    std::shared_ptr<bool> stopped_ = std::make_shared<bool>(false);
};

}  // namespace lupe::searcher
