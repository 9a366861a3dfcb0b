// Helpers the adapters share: how strongly a title suggests a policy, the adapter's own
// state carried in Request::context, query parameters, and plain-words problems. Private to
// crawler/platforms.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "crawler/internal.h"

namespace policyindex::crawler::platforms {

// How strongly a title in a code's table of contents or a listing suggests an immigration-
// cooperation policy, 0..3: 3 on topic (immigra-, welcom-, trust act, sanctuary, detainer,
// deportation, 287(g), foreign national, consular notification, ...), 2 where such rules sit
// (civil or human rights, human relations, police, law enforcement, discrimination), 1
// generic homes of them (administration, general provisions, public safety, community,
// bylaws, ordinances), 0 otherwise. Case-insensitive.
int title_relevance(std::string_view title);

// Request::context as "key=value&key=value" (values percent-encoded).
std::string make_context(std::initializer_list<std::pair<std::string_view, std::string_view>> kv);
// The value of `key` in a context, or "" when absent.
std::string context_value(std::string_view context, std::string_view key);
// The context with `key` set to `value` (added or replaced).
std::string with_context(std::string_view context, std::string_view key, std::string_view value);

// The decoded value of query parameter `name` (first occurrence), or "" when absent.
std::string query_param(std::string_view query, std::string_view name);
// Percent-encodes a query parameter value (unreserved characters kept).
std::string url_encode(std::string_view s);

// "scheme://host[:port]" on the scheme and port of `link`: a platform's other hosts (its
// API, its export host) are addressed the way the link was (https and the default port on
// the real web; a test's loopback server otherwise).
std::string origin_like(const Url& link, std::string_view host);

// True when the response is an HTTP success (2xx).
inline bool ok_status(long status) { return status >= 200 && status < 300; }
// True when a content type or the first bytes of a body say HTML.
bool looks_like_html(std::string_view content_type, std::string_view body);
// True when a body is a web-application-firewall challenge ("Just a moment...", a
// Cloudflare or captcha interstitial) rather than the page asked for.
bool looks_like_challenge(std::string_view body);
// Text of `s` lower-cased (ASCII).
std::string lower_ascii(std::string_view s);
// The text between <title> and </title>, trimmed ("" when none).
std::string html_title(std::string_view html);
// Escapes &, <, > and " for HTML text and attributes.
std::string html_escape(std::string_view s);

}  // namespace policyindex::crawler::platforms
