// Private to crawler/: URL canonicalization, robots.txt and link discovery (the HTTP engine
// is in engine.h). Exposed to tests/crawler only; other modules use crawler.h.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/result.h"

namespace policyindex::crawler {

// ---------------------------------------------------------------------------------------
// URLs

struct Url {
  std::string scheme;  // http | https
  std::string host;    // lower case, IPv6 in brackets
  int port = 0;        // 0 = the scheme's default
  std::string path;    // starts with '/'
  std::string query;   // without '?'; empty when none
  std::string str() const;
  // "scheme://host[:port]": the unit of politeness and robots.txt.
  std::string origin() const;
  std::string path_and_query() const { return query.empty() ? path : path + "?" + query; }
};

// Parses an absolute http(s) URL, or resolves `ref` against `base` when base is given, and
// canonicalizes: scheme/host lower case, default port dropped, dot segments resolved,
// duplicate slashes collapsed, fragment dropped, query parameters stably sorted by name,
// percent-encoding of unreserved characters decoded and hex upper-cased, session and
// tracking tokens dropped (see is_session_param; ";jsessionid=..." path parameters and
// ASP.NET cookieless "(S(...))" path segments too). Fails for other
// schemes (mailto:, javascript:, ftp:, file:) and malformed input, naming the input.
[[nodiscard]] Result<Url> parse_url(std::string_view ref, const Url* base = nullptr);
[[nodiscard]] Result<std::string> canonical_url(std::string_view ref, const Url* base = nullptr);
// The same resolution without canonicalizing: the URL exactly as a browser requests it
// (scheme and host lower case, default port dropped, dot segments resolved, fragment
// dropped, bytes that may not be sent raw percent-encoded) — query order, empty path
// segments and existing %XX kept as written. What the crawl requests and checks robots.txt
// against; parse_url of it gives the canonical key.
[[nodiscard]] Result<Url> parse_request_url(std::string_view ref, const Url* base = nullptr);

// True when both hosts belong to one site: equal after dropping "www.", or one a subdomain
// of the other (police.townville.gov and townville.gov).
bool same_site(std::string_view host_a, std::string_view host_b);

// True for query parameters that name a visit, not content: session ids (jsessionid,
// PHPSESSID, ASPSESSIONID..., sessionid, session_id, CFID/CFTOKEN, and "sid" with a value of
// 16 or more characters) and tracking tags (utm_*, fbclid, gclid, msclkid, mc_cid, mc_eid,
// _ga). Canonicalization drops them, so a page linked once per visit is one URL.
bool is_session_param(std::string_view name, std::string_view value);

// The name a Massachusetts municipal domain is built on, for recognising a town's moved
// domain: "town.acton.ma.us", "ci.acton.ma.us" and "www.actonma.gov", "acton-ma.gov",
// "townofacton.gov" all give "acton". Empty for hosts that are neither a .ma.us host nor a
// .gov host (nor a .org/.com/.net host whose name ends in "ma").
std::string town_domain_key(std::string_view host);

// The hosts of each municipality's own site (its website, alternate domains and police
// site from the registry, the hosts of its seeds), for the link policy: a link from a town's
// page to one of its own hosts is followed as the same site and attributed to the town.
class SiteMap {
 public:
  // Records `host` (a host name or a URL) as one of `municipality`'s. A host claimed by two
  // municipalities belongs to neither (a shared regional site is not one town's).
  void add(int64_t municipality, std::string_view host_or_url);
  // The municipality `host` belongs to, if any ("www." ignored).
  std::optional<int64_t> owner(std::string_view host) const;
  // True when a link to `link_host`, found on `page_host` (a page of `municipality`, when
  // known), stays on the town's own site: the same host but for "www." or a subdomain
  // (same_site), another registered host of the same municipality, or the town's domain
  // moved between .ma.us and .gov (equal town_domain_key, one of them .ma.us or both .gov).
  bool same_town(std::string_view page_host, std::optional<int64_t> municipality,
                 std::string_view link_host) const;

 private:
  std::unordered_map<std::string, int64_t> owner_;  // host without "www." -> municipality
};

// True for hosts that serve the files towns publish elsewhere than their own domain (CMS
// file stores and CDNs of municipal web vendors, cloud storage, Google Docs/Drive, code and
// agenda hosts): an off-site document link is followed only to one of these.
bool is_document_host(std::string_view host);

// Heuristics against crawler traps, by URL shape.
// True when a path segment or a query parameter carries a date: "/2024/05/17",
// "/2024-05-17", "/20240517", "month=5", "date=...", "year=2024", "day=", "week=",
// "start=2024-05-01", a calendar's "view=month&..."; the mark of calendar pages that link
// one another without end.
bool is_date_trap(const Url& u);
// The pattern URL variants share: host, the path with date segments replaced by "{date}",
// and the sorted names (not the values) of the query parameters. Pages of one pattern are
// capped per run (calendars, faceted listings, sort orders).
std::string variant_pattern(const Url& u);

// ---------------------------------------------------------------------------------------
// robots.txt (RFC 9309)

// RFC 9309 §2.5: at least 500 KiB of a robots.txt are parsed; we read up to this many bytes.
inline constexpr size_t kRobotsMaxBytes = 512 * 1024;

class Robots {
 public:
  // Parses robots.txt for `agent` (its product token is used: "PolicyIndex/0.1 (...)" is
  // "policyindex"): the groups naming the agent case-insensitively (merged), else the "*"
  // groups. Only a rule ends a group's user-agent lines; crawl-delay, sitemap and unknown
  // keys do not. Text beyond kRobotsMaxBytes is ignored.
  static Robots parse(std::string_view text, std::string_view agent);
  static Robots allow_all() { return Robots(); }
  // What a fetch of /robots.txt means (RFC 9309 §2.3.1), redirects already followed: 2xx is
  // parsed; other 3xx and 4xx mean "unavailable" (allow all); 5xx, 429, 1xx and a transfer
  // that did not complete (network error, timeout) mean "unreachable": std::nullopt, which
  // the caller must treat as complete disallow.
  static std::optional<Robots> from_fetch(long http_status, bool transfer_complete, std::string_view body,
                                          std::string_view agent);

