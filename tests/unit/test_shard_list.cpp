// format/shard_list: reading the file that names the shards one search reads together
// (`auto DIR`, `remote HOST:PORT`, `tcp://HOST:PORT`, comments and blank lines), and the
// errors for a list that cannot be read or is not one, naming the file and the line.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "format/shard_list.hpp"
#include "lupe/error.hpp"
#include "support/temp_dir.hpp"
#include "support/text.hpp"

using lupe::format::read_shard_list;
using lupe::format::ShardSpec;
using lupe::test::TempDir;
using lupe::test::has;

namespace {

// The message of the error that reading `file` throws, "" when it throws none.
template <typename E>
std::string error_of(const std::string& file) {
    try {
        read_shard_list(file);
    } catch (const E& e) {
        return e.what();
    }
    return {};
}

}  // namespace

TEST_CASE("shard list: local, remote and tcp:// shards in order, with their lines") {
    TempDir dir;
    const std::string list = dir.write("idx/shards.list",
                                       "# three shards\n"
                                       "\n"
                                       "auto shard-0\n"
                                       "   remote 10.0.0.7:33333  \n"
                                       "\t# an indented comment\n"
                                       "tcp://search.example.org:8100\n"
                                       "auto\t/srv/lupe/shard-2\n");
    const std::vector<ShardSpec> shards = read_shard_list(list);
    REQUIRE(shards.size() == 4);

    const std::string base = (dir.path() / "idx").string();
    CHECK_FALSE(shards[0].remote);
    CHECK(shards[0].path == base + "/shard-0");  // relative to the list's directory
    CHECK(shards[0].name == shards[0].path);
    CHECK(shards[0].line == 3);  // comments and blank lines count as lines

    CHECK(shards[1].remote);
    CHECK(shards[1].host == "10.0.0.7");
    CHECK(shards[1].port == 33333);
    CHECK(shards[1].name == "tcp://10.0.0.7:33333");
    CHECK(shards[1].path.empty());
    CHECK(shards[1].line == 4);

    // tcp:// is lupe's own spelling of `remote` (how messages name a remote shard).
    CHECK(shards[2].remote);
    CHECK(shards[2].host == "search.example.org");
    CHECK(shards[2].port == 8100);
    CHECK(shards[2].name == "tcp://search.example.org:8100");
    CHECK(shards[2].line == 6);

    CHECK_FALSE(shards[3].remote);  // a tab separates the kind too
    CHECK(shards[3].path == "/srv/lupe/shard-2");  // absolute: kept
    CHECK(shards[3].line == 7);
}

TEST_CASE("shard list: relative paths are normalised against the list's directory") {
    TempDir dir;
    const std::string list =
        dir.write("a/b/list", "auto ../c/./d/\nauto ./e\nauto /x/../y\nremote [::1]:7000\n");
    const auto shards = read_shard_list(list);
    REQUIRE(shards.size() == 4);
    CHECK(shards[0].path == (dir.path() / "a/c/d/").string());
    CHECK(shards[1].path == (dir.path() / "a/b/e").string());
    CHECK(shards[2].path == "/y");
    // The port is what follows the last colon: an IPv6 address in brackets is the host.
    CHECK(shards[3].host == "[::1]");
    CHECK(shards[3].port == 7000);
}

TEST_CASE("shard list: CRLF line ends are read like LF") {
    TempDir dir;
    const auto shards = read_shard_list(dir.write("list", "auto one\r\nremote h:1\r\n"));
    REQUIRE(shards.size() == 2);
    CHECK(shards[0].path == dir / "one");
    CHECK(shards[1].port == 1);
    CHECK(shards[1].host == "h");
}

TEST_CASE("shard list: a list that cannot be read is an IoError naming it") {
    TempDir dir;
    const std::string missing = dir / "no-such.list";
    const std::string message = error_of<lupe::IoError>(missing);
    CHECK(message == "shard list " + missing + ": cannot read: No such file or directory");
}

TEST_CASE("shard list: a list without shards names the file") {
    TempDir dir;
    for (const char* text : {"", "\n\n", "# only a comment\n   \n"}) {
        CAPTURE(text);
        const std::string list = dir.write("empty.list", text);
        CHECK(error_of<lupe::IndexCorruptError>(list) ==
              list + ": neither a lupe index nor a shard list (it names no shard: one "
                     "`auto DIR` or `remote HOST:PORT` per line)");
    }
}

TEST_CASE("shard list: a garbled first shard line says the file is no shard list, with the line") {
    TempDir dir;
    // A document given in place of an index: its first line is no shard line.
    const std::string list = dir.write("notes.md", "# Title\n\nSome text about shards.\n");
    CHECK(error_of<lupe::IndexCorruptError>(list) ==
          list + ": neither a lupe index nor a shard list (line 3 is not `auto DIR`, "
                 "`remote HOST:PORT` or `tcp://HOST:PORT`)");
}

TEST_CASE("shard list: a garbled line after a shard names FILE:LINE and what is wrong") {
    TempDir dir;
    struct Case {
        const char* line;
        const char* why;
    };
    const Case cases[] = {
        {"local shard-1", "unknown kind \"local\""},
        {"auto", "\"auto\" names no shard"},
        {"auto   ", "\"auto\" names no shard"},
        {"remote host", "\"host\" is not HOST:PORT (a program, `remote :PROG`, is not supported)"},
        {"remote :xapian-progsrv", "\":xapian-progsrv\" is not HOST:PORT (a program, "
                                   "`remote :PROG`, is not supported)"},
        {"remote host:0", "\"0\" is not a port (1..65535)"},
        {"remote host:65536", "\"65536\" is not a port (1..65535)"},
        {"remote host:80x", "\"80x\" is not a port (1..65535)"},
        {"remote host:", "\"\" is not a port (1..65535)"},
        {"remote host:-1", "\"-1\" is not a port (1..65535)"},
        {"tcp://host", "\"host\" is not HOST:PORT (a program, `remote :PROG`, is not supported)"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.line);
        const std::string list =
            dir.write("bad.list", std::string("auto good\n# comment\n") + c.line + "\n");
        CHECK(error_of<lupe::IndexCorruptError>(list) ==
              "shard list " + list + ":3: " + c.why +
                  " (expected `auto DIR`, `remote HOST:PORT` or `tcp://HOST:PORT`)");
    }
}

TEST_CASE("shard list: the largest port is accepted") {
    TempDir dir;
    const auto shards = read_shard_list(dir.write("list", "remote h:65535\n"));
    REQUIRE(shards.size() == 1);
    CHECK(shards[0].port == 65535);
}

TEST_CASE("shard list: more shards than an index may have is an error at the first one too many") {
    TempDir dir;
    std::string text;
    for (int i = 0; i < 1025; ++i) text += "auto shard-" + std::to_string(i) + "\n";
    const std::string list = dir.write("big.list", text);
    const std::string message = error_of<lupe::IndexCorruptError>(list);
    CHECK(has(message, "shard list " + list + ":1025: more than 1024 shards"));

    text.resize(text.rfind("auto shard-1024\n"));  // 1024 shards: the most there may be
    CHECK(read_shard_list(dir.write("big.list", text)).size() == 1024);
}
