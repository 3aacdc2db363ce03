// The shipped corpus (corpus/), indexed once per test program by the real lupe-index, for
// the end-to-end tests that only search it. Needs LUPE_CORPUS_DIR and LUPE_INDEX_BIN.
#pragma once

#include <stdexcept>
#include <string>

#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace lupe::test {

/// The path of the corpus index, built on first use (lupe-index --quiet, default options)
/// and removed when the program ends. Throws when indexing fails: every test that uses it
/// then fails with the reason.
inline const std::string& corpus_index() {
    struct CorpusIndex {
        TempDir dir;
        std::string path = dir / "index";
        CorpusIndex() {
            const Run r = lupe_index({"--index", path, LUPE_CORPUS_DIR, "--quiet"});
            if (r.status != 0) {
                throw std::runtime_error("indexing the corpus failed (status " +
                                         std::to_string(r.status) + "): " + r.err);
            }
        }
    };
    static const CorpusIndex index;
    return index.path;
}

}  // namespace lupe::test
