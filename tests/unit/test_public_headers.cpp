// The installed API: every header in include/lupe/ (the engine) and apps/include/lupe/app/
// (the application layer) compiles on its own, and none of them includes a Xapian header
// (Xapian is a private detail of liblupe).
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;

namespace {

// Each public header with the name it is included by ("lupe/searcher.hpp",
// "lupe/app/output.hpp").
std::vector<std::pair<fs::path, std::string>> public_headers() {
    std::vector<std::pair<fs::path, std::string>> headers;
    const std::pair<fs::path, std::string> folders[] = {
        {fs::path(LUPE_SOURCE_DIR) / "include/lupe", "lupe/"},
        {fs::path(LUPE_SOURCE_DIR) / "apps/include/lupe/app", "lupe/app/"}};
    for (const auto& [folder, prefix] : folders) {
        for (const auto& e : fs::directory_iterator(folder)) {
            std::string name = e.path().filename().string();
            if (!name.ends_with(".hpp") && !name.ends_with(".hpp.in")) continue;
            if (name.ends_with(".in")) name.resize(name.size() - 3);  // the configured copy
            headers.emplace_back(e.path(), prefix + name);
        }
    }
    std::sort(headers.begin(), headers.end());
    return headers;
}

}  // namespace

TEST_CASE("public headers include no Xapian header") {
    const std::regex xapian_include(R"(#\s*include\s*[<"]xapian)");
    const auto headers = public_headers();
    REQUIRE(headers.size() >= 12);
    for (const auto& [h, name] : headers) {
        CAPTURE(name);
        std::ifstream in(h);
        std::stringstream text;
        text << in.rdbuf();
        CHECK_FALSE(std::regex_search(text.str(), xapian_include));
        CHECK(text.str().find("Xapian::") == std::string::npos);
    }
}

TEST_CASE("each public header compiles on its own") {
    lupe::test::TempDir dir;
    for (const auto& [h, name] : public_headers()) {
        CAPTURE(name);
        std::string file = name;
        std::replace(file.begin(), file.end(), '/', '_');
        const std::string tu = dir.write(file + ".cpp", "#include \"" + name + "\"\n#include \"" + name + "\"\n");
        const auto r = lupe::test::run({LUPE_CXX_COMPILER, "-std=c++20", "-fsyntax-only", "-Wall",
                                        "-Wextra", "-I" LUPE_SOURCE_DIR "/include",
                                        "-I" LUPE_BINARY_DIR "/include",
                                        "-I" LUPE_SOURCE_DIR "/apps/include", tu});
        INFO(r.err);
        CHECK(r.status == 0);
    }
}
