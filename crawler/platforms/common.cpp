#include "crawler/platforms/common.h"

#include <array>
#include <cctype>

namespace policyindex::crawler::platforms {
namespace {

constexpr std::array<std::string_view, 19> kOnTopic = {
    "immigra",      "welcom",      "trust act",   "sanctuary",         "detainer",
    "deport",       "287(g)",      "287 (g)",     "287g",              "foreign national",
    "consular",     "undocumented", "citizenship", "civil immigration", "ice detain",
    "safe city",    "safe community", "inclusive community", "bias-free"};
constexpr std::array<std::string_view, 12> kWhereRulesSit = {
    "civil right",  "human right",   "human relation", "police",    "law enforcement",
    "discriminat",  "equal opportun", "diversity",     "inclusion", "fair and impartial",
    "bias",         "public safety"};
constexpr std::array<std::string_view, 9> kGenericHomes = {
    "administration", "general provision", "general bylaw", "general ordinance",
    "community",      "government",        "legislation",   "town meeting",
    "city council"};

template <size_t N>
bool has_any(const std::string& text, const std::array<std::string_view, N>& words) {
  for (auto w : words) {
    if (text.find(w) != std::string::npos) return true;
  }
  return false;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string url_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += s[i] == '+' ? ' ' : s[i];
  }
  return out;
}

}  // namespace

std::string origin_like(const Url& link, std::string_view host) {
  Url u;
  u.scheme = link.scheme;
  u.host = std::string(host);
  u.port = link.port;
  return u.origin();
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

int title_relevance(std::string_view title) {
  const std::string t = lower_ascii(title);
  if (has_any(t, kOnTopic)) return 3;
  if (has_any(t, kWhereRulesSit)) return 2;
  if (has_any(t, kGenericHomes)) return 1;
  return 0;
}

std::string url_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string make_context(
    std::initializer_list<std::pair<std::string_view, std::string_view>> kv) {
  std::string out;
  for (const auto& [k, v] : kv) {
    if (v.empty()) continue;
    if (!out.empty()) out += '&';
    out += k;
    out += '=';
    out += url_encode(v);
  }
  return out;
}

std::string query_param(std::string_view query, std::string_view name) {
  size_t start = 0;
  while (start <= query.size()) {
    size_t amp = query.find('&', start);
    if (amp == std::string_view::npos) amp = query.size();
    std::string_view pair = query.substr(start, amp - start);
    size_t eq = pair.find('=');
    std::string_view key = pair.substr(0, eq);
    if (key == name) return eq == std::string_view::npos ? std::string() : url_decode(pair.substr(eq + 1));
    start = amp + 1;
  }
  return {};
}

std::string context_value(std::string_view context, std::string_view key) {
  return query_param(context, key);
}

std::string with_context(std::string_view context, std::string_view key, std::string_view value) {
  std::string out;
  size_t start = 0;
  while (start < context.size()) {
    size_t amp = context.find('&', start);
    if (amp == std::string_view::npos) amp = context.size();
    std::string_view pair = context.substr(start, amp - start);
    if (pair.substr(0, pair.find('=')) != key && !pair.empty()) {
      if (!out.empty()) out += '&';
      out += pair;
    }
    start = amp + 1;
  }
  if (!value.empty()) {
    if (!out.empty()) out += '&';
    out += key;
    out += '=';
    out += url_encode(value);
  }
  return out;
}

bool looks_like_html(std::string_view content_type, std::string_view body) {
  if (lower_ascii(content_type).find("html") != std::string::npos) return true;
  size_t i = 0;
  while (i < body.size() && std::isspace(static_cast<unsigned char>(body[i]))) ++i;
  const std::string head = lower_ascii(body.substr(i, 64));
  return head.rfind("<!doctype html", 0) == 0 || head.rfind("<html", 0) == 0;
}

bool looks_like_challenge(std::string_view body) {
  const std::string head = lower_ascii(body.substr(0, 16384));
  return head.find("just a moment...") != std::string::npos ||
         head.find("cf-challenge") != std::string::npos ||
         head.find("challenge-platform") != std::string::npos ||
         head.find("attention required! | cloudflare") != std::string::npos ||
         head.find("g-recaptcha") != std::string::npos;
}

std::string html_title(std::string_view html) {
  const std::string low = lower_ascii(html.substr(0, 65536));
  size_t open = low.find("<title");
  if (open == std::string::npos) return {};
  open = low.find('>', open);
  if (open == std::string::npos) return {};
  size_t close = low.find("</title>", open);
  if (close == std::string::npos) return {};
  std::string t(html.substr(open + 1, close - open - 1));
  size_t b = t.find_first_not_of(" \t\r\n");
  size_t e = t.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? std::string() : t.substr(b, e - b + 1);
}

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace policyindex::crawler::platforms
