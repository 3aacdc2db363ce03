// lupe-serve's search page: "/" rendered by the server (it works without JavaScript:
// "/?q=…" is a whole results page), and the embedded assets that make it search as you
// type (/assets/app.js, /assets/style.css). No inline script or style: the page is
// served with a strict Content-Security-Policy. Every text from a document is escaped.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "api.hpp"
#include "http.hpp"

namespace lupe::serve {

/// The Content-Security-Policy of every HTML response.
inline constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Text escaped for HTML element content and quoted attribute values (& < > " ').
std::string html_escape(std::string_view text);

class Page {
public:
    explicit Page(Api& api);
    /// "/" (pooled: it may search) and the assets under /assets/ (not pooled).
    std::vector<Route> routes();

private:
    Api& api_;
};

}  // namespace lupe::serve
