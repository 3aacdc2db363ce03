// The search page in a real browser: headless Chromium driven by chromedriver over the W3C
// WebDriver protocol (JSON over loopback), on lupe-serve serving corpus/ plus documents
// written here, one of them with a hostile title. One lupe-serve, one chromedriver and one
// browser session serve every case; all are stopped by pid at the end, even on failure.
//
// With LUPE_SCREENSHOT_DIR set, the last case also saves the README's screenshots there
// (serve-{light,dark}-{desktop,phone}.png; docs/images/ holds the committed ones).
#include <doctest/doctest.h>

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/files.hpp"
#include "support/http_client.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

using json = nlohmann::json;
using lupe::test::Child;
using lupe::test::Clock;
using lupe::test::HttpConnection;
using lupe::test::HttpResponse;
using lupe::test::TempDir;

namespace {

constexpr const char* kChromium = "/usr/bin/chromium";
constexpr const char* kChromedriver = "/usr/bin/chromedriver";
constexpr std::string_view kHostileTitle = "<script>alert(1)</script><img src=x onerror=alert(2)>";
/// W3C WebDriver's key of an element reference in JSON.
constexpr const char* kElementKey = "element-6066-11e4-a52e-4f735466cecf";
/// How long to wait for the page to reach a state (a deadline, not a speed check: the
/// machine is shared and noisy, and a page that never gets there fails either way).
constexpr auto kWait = std::chrono::seconds(45);

/// The documents of the test, next to corpus/: "zorblax" is a word of theirs alone.
constexpr std::string_view kFixtureJsonl =
    R"jsonl({"id":"zorblax-hostile","title":"<script>alert(1)</script><img src=x onerror=alert(2)>","body":"The zorblax survey counted the birds at the lake.","lang":"en","date":"2021-03-01","url":"javascript:alert(3)","source":"Fixture Wire"}
{"id":"zorblax-spring","title":"Zorblax sightings rise in spring","body":"More zorblax were seen this spring than in any year before.","lang":"en","date":"2021-06-10","url":"https://example.org/zorblax-spring","source":"Fixture Wire"}
{"id":"zorblax-colony","title":"A zorblax colony found by the river","body":"Walkers found a zorblax colony of forty nests by the river.","lang":"en","date":"2022-01-05","url":"https://example.org/zorblax-colony","source":"Lake Times"}
{"id":"zorblax-kolonie","title":"Zorblax-Kolonie am See entdeckt","body":"Spaziergänger haben am See eine Kolonie der Zorblax gefunden.","lang":"de","date":"2022-02-01","url":"https://example.org/zorblax-kolonie","source":"Seebote"}
{"id":"zorblax-migration","title":"Where the zorblax go in winter","body":"The zorblax migration follows the coast to the south.","lang":"en","date":"2023-11-20","url":"https://example.org/zorblax-migration","source":"Lake Times"}
)jsonl";

std::uint16_t free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error("socket failed");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof addr;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length) != 0) {
        ::close(fd);
        throw std::runtime_error("bind to a free port failed");
    }
    ::close(fd);
    return ntohs(addr.sin_port);
}

/// One HTTP request with an optional JSON body, on a new connection.
HttpResponse request(std::uint16_t port, const std::string& method, const std::string& target,
                     const std::string& body = {}) {
    HttpConnection connection(port);
    std::string head = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    if (method == "POST") {
        head += "Content-Type: application/json; charset=utf-8\r\nContent-Length: " +
                std::to_string(body.size()) + "\r\n";
    }
    connection.send(head + "\r\n" + body);
    return connection.read_response(60);
}

/// A lupe-serve process: started on port 0, its port read from the line it prints.
struct Server {
    std::unique_ptr<Child> child;
    std::uint16_t port = 0;

