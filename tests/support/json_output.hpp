// lupe-search --json and lupe-index --json as the end-to-end tests read them. Needs
// LUPE_SEARCH_BIN (process.hpp).
#pragma once

#include <set>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "support/process.hpp"

namespace lupe::test {

/// `text` parsed as JSON; the test requires it to be JSON.
inline nlohmann::json parse_json(const std::string& text) {
    INFO("output: " << text);
    nlohmann::json j;
    REQUIRE_NOTHROW(j = nlohmann::json::parse(text));
    return j;
}

/// A run's stdout parsed as JSON; the test requires it to be JSON (stdout and stderr are
/// shown when it is not).
inline nlohmann::json parse_json(const Run& r) {
    INFO("stdout: " << r.out);
    INFO("stderr: " << r.err);
    nlohmann::json j;
    REQUIRE_NOTHROW(j = nlohmann::json::parse(r.out));
    return j;
}

/// The ids of lupe-search --json's results, in rank order.
inline std::vector<std::string> result_ids(const nlohmann::json& j) {
    std::vector<std::string> ids;
    for (const auto& r : j.at("results")) ids.push_back(r.at("id").get<std::string>());
    return ids;
}

/// The ids of lupe-search --json's results, as a set.
inline std::set<std::string> result_id_set(const nlohmann::json& j) {
    const auto ids = result_ids(j);
    return {ids.begin(), ids.end()};
}

/// lupe-search --json ARGS: requires exit status 0 (results) or 1 (none), JSON on stdout,
/// and the status to say whether the page has results.
inline nlohmann::json search_json(const std::vector<std::string>& args) {
    std::vector<std::string> all = {"--json"};
    all.insert(all.end(), args.begin(), args.end());
    const Run r = lupe_search(all);
    INFO("command: lupe-search " << describe(all));
    INFO("stderr: " << r.err);
    REQUIRE((r.status == 0 || r.status == 1));
    nlohmann::json j = parse_json(r);
    CHECK(r.status == (j.at("results").empty() ? 1 : 0));
    return j;
}

}  // namespace lupe::test
