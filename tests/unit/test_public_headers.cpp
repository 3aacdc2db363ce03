// The installed API: every header in include/lupe/ compiles on its own, and none of them
// includes a Xapian header (Xapian is a private detail of liblupe).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;

namespace {

std::vector<fs::path> public_headers() {
    std::vector<fs::path> headers;
    for (const auto& e : fs::directory_iterator(fs::path(LUPE_SOURCE_DIR) / "include/lupe")) {
        const auto name = e.path().filename().string();
        if (name.ends_with(".hpp") || name.ends_with(".hpp.in")) headers.push_back(e.path());
    }
    std::sort(headers.begin(), headers.end());
    return headers;
}

}  // namespace

TEST_CASE("public headers include no Xapian header") {
    const std::regex xapian_include(R"(#\s*include\s*[<"]xapian)");
    const auto headers = public_headers();
    REQUIRE(headers.size() >= 10);
    for (const auto& h : headers) {
        CAPTURE(h.string());
        std::ifstream in(h);
        std::stringstream text;
        text << in.rdbuf();
        CHECK_FALSE(std::regex_search(text.str(), xapian_include));
        CHECK(text.str().find("Xapian::") == std::string::npos);
    }
}

TEST_CASE("each public header compiles on its own") {
    lupe::test::TempDir dir;
    for (const auto& h : public_headers()) {
        std::string name = h.filename().string();
        if (name.ends_with(".in")) name.resize(name.size() - 3);  // the configured copy
        CAPTURE(name);
        const std::string tu = dir.write(name + ".cpp", "#include \"lupe/" + name + "\"\n#include \"lupe/" + name + "\"\n");
        const auto r = lupe::test::run({LUPE_CXX_COMPILER, "-std=c++20", "-fsyntax-only", "-Wall",
                                        "-Wextra", "-I" LUPE_SOURCE_DIR "/include",
                                        "-I" LUPE_BINARY_DIR "/include", tu});
        INFO(r.err);
        CHECK(r.status == 0);
    }
}