  // Longest match of Allow/Disallow over the path and query exactly as requested (never
  // canonicalized: parameter order matters); Allow wins a tie. Percent-encoding is compared
  // in one form (see robots_normalize_path). "/robots.txt" is always allowed.
  bool allowed(std::string_view path_and_query) const;
  // The same for an absolute URL exactly as it will be requested ("https://host/a?b=1#f"
  // checks "/a?b=1"); a request target starting with '/' is accepted too.
  bool allowed_url(std::string_view url) const;
  // True when no rule applies (a 404 robots.txt, or no group for us): every path allowed.
  bool allows_all() const { return rules_.empty(); }
  std::optional<int> crawl_delay_ms() const { return crawl_delay_ms_; }
  const std::vector<std::string>& sitemaps() const { return sitemaps_; }

 private:
  struct Rule {
    std::string pattern;  // normalized; '*' wildcard, trailing '$' anchor
    bool allow;
  };
  std::vector<Rule> rules_;
  std::optional<int> crawl_delay_ms_;
  std::vector<std::string> sitemaps_;
};

// `pattern` (with '*' and a trailing '$') matches a prefix of `path`; both already normalized.
bool robots_pattern_matches(std::string_view pattern, std::string_view path);

// The percent-encoding form robots.txt patterns and paths are compared in (RFC 9309 §2.2.2):
// %XX of unreserved characters decoded, other %XX upper-cased (%2F is not '/'), octets
// outside printable US-ASCII encoded, literal '*' and '$' spelled %2A and %24 (§2.2.3).
std::string robots_normalize_path(std::string_view path_and_query);

// The path and query of `url` as it will be sent: scheme, authority and fragment dropped,
// nothing reordered or decoded; "/" for an empty path.
std::string robots_request_target(std::string_view url);

// ---------------------------------------------------------------------------------------
// Discovery

struct Link {
  std::string url;     // canonical: the dedup and document key
  std::string written; // as written, resolved (parse_request_url): what is requested
  std::string anchor;  // visible text, collapsed whitespace (alt/title when empty)
  // Text around the link: its enclosing block (list item, paragraph, a table cell's whole
  // row, ...) without the anchor text; at most ~300 characters.
  std::string context = {};
};

// Links of an HTML page (a, area, iframe, frame, embed, object; <base href> honoured), in
// document order, deduplicated by canonical URL; `page_url` is the page as requested
// (parse_request_url), against which the links resolve as written. Bytes need not be UTF-8.
std::vector<Link> extract_links(std::string_view html, const Url& page_url);

// The links and the <link rel="canonical"> of a page (empty when none or not http(s)).
struct PageLinks {
  std::vector<Link> links;
  std::string canonical;
};
PageLinks extract_page_links(std::string_view html, const Url& page_url);

// <loc> entries of a sitemap or sitemap index; `is_index` tells which.
std::vector<std::string> parse_sitemap(std::string_view xml, bool* is_index);

// How strongly a URL and its anchor text suggest a policy document: 0 = not at all,
// 1 = weak (policy, code, police, rules), 2 = strong (ordinance, bylaw, general order),
// 3 = on topic (immigration, sanctuary, welcoming, trust act, ICE, detainer, 287(g)).
// Words that mark site furniture ("privacy policy", "ice rink") score 0.
int policy_score(std::string_view url, std::string_view anchor);

// How much a link is worth fetching soon, for the best-first frontier: the larger of 100 x
// policy_score of its URL and anchor text and 75 x policy_score of the text around it, plus
// 5 x the latter, plus 5 for a document; 0 for nothing policy-like. Larger first.
int link_relevance(std::string_view url, std::string_view anchor, std::string_view context,
                   bool is_document);

// True for links to document files (pdf, docx, doc, rtf, odt, txt) by path extension.
bool is_document_url(std::string_view url);

// A doc_type from URL and anchor words: ordinance, bylaw, police_policy, executive_order,
// resolution, charter, policy; "webpage" when nothing suggests a policy.
std::string guess_doc_type(std::string_view url, std::string_view anchor);

// Parses a Retry-After value (seconds or an HTTP date) into milliseconds from now.
std::optional<int64_t> parse_retry_after(std::string_view value);

}  // namespace policyindex::crawler
