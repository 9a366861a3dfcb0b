// robots.txt per RFC 9309.
//
// Parsing (§2.1, §2.2): lines end at CR, LF or CRLF; a UTF-8 BOM is skipped; '#' starts a
// comment; keys are case-insensitive. Consecutive user-agent lines open one group, and only
// a rule (allow/disallow, even an empty one) closes the group's list of agents: crawl-delay,
// sitemap and unknown keys in between neither end a group nor start one (§2.2: other records
// "MUST NOT interfere" with the defined ones). All groups naming our product token
// (case-insensitively) are merged; with none, all "*" groups are. At most kRobotsMaxBytes are
// parsed (§2.5); a line cut at that limit is dropped.
//
// Matching (§2.2.2, §2.2.3): on the path and query exactly as requested. Pattern and path are
// both put into one percent-encoding form before comparison: %XX of an unreserved character
// decoded, other %XX kept with upper-case hex (so %2F stays distinct from '/'), octets
// outside printable US-ASCII encoded, and a literal '*' or '$' spelled %2A / %24 (so the
// pattern /a-%2A.html matches the path /a-*.html). The longest matching pattern (in octets)
// wins; Allow wins a tie; '*' matches any run of octets, a trailing '$' anchors the end.
//
// Also Retry-After parsing, which shares the "be polite" concern.

#include <algorithm>
#include <cctype>
#include <ctime>

#include "crawler/internal.h"

namespace policyindex::crawler {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool unreserved(unsigned char c) {
  return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

void append_encoded(std::string& out, unsigned char c) {
  static const char* kHex = "0123456789ABCDEF";
  out += '%';
  out += kHex[c >> 4];
  out += kHex[c & 15];
}

// One literal stretch (no wildcard) of a pattern, or a whole path, in the common form.
void append_normalized(std::string& out, std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      const auto v = static_cast<unsigned char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      if (unreserved(v)) {
        out += static_cast<char>(v);
      } else {
        append_encoded(out, v);
      }
      i += 2;
    } else if (c >= 0x80 || c <= 0x20 || c == 0x7F || c == '*' || c == '$') {
      append_encoded(out, c);
    } else {
      out += static_cast<char>(c);
    }
  }
}

// A rule's pattern in the common form: '*' stays the wildcard, a trailing '$' the anchor.
std::string normalize_pattern(std::string_view p) {
  const bool anchored = !p.empty() && p.back() == '$';
  if (anchored) p.remove_suffix(1);
  std::string out;
  size_t start = 0;
  while (true) {
    const size_t star = p.find('*', start);
    append_normalized(out, p.substr(start, star == std::string_view::npos ? p.npos : star - start));
    if (star == std::string_view::npos) break;
    out += '*';
    start = star + 1;
  }
  if (anchored) out += '$';
  return out;
}

// RFC 9309 §2.2.1: product-token = identifier / "*"; identifier = 1*("-" / ALPHA / "_").
// A user-agent value such as "PolicyIndex/0.1 (+https://...)" reduces to "policyindex".
std::string product_token(std::string_view value) {
  value = trim(value);
  if (!value.empty() && value.front() == '*') return "*";
  size_t n = 0;
  while (n < value.size() && (std::isalpha(static_cast<unsigned char>(value[n])) || value[n] == '-' ||
                              value[n] == '_')) {
    ++n;
  }
  return lower(value.substr(0, n));
}

}  // namespace

