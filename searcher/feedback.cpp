#include "searcher/feedback.hpp"

#include <string>
#include <vector>

namespace lupe::searcher {

bool StemTermsOnly::operator()(const std::string& term) const {
    return term.size() > 2 && term[0] == 'Z';
}

Xapian::Query expand_query(Xapian::Enquire& enquire, const Xapian::Query& query,
                           const SearchOptions& options, const MatcherDeadline& matcher) {
    enquire.set_query(matcher.bounded(query));
    const Xapian::MSet top =
        enquire.get_mset(0, static_cast<Xapian::doccount>(options.feedback_documents));
    if (top.empty()) return query;
    Xapian::RSet rset;
    for (auto it = top.begin(); it != top.end(); ++it) rset.add_document(*it);
    const StemTermsOnly decider;
    const Xapian::ESet eset = enquire.get_eset(
        static_cast<Xapian::termcount>(options.feedback_terms), rset, &decider);
    std::vector<Xapian::Query> terms;
    for (auto it = eset.begin(); it != eset.end(); ++it) terms.emplace_back(*it);
    if (terms.empty()) return query;
    const Xapian::Query extra(Xapian::Query::OP_OR, terms.begin(), terms.end());
    return Xapian::Query(Xapian::Query::OP_OR, query,
                         Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, extra,
                                       options.feedback_weight));
}

}  // namespace lupe::searcher
