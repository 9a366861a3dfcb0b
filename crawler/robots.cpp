// robots.txt per RFC 9309: groups by user-agent (ours merged, else "*"), Allow/Disallow by
// longest match with '*' and '$', Allow winning ties; Crawl-delay and Sitemap (common
// extensions). Also Retry-After parsing, which shares the "be polite" concern.

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

// Percent-encoding in patterns is compared the way our canonical URLs spell it: unreserved
// characters decoded, hex upper case.
std::string normalize_pattern(std::string_view p) {
  static const char* kHex = "0123456789ABCDEF";
  auto hexv = [](char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < p.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(p[i]);
    if (c == '%' && i + 2 < p.size() && hexv(p[i + 1]) >= 0 && hexv(p[i + 2]) >= 0) {
      unsigned char v = static_cast<unsigned char>(hexv(p[i + 1]) * 16 + hexv(p[i + 2]));
      if (std::isalnum(v) || v == '-' || v == '.' || v == '_' || v == '~') {
        out += static_cast<char>(v);
      } else {
        out += '%';
        out += kHex[v >> 4];
        out += kHex[v & 15];
      }
      i += 2;
    } else if (c >= 0x80 || c == ' ') {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace

bool robots_pattern_matches(std::string_view pattern, std::string_view path) {
  bool anchored = !pattern.empty() && pattern.back() == '$';
  if (anchored) pattern.remove_suffix(1);
  // Iterative wildcard match (prefix match unless anchored), linear in practice.
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

Robots Robots::parse(std::string_view text, std::string_view agent) {
  const std::string want = lower(agent);
  struct Group {
    std::vector<std::string> agents;
    std::vector<Rule> rules;
    std::optional<int> delay;
  };
  std::vector<Group> groups;
  Robots r;
  bool in_agents = false;  // consecutive user-agent lines form one group's header
  size_t pos = 0;
  // Skip a UTF-8 BOM.
  if (text.substr(0, 3) == "\xEF\xBB\xBF") pos = 3;
  while (pos < text.size()) {
    size_t eol = text.find_first_of("\r\n", pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    if (auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string key = lower(trim(line.substr(0, colon)));
    std::string_view value = trim(line.substr(colon + 1));
    if (key == "user-agent") {
      if (!in_agents) groups.emplace_back();
      in_agents = true;
      // The product token is the part before any '/' or space.
      std::string token = lower(value.substr(0, value.find_first_of("/ \t")));
      groups.back().agents.push_back(token);
      continue;
    }
    if (key == "sitemap") {
      if (!value.empty()) r.sitemaps_.emplace_back(value);
      continue;
    }
    if (groups.empty()) continue;  // rules before any user-agent line belong to no group
    in_agents = false;
    if (key == "allow" || key == "disallow") {
      // "Disallow:" with no value allows everything: it adds no rule.
      if (value.empty()) continue;
      groups.back().rules.push_back({normalize_pattern(value), key == "allow"});
    } else if (key == "crawl-delay") {
      try {
        double secs = std::stod(std::string(value));
        if (secs >= 0 && secs < 86400) groups.back().delay = static_cast<int>(secs * 1000);
      } catch (...) {
      }
    }
  }
  auto matches_us = [&](const Group& g) {
    return std::any_of(g.agents.begin(), g.agents.end(), [&](const std::string& a) {
      return !a.empty() && a != "*" && want == a;
    });
  };
  bool ours = std::any_of(groups.begin(), groups.end(), matches_us);
  for (const auto& g : groups) {
    bool use = ours ? matches_us(g)
                    : std::find(g.agents.begin(), g.agents.end(), "*") != g.agents.end();
    if (!use) continue;
    r.rules_.insert(r.rules_.end(), g.rules.begin(), g.rules.end());
    if (g.delay) r.crawl_delay_ms_ = std::max(r.crawl_delay_ms_.value_or(0), *g.delay);
  }
  return r;
}

bool Robots::allowed(std::string_view path) const {
  if (path == "/robots.txt") return true;
  int best_len = -1;
  bool best_allow = true;
  for (const auto& rule : rules_) {
    if (!robots_pattern_matches(rule.pattern, path)) continue;
    int len = static_cast<int>(rule.pattern.size());
    if (len > best_len || (len == best_len && rule.allow && !best_allow)) {
      best_len = len;
      best_allow = rule.allow;
    }
  }
  return best_allow;
}

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
