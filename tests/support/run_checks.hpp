// Checks on a finished child process (support/process.hpp) for tests that run tools other
// than lupe's own (cmake, a compiler, pkg-config): the test stops with everything the
// process printed when it failed.
#pragma once

#include <doctest/doctest.h>

#include "support/process.hpp"

namespace lupe::test {

/// REQUIRE that `r` exited 0; `what` names the step in the failure message.
inline void require_ok(const Run& r, const char* what) {
    INFO(what << "\nstdout: " << r.out << "\nstderr: " << r.err);
    REQUIRE(r.status == 0);
}

}  // namespace lupe::test
