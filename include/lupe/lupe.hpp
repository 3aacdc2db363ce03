/// @file lupe.hpp
/// @brief Everything lupe offers: include this one header.
///
/// @code
/// lupe::IndexWriter writer("my-index");
/// writer.add_document({.id = "1", .title = "Drohnen", .body = "Eine Drohne mit Rundumsicht"});
/// writer.commit();
/// lupe::Searcher searcher("my-index");
/// for (const auto& hit : searcher.search("drohne").results) std::cout << hit.title << '\n';
/// @endcode
#pragma once

#include "lupe/document.hpp"
#include "lupe/error.hpp"
#include "lupe/index_writer.hpp"
#include "lupe/results.hpp"
#include "lupe/searcher.hpp"
#include "lupe/shards.hpp"
#include "lupe/utf8.hpp"
#include "lupe/version.hpp"
