// Shared helpers of the agenda, records and police-policy adapters (civicplus, granicus,
// legistar, iqm2, novusagenda, civicclerk, laserfiche, powerdms, lexipol): URL pieces,
// relevance ordering, recent-year ranges, and the checks every document response gets.
// Pure functions; private to crawler/platforms/.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "crawler/platforms/platform.h"

namespace policyindex::crawler::platforms::records {

// Agenda systems are read this many years back from the newest meeting they list.
inline constexpr int kRecentYears = 10;
// No listing page yields more requests than this (a listing that never ends is capped).
inline constexpr size_t kMaxPerListing = 400;
// Next-page links followed from one listing chain.
inline constexpr int kMaxPages = 20;

std::string lower(std::string_view s);
bool icontains(std::string_view hay, std::string_view needle);
bool istarts_with(std::string_view s, std::string_view prefix);
bool iends_with(std::string_view s, std::string_view suffix);
// The value of query parameter `name` (case-insensitive name, percent-decoded value), or "".
std::string query_param(std::string_view query, std::string_view name);
// Percent-encodes a query value (unreserved characters kept).
std::string encode_query_value(std::string_view v);
// The first DNS label of a host ("townville" for "townville.legistar.com").
std::string first_label(std::string_view host);
// scheme://host[:port] of a URL.
std::string origin_of(const Url& u);

// policy_score() of a title alone (0..3).
int title_relevance(std::string_view title);
// Stable sort, highest relevance first; then truncates to `cap`.
void best_first(std::vector<Request>& reqs, size_t cap = kMaxPerListing);

// Meeting files without policy words taken from one agenda listing (a year, a page): the
// latest meetings' records, while everything with policy words is kept.
inline constexpr size_t kMaxPlainPerListing = 12;
// Keeps every request with relevance > 0 and the first `max_plain` with relevance 0, in order.
void cap_plain(std::vector<Request>& reqs, size_t max_plain = kMaxPlainPerListing);

// The years [newest - kRecentYears + 1, newest], newest first.
std::vector<int> recent_years(int newest);
// The largest plausible year (1990..2100) in text like "2024-03-01T..." or "03/01/2024";
// 0 when none.
int newest_year_in(std::string_view text);

// True when a body looks like HTML (after leading whitespace).
bool looks_like_html(std::string_view body);
// True when an HTML body holds a password field or a sign-in form.
bool looks_like_login(std::string_view body);
// True when a body opens like JSON (object or array).
bool looks_like_json(std::string_view body);

// The table rows of an HTML page ("<tr ...>...", split at each "<tr"); the whole body as one
// row when it has no table.
std::vector<std::string_view> html_rows(std::string_view html);
// The visible text of an HTML fragment: tags dropped, common entities decoded, whitespace
// collapsed, at most `max` bytes.
std::string text_of(std::string_view html, size_t max = 300);
// Links of an HTML fragment resolved against `base` (discovery's extract_links).
std::vector<Link> links_of(std::string_view html, std::string_view base);

// The text of Reading::problem: the plain message (the crawl records it after the
// adapter's name and the URL, "legistar (https://...): <message>"). The platform and URL are
// taken so that a caller reads like the record it makes.
std::string problem(std::string_view platform, std::string_view url, std::string_view message);

// The common reading of a kDocument response: stored unless the status is not 2xx, the body
// is empty, a login page came back, or an HTML page came where a file was expected
// (`html_ok` false: only file types are documents).
Reading read_document(std::string_view platform, const Request& req, const Response& resp,
                      bool html_ok);

// A status check for listings: an empty string when 2xx, else the problem to record.
std::string listing_status_problem(std::string_view platform, const Request& req,
                                   const Response& resp);

// A request built from parts; relevance from the title when not given.
Request make_request(std::string fetch_url, Role role, std::string title = {},
                     std::string human_url = {}, std::string doc_type = {},
                     std::string context = {});

}  // namespace policyindex::crawler::platforms::records
