// Private to serve/: the pieces of the web handler (parameters, escaping, the pages, the
// built-in assets). Only http_handler.cpp, web_*.cpp and their tests include it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "serve/http_handler.h"
#include "query/query.h"

namespace policyindex::serve::web {

// The decoded parameters of a query string, in order; a name may repeat.
struct Params {
  std::vector<std::pair<std::string, std::string>> items;
  std::vector<std::string> all(std::string_view name) const;  // non-empty values only
  std::string get(std::string_view name) const;                // the first value or ""
  bool has(std::string_view name) const;
};

// Decodes %XX (and '+' as a space when PLUS_IS_SPACE). Bad escapes, NUL and invalid
// UTF-8 are an invalid_argument error naming the input.
Result<std::string> percent_decode(std::string_view text, bool plus_is_space);
Result<Params> parse_query_string(std::string_view query);
// Percent-encodes everything but unreserved characters (RFC 3986), for a path segment or a
// query value.
std::string url_encode(std::string_view text);
// "a=1&b=2" from PARAMS (encoded), without the '?'.
std::string to_query_string(const std::vector<std::pair<std::string, std::string>>& params);

// Escapes & < > " ' : safe in HTML text and in quoted attribute values.
std::string html_escape(std::string_view text);
// A snippet of docs/API.md (escaped text with <b> marks): keeps exactly <b> and </b>
// (balanced) and well-formed character references; anything else is escaped again.
std::string sanitize_snippet(std::string_view snippet);
// A value usable in an HTML id / URL fragment: [A-Za-z0-9_-], others become '-'.
std::string anchor(std::string_view prefix, std::string_view key);

// The assets built into the binary (serve/assets/): app.css, app.js, icon.svg.
struct Asset {
  std::string_view name;          // "app.css"
  std::string_view content_type;  // "text/css; charset=utf-8"
  std::string_view body;
  std::string etag;               // a hash of BODY, quoted
};
const Asset* find_asset(std::string_view name);
// "/assets/NAME?v=HASH": changes whenever the asset does, so it may be cached for long.
std::string asset_url(std::string_view name);

// The pages. Each returns a complete response (HTML), an error page when the Api fails.
HttpResponse home_page(const Params& p, Api& api);
HttpResponse search_page(const Params& p, Api& api);
HttpResponse town_page(std::string_view town, Api& api);
HttpResponse compare_page(const Params& p, Api& api);
HttpResponse peers_page(const Params& p, Api& api);
HttpResponse state_page(const Params& p, Api& api);
// The document with the sections of VERSION (its current version when none), quotes highlighted.
HttpResponse document_page(int64_t id, std::optional<int64_t> version, Api& api);
HttpResponse changes_page(const Params& p, Api& api);
// An HTML error page with STATUS and MESSAGE (escaped).
HttpResponse error_page(int status, std::string_view title, std::string_view message);

// The examples the search help shows: a query and what it finds, in plain words.
struct SearchExample {
  std::string_view query, says;
};
std::span<const SearchExample> search_examples();

// Builds the SearchRequest of /search, /api/search and /search.csv; bad numbers are an error.
Result<SearchRequest> search_request(const Params& p, size_t default_limit);

}  // namespace policyindex::serve::web

// -- HTML building blocks (web_layout.cpp) ------------------------------------------------------
namespace policyindex::serve::web {

struct PageOptions {
  std::string title;       // <title> and the h1 unless the page writes its own
  std::string nav;         // "search", "state", "compare", "changes": marks the current link
  std::string query;       // pre-fills the header search box
  std::string feed_query;  // when set, an Atom <link> for /feed.atom?FEED_QUERY
};

// A whole HTML document around MAIN_HTML (already escaped), with landmarks, skip link,
// header search and footer.
std::string layout(const PageOptions& options, std::string_view main_html);
HttpResponse html_response(int status, std::string body);
HttpResponse json_response(int status, std::string body);  // application/json; charset=utf-8

// "✓ Protective" etc.: an icon (aria-hidden) and a word, never colour alone. COMPACT shows
// the icon with visually hidden text (the statewide grid).
std::string verdict_badge(std::string_view verdict, bool compact = false);
std::string verdict_word(std::string_view verdict);
std::string stance_badge(std::string_view stance);

// The taxonomy (Api::taxonomy), for labels and pickers.
struct Provision {
  std::string id, label, question, description;
};
struct Municipality {
  std::string name, county, kind;
  int64_t documents = 0;
};
struct Taxonomy {
  std::vector<Provision> provisions;
  std::vector<Municipality> municipalities;
  const Provision* find(std::string_view id_or_question) const;
  // "Q7 · 287(g) agreements", or the label alone for provisions outside Q1–Q7, or ID.
  std::string display(std::string_view id) const;
};
Result<Taxonomy> load_taxonomy(Api& api);

// <datalist id="town-list"> of every municipality, for the town inputs.
std::string town_datalist(const Taxonomy& t);
// <select name=NAME> of provisions, with SELECTED chosen and an "all" option labelled ANY.
std::string provision_select(const Taxonomy& t, std::string_view name, std::string_view selected,
                             std::string_view any, std::string_view id);
// A link to /town/NAME.
std::string town_link(std::string_view name);
// Quoted sentences with where they are (document, section, heading, page) and links to the
// document view and the source; at most MAX shown, the rest in a <details>.
std::string evidence_html(const std::vector<query::EvidenceItem>& evidence, size_t max);
// "/documents/ID#n-NUMBER" for a section number (the anchor document_page writes).
std::string section_href(std::string_view document_id, std::string_view number);
// The anchor of a quote on the document page: its section's key and its start offset.
std::string quote_anchor(std::string_view section_key, int64_t start);
// Where an evidence link goes: the quote's anchor on its document (or version) page, else
// its section's.
std::string evidence_href(const query::EvidenceItem& ev);
// "May 2, 2019" in <time datetime="ISO">; ISO as it is when it is not a date.
std::string date_html(std::string_view iso);
// An error page for a failed Api call (404 for not_found, ...), message escaped.
HttpResponse api_error_page(const Error& e);

}  // namespace policyindex::serve::web
