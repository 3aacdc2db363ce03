// Installing lupe and building against the installed package, as a user would: this build
// tree is installed into a temporary prefix with `cmake --install`, then the examples are
// built twice, with find_package(lupe) (tests/install/CMakeLists.txt) and with
// `pkg-config --cflags --libs lupe`, and run.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "support/temp_dir.hpp"
#include "support/process.hpp"

namespace fs = std::filesystem;
using lupe::test::run;
using lupe::test::TempDir;

namespace {

std::vector<std::string> words(const std::string& text) {
    std::istringstream in(text);
    std::vector<std::string> out;
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

void require_ok(const lupe::test::Run& r, const char* what) {
    INFO(what << "\nstdout: " << r.out << "\nstderr: " << r.err);
    REQUIRE(r.status == 0);
}

}  // namespace

TEST_CASE("install: find_package(lupe) and pkg-config lupe both build and run the examples") {
    TempDir tmp;
    const std::string prefix = tmp / "prefix";
    require_ok(run({LUPE_CMAKE, "--install", LUPE_BINARY_DIR, "--prefix", prefix}), "cmake --install");
    for (const char* f : {"include/lupe/lupe.hpp", "include/lupe/version.hpp", "bin/lupe-index",
                          "bin/lupe-search", "lib/cmake/lupe/lupeConfig.cmake",
                          "lib/cmake/lupe/lupeConfigVersion.cmake", "lib/pkgconfig/lupe.pc"}) {
        CAPTURE(f);
        CHECK(fs::exists(fs::path(prefix) / f));
    }

    // An index for the examples, made by the installed tool.
    const std::string index = tmp / "index";
    require_ok(run({prefix + "/bin/lupe-index", "--quiet", "--index", index,
                    LUPE_SOURCE_DIR "/corpus/written"}), "installed lupe-index");

    SUBCASE("find_package") {
        const std::string build = tmp / "consumer";
        require_ok(run({LUPE_CMAKE, "-S", LUPE_SOURCE_DIR "/tests/install", "-B", build,
                        "-DCMAKE_PREFIX_PATH=" + prefix, "-DCMAKE_BUILD_TYPE=Release"}),
                   "configure the consumer");
        require_ok(run({LUPE_CMAKE, "--build", build, "-j2"}), "build the consumer");
        const auto search = run({build + "/search", index, "Trainer"});
        require_ok(search, "search example");
        CHECK(search.out.find("[fussballtrainer.md, de]") != std::string::npos);
        const auto embed = run({build + "/embed", tmp / "embed-index"});
        require_ok(embed, "embed example");
        CHECK(embed.out.find("[Drohne]") != std::string::npos);
        const auto threaded = run({build + "/threaded_search", index, "Trainer", "Drohne", "Cafe"});
        require_ok(threaded, "threaded example");
        CHECK(threaded.out.find("disagreements: 0") != std::string::npos);
        const auto indexer = run({build + "/index", tmp / "own-index", LUPE_SOURCE_DIR "/corpus/news"});
        require_ok(indexer, "index example");
        CHECK(indexer.out.find("indexed 3") != std::string::npos);
    }

    SUBCASE("pkg-config") {
        ::setenv("PKG_CONFIG_PATH", (prefix + "/lib/pkgconfig").c_str(), 1);
        const auto flags = run({"/usr/bin/pkg-config", "--cflags", "--libs", "lupe"});
        require_ok(flags, "pkg-config --cflags --libs lupe");
        std::vector<std::string> compile = {LUPE_CXX_COMPILER, LUPE_SOURCE_DIR "/examples/search.cpp",
                                            "-o", tmp / "search-pc"};
        for (const auto& w : words(flags.out)) compile.push_back(w);
        require_ok(run(compile), "compile with pkg-config flags");
        const auto search = run({tmp / "search-pc", index, "Drohne"});
        require_ok(search, "search example built with pkg-config");
        CHECK(search.out.find("[drohnenhersteller.md, de]") != std::string::npos);
    }
}
