// lupe built from source inside another CMake project, as an embedder pulls it in: with
// add_subdirectory (configured, built and run) and with FetchContent from this source tree
// (configured). Either way lupe must add only its library: no tools, tests, examples, docs
// target or install rules, and it must leave the embedding project's build type alone.
// The project that embeds it is tests/install/subproject/CMakeLists.txt; it writes what it
// saw to embedding.txt.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/process.hpp"
#include "support/files.hpp"
#include "support/run_checks.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using lupe::test::read_file;
using lupe::test::require_ok;
using lupe::test::run;
using lupe::test::TempDir;

namespace {


// Configure the embedding project; no CMAKE_BUILD_TYPE, so that one forced by lupe shows.
void configure(const std::string& build, const std::string& via) {
    std::vector<std::string> args = {LUPE_CMAKE, "-S", LUPE_SOURCE_DIR "/tests/install/subproject",
                                     "-B", build, "-DLUPE_SOURCE_DIR=" LUPE_SOURCE_DIR,
                                     "-DLUPE_VIA=" + via,
                                     "-DCMAKE_CXX_COMPILER=" LUPE_CXX_COMPILER,
                                     // as this build: a unity build compiles faster
                                     "-DLUPE_UNITY_BUILD=" LUPE_UNITY_BUILD};
    // Reuse the compiler cache of this build when it has one (ccache): paths under the
    // temporary directory are then rewritten relative, so that a second run hits.
    if (std::string(LUPE_CXX_COMPILER_LAUNCHER).size() > 0) {
        args.push_back("-DCMAKE_CXX_COMPILER_LAUNCHER=" LUPE_CXX_COMPILER_LAUNCHER);
        ::setenv("CCACHE_BASEDIR", fs::temp_directory_path().c_str(), 1);
    }
    require_ok(run(args), "configure the embedding project");
}

// What lupe left in the embedding project: only its library, and no build type.
void check_embedded_quietly(const std::string& build) {
    const std::string report = read_file(fs::path(build) / "embedding.txt");
    INFO("embedding.txt:\n" << report);
    CHECK(report.find("target ") == std::string::npos);
    CHECK(report.find("build type: '' cache: ''") != std::string::npos);
}

}  // namespace

TEST_CASE("embedding: add_subdirectory builds lupe's library only, and it works") {
    TempDir tmp;
    const std::string build = tmp / "build";
    configure(build, "add_subdirectory");
    check_embedded_quietly(build);

    require_ok(run({LUPE_CMAKE, "--build", build, "-j2"}), "build the embedding project");
    const auto embed = run({build + "/embed", tmp / "index"});
    require_ok(embed, "the embedding project's program");
    CHECK(embed.out.find("[Drohne]") != std::string::npos);

    // No install rules of lupe's: installing the embedding project installs nothing.
    const std::string prefix = tmp / "prefix";
    require_ok(run({LUPE_CMAKE, "--install", build, "--prefix", prefix}), "cmake --install");
    CHECK((!fs::exists(prefix) || fs::is_empty(prefix)));
}

TEST_CASE("embedding: FetchContent with this source tree configures lupe's library only") {
    TempDir tmp;
    const std::string build = tmp / "build";
    configure(build, "FetchContent");
    check_embedded_quietly(build);
}
