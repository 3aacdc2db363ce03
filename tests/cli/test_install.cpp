// Installing lupe and building against the installed package, as a user would: this build
// tree is installed into a temporary prefix with `cmake --install`, the prefix is moved
// elsewhere (an installed package must not depend on where it was installed, nor on the
// build tree), then the examples are built twice, with find_package(lupe)
// (tests/install/CMakeLists.txt) and with `pkg-config --cflags --libs lupe`, and run.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/files.hpp"
#include "support/run_checks.hpp"
#include "support/temp_dir.hpp"
#include "support/process.hpp"

namespace fs = std::filesystem;
using lupe::test::read_file;
using lupe::test::require_ok;
using lupe::test::run;
using lupe::test::TempDir;

namespace {

std::vector<std::string> words(const std::string& text) {
    std::istringstream in(text);
    std::vector<std::string> out;
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}


std::vector<std::string> split(const std::string& list, char sep) {
    std::vector<std::string> out;
    std::istringstream in(list);
    for (std::string item; std::getline(in, item, sep);)
        if (!item.empty()) out.push_back(item);
    return out;
}

// Every file under `dir` whose name passes `wanted`.
template <class Pred>
std::vector<fs::path> files_under(const fs::path& dir, Pred wanted) {
    std::vector<fs::path> out;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file() && wanted(e.path().filename().string())) out.push_back(e.path());
    return out;
}

}  // namespace

TEST_CASE("install: find_package(lupe) and pkg-config lupe both build and run the examples") {
    TempDir tmp;
    // Installed in one place, used from another: the original prefix is removed.
    const std::string installed = tmp / "installed";
    require_ok(run({LUPE_CMAKE, "--install", LUPE_BINARY_DIR, "--prefix", installed}), "cmake --install");
    const std::string prefix = tmp / "moved";
    fs::copy(installed, prefix, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
    fs::remove_all(installed);
    for (const char* f : {"include/lupe/lupe.hpp", "include/lupe/version.hpp", "bin/lupe-index",
                          "bin/lupe-search", "lib/cmake/lupe/lupeConfig.cmake",
                          "lib/cmake/lupe/lupeConfigVersion.cmake", "lib/pkgconfig/lupe.pc"}) {
        CAPTURE(f);
        CHECK(fs::exists(fs::path(prefix) / f));
    }

    // The exported targets name Xapian and CLD2 as imported targets, found again on the
    // user's machine, never as this machine's library paths.
    const auto targets = files_under(fs::path(prefix) / "lib/cmake/lupe", [](const std::string& name) {
        return name.starts_with("lupeTargets") && name.ends_with(".cmake");
    });
    REQUIRE(targets.size() >= 2);
    for (const auto& file : targets) {
        CAPTURE(file.string());
        const std::string text = read_file(file);
        for (const auto& library : split(LUPE_DEPENDENCY_LIBRARIES, '|')) {
            if (!fs::path(library).is_absolute()) continue;  // a static Xapian's -luuid, -lz
            CAPTURE(library);
            CHECK(text.find(library) == std::string::npos);
        }
        CHECK(text.find("libxapian") == std::string::npos);
        CHECK(text.find("libcld2") == std::string::npos);
    }

    // The installed lupe-index finds its PDF extractor (libexec/lupe) in the moved prefix.
    CHECK(fs::exists(fs::path(prefix) / "libexec/lupe/lupe-pdf-extract"));
    const lupe::test::Run pdf = run({prefix + "/bin/lupe-index", "--dry-run", "--jsonl",
                         LUPE_SOURCE_DIR "/tests/fixtures/pdf/titled.pdf"});
    CAPTURE(pdf.err);
    CHECK(pdf.status == 0);
    CHECK(pdf.out.find("\"id\":\"titled.pdf\"") != std::string::npos);

    // An index for the examples, made by the installed tool.
    const std::string index = tmp / "index";
    require_ok(run({prefix + "/bin/lupe-index", "--quiet", "--index", index,
                    LUPE_SOURCE_DIR "/corpus/written"}), "installed lupe-index");

    SUBCASE("find_package") {
        const std::string build = tmp / "consumer";
        // Only the moved prefix to look in: no package registry (where an export(PACKAGE)
        // could point at a build tree).
        std::vector<std::string> configure = {
            LUPE_CMAKE, "-S", LUPE_SOURCE_DIR "/tests/install", "-B", build,
            "-DCMAKE_PREFIX_PATH=" + prefix, "-DCMAKE_BUILD_TYPE=Release",
            "-DCMAKE_CXX_COMPILER=" LUPE_CXX_COMPILER,
            "-DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF", "-DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF"};
        if (std::string(LUPE_CXX_COMPILER_LAUNCHER).size() > 0)
            configure.push_back("-DCMAKE_CXX_COMPILER_LAUNCHER=" LUPE_CXX_COMPILER_LAUNCHER);
        require_ok(run(configure), "configure the consumer");
        require_ok(run({LUPE_CMAKE, "--build", build, "-j2"}), "build the consumer");
        // The consumer found the moved package and compiled and linked nothing of this
        // build tree or of the source tree's headers.
        CHECK(read_file(fs::path(build) / "CMakeCache.txt").find("lupe_DIR:PATH=" + prefix + "/lib/cmake/lupe") != std::string::npos);
        for (const auto& file : files_under(build, [](const std::string& name) {
                 return name == "flags.make" || name == "link.txt";
             })) {
            CAPTURE(file.string());
            const std::string text = read_file(file);
            CHECK(text.find(LUPE_BINARY_DIR) == std::string::npos);
            CHECK(text.find(LUPE_SOURCE_DIR "/include") == std::string::npos);
            CHECK(text.find(installed) == std::string::npos);
        }
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
        // What a static link needs, all of it (for a static liblupe, also without --static).
        const auto static_libs = run({"/usr/bin/pkg-config", "--libs", "--static", "lupe"});
        require_ok(static_libs, "pkg-config --libs --static lupe");
        for (const char* lib : {"-llupe", "-lxapian", "-lcld2", "-lz", "-pthread"}) {
            CAPTURE(lib);
            CHECK(static_libs.out.find(lib) != std::string::npos);
        }
        // The application layer has its own .pc, which brings lupe's: the folder-indexing
        // example (index_sources) builds with it alone.
        const auto app_flags = run({"/usr/bin/pkg-config", "--cflags", "--libs", "lupe-app"});
        require_ok(app_flags, "pkg-config --cflags --libs lupe-app");
        CHECK(app_flags.out.find("-llupe-app") != std::string::npos);
        std::vector<std::string> compile_app = {LUPE_CXX_COMPILER,
                                                LUPE_SOURCE_DIR "/examples/index.cpp", "-o",
                                                tmp / "index-pc"};
        for (const auto& w : words(app_flags.out)) compile_app.push_back(w);
        require_ok(run(compile_app), "compile the index example with pkg-config lupe-app");
        const auto indexer = run({tmp / "index-pc", tmp / "pc-index", LUPE_SOURCE_DIR "/corpus/news"});
        require_ok(indexer, "index example built with pkg-config lupe-app");
        CHECK(indexer.out.find("indexed 3") != std::string::npos);
    }
}