bool robots_pattern_matches(std::string_view pattern, std::string_view path) {
  bool anchored = !pattern.empty() && pattern.back() == '$';
  if (anchored) pattern.remove_suffix(1);
  // Iterative wildcard match (prefix match unless anchored), backtracking only to the last '*'.
  size_t p = 0, s = 0, star_p = std::string_view::npos, star_s = 0;
  while (true) {
    if (p == pattern.size()) {
      if (!anchored || s == path.size()) return true;
      if (star_p == std::string_view::npos) return false;
      p = star_p + 1;
      s = ++star_s;
      if (s > path.size()) return false;
      continue;
    }
    if (pattern[p] == '*') {
      star_p = p++;
      star_s = s;
      continue;
    }
    if (s < path.size() && pattern[p] == path[s]) {
      ++p;
      ++s;
      continue;
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p + 1;
    s = ++star_s;
    if (s > path.size()) return false;
  }
}

std::string robots_normalize_path(std::string_view path_and_query) {
  std::string out;
  out.reserve(path_and_query.size());
  append_normalized(out, path_and_query);
  return out;
}

std::string robots_request_target(std::string_view url) {
  url = url.substr(0, url.find('#'));
  std::string_view rest = url;
  if (auto scheme = url.find("://"); scheme != std::string_view::npos && url.front() != '/') {
    rest = url.substr(scheme + 3);
    const size_t end = rest.find_first_of("/?");
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
  }
  if (rest.empty() || rest.front() != '/') return "/" + std::string(rest);
  return std::string(rest);
}

Robots Robots::parse(std::string_view text, std::string_view agent) {
  const std::string want = product_token(agent);
  struct Group {
    std::vector<std::string> agents;
    std::vector<Rule> rules;
    std::optional<int> delay;
  };
  std::vector<Group> groups;
  Robots r;
  // §2.5: parse at least 500 KiB; beyond the limit, drop the line the limit cuts.
  if (text.size() > kRobotsMaxBytes) {
    text = text.substr(0, kRobotsMaxBytes);
    const size_t last_eol = text.find_last_of("\r\n");
    text = last_eol == std::string_view::npos ? std::string_view() : text.substr(0, last_eol + 1);
  }
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  bool rule_seen = true;  // a user-agent line after a rule (or at the start) opens a group
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find_first_of("\r\n", pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    if (eol + 1 < text.size() && text[eol] == '\r' && text[eol + 1] == '\n') ++pos;
    if (auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string key = lower(trim(line.substr(0, colon)));
    const std::string_view value = trim(line.substr(colon + 1));
    if (key == "user-agent") {
      if (rule_seen || groups.empty()) groups.emplace_back();
      rule_seen = false;
      groups.back().agents.push_back(product_token(value));
    } else if (key == "allow" || key == "disallow") {
      if (groups.empty()) continue;  // rules before any user-agent line belong to no group
      rule_seen = true;
      // "Disallow:" with no value is a rule that matches nothing: it adds no pattern.
      if (!value.empty()) groups.back().rules.push_back({normalize_pattern(value), key == "allow"});
    } else if (key == "sitemap") {
      if (!value.empty()) r.sitemaps_.emplace_back(value);
    } else if (key == "crawl-delay") {
      if (groups.empty()) continue;
      try {
        const double secs = std::stod(std::string(value));
        if (secs >= 0 && secs < 86400) groups.back().delay = static_cast<int>(secs * 1000);
      } catch (...) {
        // Not a number: ignored like any record we do not understand.
      }
    }
    // Any other key is ignored and leaves the current group as it is.
  }
  auto names = [](const Group& g, const std::string& token) {
    return std::find(g.agents.begin(), g.agents.end(), token) != g.agents.end();
  };
  const bool ours = !want.empty() && want != "*" &&
                    std::any_of(groups.begin(), groups.end(), [&](const Group& g) { return names(g, want); });
  const std::string& pick = ours ? want : std::string("*");
  for (const auto& g : groups) {
    if (!names(g, pick)) continue;
    r.rules_.insert(r.rules_.end(), g.rules.begin(), g.rules.end());
    if (g.delay) r.crawl_delay_ms_ = std::max(r.crawl_delay_ms_.value_or(0), *g.delay);
  }
  return r;
}

std::optional<Robots> Robots::from_fetch(long http_status, bool transfer_complete, std::string_view body,
                                         std::string_view agent) {
  if (!transfer_complete) return std::nullopt;  // §2.3.1.4: network error: complete disallow
  if (http_status >= 200 && http_status < 300) return parse(body, agent);
  if (http_status == 429 || http_status >= 500) return std::nullopt;  // server error: disallow
  if (http_status >= 300 && http_status < 500) return allow_all();  // §2.3.1.2-3: unavailable
  return std::nullopt;
}

bool Robots::allowed(std::string_view path_and_query) const {
  if (path_and_query == "/robots.txt") return true;
  if (rules_.empty()) return true;
  const std::string path = robots_normalize_path(path_and_query);
  size_t best_len = 0;
  bool matched = false;
  bool best_allow = true;
  for (const auto& rule : rules_) {
    if (!robots_pattern_matches(rule.pattern, path)) continue;
    const size_t len = rule.pattern.size();
    if (!matched || len > best_len || (len == best_len && rule.allow && !best_allow)) {
      matched = true;
      best_len = len;
      best_allow = rule.allow;
    }
  }
  return best_allow;
}

bool Robots::allowed_url(std::string_view url) const { return allowed(robots_request_target(url)); }

std::optional<int64_t> parse_retry_after(std::string_view value) {
  value = trim(value);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    if (value.size() > 9) return int64_t{999999999} * 1000;
    return std::stoll(std::string(value)) * 1000;
  }
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
  std::tm tm{};
  std::string s(value);
  if (!strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S", &tm)) return std::nullopt;
  time_t when = timegm(&tm);
  time_t now = std::time(nullptr);
  return when <= now ? 0 : static_cast<int64_t>(when - now) * 1000;
}

}  // namespace policyindex::crawler