    Server(const std::string& index, const std::string& err_file) {
        child = std::make_unique<Child>(
            std::vector<std::string>{LUPE_SERVE_BIN, "--index", index, "--listen", "127.0.0.1:0"},
            std::string(), err_file);
        const std::string marker = "lupe-serve: listening on http://127.0.0.1:";
        const auto deadline = Clock::now() + kWait;
        while (Clock::now() < deadline) {
            const std::string err = child->err();
            if (const auto at = err.find(marker); at != std::string::npos) {
                port = static_cast<std::uint16_t>(std::stoi(err.substr(at + marker.size())));
                return;
            }
            if (child->poll()) throw std::runtime_error("lupe-serve ended: " + err);
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        throw std::runtime_error("lupe-serve did not say it listens: " + child->err());
    }
    ~Server() {
        if (child && !child->poll()) {
            ::kill(child->pid(), SIGTERM);
            if (!child->wait_until(Clock::now() + std::chrono::seconds(10))) child->kill_and_wait();
        }
    }
};

/// chromedriver and one browser session. The destructor ends the session (the browser
/// quits) and then chromedriver, by pid.
class Browser {
public:
    explicit Browser(const TempDir& dir) {
        port_ = free_port();
        driver_ = std::make_unique<Child>(
            std::vector<std::string>{kChromedriver, "--port=" + std::to_string(port_)},
            dir / "chromedriver.out", dir / "chromedriver.err");
        const auto deadline = Clock::now() + kWait;
        for (;;) {
            try {
                const auto status = request(port_, "GET", "/status");
                if (status.status == 200 && json::parse(status.body)["value"].value("ready", false)) break;
            } catch (const std::exception&) {
                // not listening yet
            }
            if (driver_->poll() || Clock::now() > deadline) {
                throw std::runtime_error("chromedriver did not start: " + driver_->err());
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        const json capabilities = {
            {"capabilities",
             {{"alwaysMatch",
               {{"browserName", "chrome"},
                {"unhandledPromptBehavior", "ignore"},
                {"goog:chromeOptions",
                 {{"binary", kChromium},
                  {"args",
                   {"--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                    "--user-data-dir=" + (dir / "chromium-profile")}}}}}}}}};
        const json created = call("POST", "/session", capabilities, false);
        session_ = created.at("sessionId").get<std::string>();
    }
    ~Browser() {
        if (!session_.empty()) {
            try {
                request(port_, "DELETE", "/session/" + session_);
            } catch (const std::exception&) {
                // chromedriver is stopped next in any case
            }
        }
        if (driver_ && !driver_->poll()) {
            ::kill(driver_->pid(), SIGTERM);
            if (!driver_->wait_until(Clock::now() + std::chrono::seconds(10))) driver_->kill_and_wait();
        }
    }
    Browser(const Browser&) = delete;
    Browser& operator=(const Browser&) = delete;

    /// A WebDriver command: its "value", or an exception naming the error.
    json call(const std::string& method, const std::string& path, const json& body = json::object(),
              bool in_session = true) {
        const std::string target = in_session ? "/session/" + session_ + path : path;
        const auto response = request(port_, method, target, method == "POST" ? body.dump() : "");
        json parsed;
        try {
            parsed = json::parse(response.body);
        } catch (const json::exception&) {
            throw std::runtime_error(method + " " + path + ": status " + std::to_string(response.status) +
                                     ", not JSON: " + response.body.substr(0, 300));
        }
        if (response.status != 200) {
            throw std::runtime_error(method + " " + path + ": " + parsed.dump().substr(0, 600));
        }
        return parsed.contains("value") ? parsed["value"] : parsed;
    }

    void go(const std::string& url) { call("POST", "/url", {{"url", url}}); }
    json script(const std::string& code, const json& args = json::array()) {
        return call("POST", "/execute/sync", {{"script", code}, {"args", args}});
    }
    std::string element(const std::string& css) {
        return call("POST", "/element", {{"using", "css selector"}, {"value", css}})[kElementKey].get<std::string>();
    }
    void click(const std::string& css) { call("POST", "/element/" + element(css) + "/click"); }
    void type(const std::string& css, const std::string& text) {
        call("POST", "/element/" + element(css) + "/value", {{"text", text}});
    }
    /// Wait until `condition` (a JavaScript expression) is true in the page.
    void wait_for(const std::string& condition) {
        const auto deadline = Clock::now() + kWait;
        while (Clock::now() < deadline) {
            if (script("return !!(" + condition + ");").get<bool>()) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        FAIL("the page never reached: " << condition << "\nits URL: " << script("return location.href;").dump());
    }
    void cdp(const std::string& command, const json& params) {
        call("POST", "/goog/cdp/execute", {{"cmd", command}, {"params", params}});
    }
    std::string screenshot_png() {
        return base64_decode(call("GET", "/screenshot").get<std::string>());
    }

private:
    static std::string base64_decode(const std::string& text) {
        std::string out;
        unsigned value = 0;
        int bits = -8;
        for (const char c : text) {
            int digit;
            if (c >= 'A' && c <= 'Z') digit = c - 'A';
            else if (c >= 'a' && c <= 'z') digit = c - 'a' + 26;
            else if (c >= '0' && c <= '9') digit = c - '0' + 52;
            else if (c == '+') digit = 62;
            else if (c == '/') digit = 63;
            else continue;
            value = (value << 6) | static_cast<unsigned>(digit);
            bits += 6;
            if (bits >= 0) {
                out += static_cast<char>((value >> bits) & 0xFF);
                bits -= 8;
            }
        }
        return out;
    }

    std::uint16_t port_ = 0;
    std::unique_ptr<Child> driver_;
    std::string session_;
};

/// Everything the cases share, made once: the index, lupe-serve, the browser.
struct Setup {
    TempDir dir;
    std::string index = dir / "index";
    std::unique_ptr<Server> server;
    std::unique_ptr<Browser> browser;

    Setup() {
        if (!std::filesystem::exists(kChromium) || !std::filesystem::exists(kChromedriver)) {
            throw std::runtime_error(std::string("the browser test needs ") + kChromium + " and " +
                                     kChromedriver + " (Debian's chromium and chromium-driver): "
                                     "install them with contrib/install-deps.sh");
        }
        // The browser starts (seconds) while the index is built.
        auto starting = std::async(std::launch::async, [this] { return std::make_unique<Browser>(dir); });
        dir.write("fixtures/zorblax.jsonl", kFixtureJsonl);
        const auto indexed = lupe::test::lupe_index({"--index", index, LUPE_CORPUS_DIR, dir / "fixtures", "--quiet"});
        browser = starting.get();
        if (indexed.status != 0) throw std::runtime_error("lupe-index failed: " + indexed.err);
        server = std::make_unique<Server>(index, dir / "serve.err");
    }
    ~Setup() {
        browser.reset();  // the browser first: it may still be asking the server
        server.reset();
    }
    std::string url(const std::string& target) const {
        return "http://127.0.0.1:" + std::to_string(server->port) + target;
    }
};

Setup& setup() {
    static Setup s;
    return s;
}

/// The ids of the results on the page, in order.
std::vector<std::string> result_ids(Browser& browser) {
    return browser.script("return Array.from(document.querySelectorAll('.results .result'), r => r.dataset.id);")
        .get<std::vector<std::string>>();
}

std::size_t count_of(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
    return n;
}

}  // namespace

// One test case, so that ctest runs one process: one lupe-serve and one browser for all.
// Each subcase starts from a page of its own.
TEST_CASE("browser: the search page") {
    auto& s = setup();
    auto& b = *s.browser;
    // Records alerts from here on (one during a page load would open a dialog, and the
    // next WebDriver command would fail); a reload would lose the marker.
    const std::string spy = "window.__alerts = []; window.alert = (m) => { window.__alerts.push(String(m)); };"
                            "window.__sameDocument = true;";

    SUBCASE("the page renders results for a query") {
        b.go(s.url("/?q=zorblax"));
        b.wait_for("document.querySelectorAll('.results .result').length === 5");
        CHECK(b.script("return document.querySelectorAll('.result .snippet mark').length;").get<int>() >= 5);
        // Every title but the hostile one has the word.
        CHECK(b.script("return document.querySelectorAll('.result .title mark').length;").get<int>() >= 4);
        CHECK(b.script("return document.querySelector('.status .total').textContent;").get<std::string>() == "5");
        CHECK(b.script("return document.getElementById('q').value;").get<std::string>() == "zorblax");
    }

    SUBCASE("typing updates the results and the URL without a reload") {
        b.go(s.url("/?q=zorblax"));
        b.wait_for("document.querySelectorAll('.results .result').length === 5");
        b.script(spy);
        b.type("#q", " colony");
        b.wait_for("location.search.includes('q=zorblax+colony')");
        b.wait_for("document.querySelector('.results .result') && "
                   "document.querySelector('.results .result').dataset.id === 'zorblax-colony'");
        CHECK(b.script("return window.__sameDocument === true;").get<bool>());
        CHECK(b.script("return document.title;").get<std::string>() == "zorblax colony – lupe");
        // The script marks the title's words from the answer's title_highlights (once the
        // answer to the whole query is in: one to a shorter prefix of it may show first).
        b.wait_for("document.querySelectorAll('.result[data-id=\"zorblax-colony\"] .title mark').length === 2");
        CHECK(b.script("return Array.from(document.querySelectorAll('.result[data-id=\"zorblax-colony\"] .title mark'),"
                       " m => m.textContent).join(',');").get<std::string>() == "zorblax,colony");
        CHECK(b.script("return document.querySelector('.result[data-id=\"zorblax-colony\"] .title').textContent;")
                  .get<std::string>() == "A zorblax colony found by the river");
    }

    SUBCASE("a facet click narrows the results to the count it showed") {
        b.go(s.url("/?q=zorblax"));
        b.wait_for("document.querySelector('.facet[data-facet=\"year\"] a[data-value=\"2021\"]')");
        b.script(spy);
        const std::string shown =
            b.script("return document.querySelector('.facet[data-facet=\"year\"] a[data-value=\"2021\"] .count').textContent;")
                .get<std::string>();
        CHECK(shown == "2");
        b.click(".facet[data-facet=\"year\"] a[data-value=\"2021\"]");
        b.wait_for("location.search.includes('year=2021')");
        b.wait_for("document.querySelectorAll('.results .result').length === 2");
        CHECK(b.script("return document.querySelector('.status .total').textContent;").get<std::string>() == shown);
        const auto dates = b.script("return Array.from(document.querySelectorAll('.result time'), t => t.textContent);")
                               .get<std::vector<std::string>>();
        REQUIRE(dates.size() == 2);
        for (const auto& date : dates) CHECK(date.starts_with("2021"));
        CHECK(b.script("return window.__sameDocument === true;").get<bool>());
        // The active value removes the filter again.
        b.click(".facet[data-facet=\"year\"] a.active");
        b.wait_for("!location.search.includes('year=') && document.querySelectorAll('.results .result').length === 5");
    }

    SUBCASE("the hostile title shows as text and runs nothing") {
        // Rendered by the server...
        b.go(s.url("/?q=zorblax+survey"));
        b.wait_for("document.querySelector('.result[data-id=\"zorblax-hostile\"]')");
        CHECK(b.script("return document.querySelector('.result[data-id=\"zorblax-hostile\"] .title').textContent;")
                  .get<std::string>() == kHostileTitle);
        CHECK(b.script("return document.querySelectorAll('img').length;").get<int>() == 0);
        // ...and by the script, as the words are typed.
        b.go(s.url("/?q=river"));
        b.wait_for("document.querySelector('.results')");
        b.script(spy);
        b.call("POST", "/element/" + b.element("#q") + "/clear");
        b.type("#q", "zorblax survey");
        b.wait_for("document.querySelector('.result[data-id=\"zorblax-hostile\"]')");
        CHECK(b.script("return window.__sameDocument === true;").get<bool>());
        CHECK(b.script("return document.querySelector('.result[data-id=\"zorblax-hostile\"] .title').textContent;")
                  .get<std::string>() == kHostileTitle);
        CHECK(b.script("return document.querySelectorAll('img[src=\"x\"]').length;").get<int>() == 0);
        CHECK(b.script("return document.querySelectorAll('img, .result script').length;").get<int>() == 0);
        // Its javascript: url is no link.
        CHECK(b.script("return document.querySelectorAll('a[href^=\"javascript:\"]').length;").get<int>() == 0);
        CHECK(b.script("return window.__alerts.length;").get<int>() == 0);
    }

    SUBCASE("more like this") {
        b.go(s.url("/?q=zorblax"));
        b.wait_for("document.querySelector('.result[data-id=\"zorblax-colony\"] a.similar')");
        b.script(spy);
        b.click(".result[data-id=\"zorblax-colony\"] a.similar");
        b.wait_for("location.search.includes('similar=zorblax-colony')");
        b.wait_for("document.querySelector('.heading') && document.querySelectorAll('.results .result').length > 0");
        const auto ids = result_ids(b);
        CHECK(std::find(ids.begin(), ids.end(), "zorblax-colony") == ids.end());
        CHECK(b.script("return window.__sameDocument === true;").get<bool>());
        CHECK(b.script("return window.__alerts.length;").get<int>() == 0);
    }

    SUBCASE("the page without JavaScript, and the response headers") {
        const auto page = lupe::test::http_get(s.server->port, "/?q=zorblax");
        REQUIRE(page.status == 200);
        CHECK(page.header("content-type") == "text/html; charset=utf-8");
        CHECK(page.header("content-security-policy").find("script-src 'self'") != std::string::npos);
        CHECK(page.header("content-security-policy").find("default-src 'none'") != std::string::npos);
        CHECK(page.header("x-content-type-options") == "nosniff");
        CHECK_FALSE(page.header("referrer-policy").empty());
        CHECK(count_of(page.body, "<li class=\"result\"") == 5);
        CHECK(page.body.find("&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;") !=
              std::string::npos);
        CHECK(page.body.find("<img") == std::string::npos);
        CHECK(page.body.find("<form id=\"search\" class=\"search\" role=\"search\" method=\"get\" action=\"/\">") !=
              std::string::npos);

        // The facet link of the server page narrows as the script does.
        const auto narrowed = lupe::test::http_get(s.server->port, "/?q=zorblax&year=2021");
        REQUIRE(narrowed.status == 200);
        CHECK(count_of(narrowed.body, "<li class=\"result\"") == 2);
        CHECK(narrowed.body.find("<span class=\"total\">2</span>") != std::string::npos);

        const auto bad = lupe::test::http_get(s.server->port, "/?q=zorblax&from=someday");
        CHECK(bad.status == 400);
        CHECK(bad.header("content-type") == "text/html; charset=utf-8");
        CHECK(bad.body.find("parameter from") != std::string::npos);

        for (const auto& [path, type] : {std::pair{"/assets/app.js", "text/javascript; charset=utf-8"},
                                         {"/assets/style.css", "text/css; charset=utf-8"}}) {
            CAPTURE(path);
            const auto asset = lupe::test::http_get(s.server->port, path);
            CHECK(asset.status == 200);
            CHECK(asset.header("content-type") == type);
            CHECK(asset.header("x-content-type-options") == "nosniff");
            CHECK(asset.header("cache-control").find("max-age=") != std::string::npos);
            const std::string etag = asset.header("etag");
            REQUIRE_FALSE(etag.empty());
            const auto again = lupe::test::http_get(s.server->port, path, "If-None-Match: " + etag + "\r\n");
            CHECK(again.status == 304);
        }
    }
}

// The light and the dark scheme, at desktop and at phone width: the colours follow the
// scheme the browser asks for, and nothing is wider than a phone's screen. With
// LUPE_SCREENSHOT_DIR set, each is also saved there as PNG (docs/images/ holds them).
TEST_CASE("browser: light and dark, desktop and phone") {
    const char* out = std::getenv("LUPE_SCREENSHOT_DIR");
    auto& s = setup();
    auto& b = *s.browser;
    if (out && *out) std::filesystem::create_directories(out);
    struct Shot {
        const char* name;
        int width;
        int height;
        bool mobile;
        const char* scheme;
    };
    // Relative luminance (0 black .. 1 white) of an element's colour and of the page's
    // background (the body's, else the root's when the body's is transparent).
    const std::string luminance =
        "const lum = (c) => { const m = c.match(/[0-9.]+/g).map(Number);"
        "  return (0.2126 * m[0] + 0.7152 * m[1] + 0.0722 * m[2]) / 255; };"
        "let bg = getComputedStyle(document.body).backgroundColor;"
        "if (bg === 'transparent' || bg === 'rgba(0, 0, 0, 0)')"
        "  bg = getComputedStyle(document.documentElement).backgroundColor;"
        "return {background: lum(bg),"
        "        text: lum(getComputedStyle(document.querySelector('.results .snippet')).color),"
        "        overflow: document.documentElement.scrollWidth - window.innerWidth,"
        "        box: document.querySelector('input[name=q]').getBoundingClientRect().right"
        "             - window.innerWidth};";
    for (const Shot shot : {Shot{"serve-light-desktop", 1280, 860, false, "light"},
                            Shot{"serve-dark-desktop", 1280, 860, false, "dark"},
                            Shot{"serve-light-phone", 390, 844, true, "light"},
                            Shot{"serve-dark-phone", 390, 844, true, "dark"}}) {
        CAPTURE(shot.name);
        b.cdp("Emulation.setDeviceMetricsOverride",
              {{"width", shot.width}, {"height", shot.height}, {"deviceScaleFactor", 1}, {"mobile", shot.mobile}});
        b.cdp("Emulation.setEmulatedMedia",
              {{"features", json::array({{{"name", "prefers-color-scheme"}, {"value", shot.scheme}}})}});
        b.go(s.url("/?q=election"));
        b.wait_for("document.querySelectorAll('.results .result').length > 0");
        const json look = b.script(luminance);
        INFO(look.dump());
        if (std::string(shot.scheme) == "dark") {
            CHECK(look["background"].get<double>() < 0.2);
            CHECK(look["text"].get<double>() > 0.6);
        } else {
            CHECK(look["background"].get<double>() > 0.8);
            CHECK(look["text"].get<double>() < 0.4);
        }
        CHECK(look["overflow"].get<double>() <= 0);  // no sideways scrolling
        CHECK(look["box"].get<double>() <= 0);       // the search box fits the screen
        if (!out || !*out) continue;
        const std::string png = b.screenshot_png();
        REQUIRE(png.size() > 1000);
        std::ofstream(std::string(out) + "/" + shot.name + ".png", std::ios::binary) << png;
    }
}
