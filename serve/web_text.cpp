// Query strings, percent-encoding, escaping for HTML / XML / CSV, and the built-in assets.

#include <array>
#include <cstdio>

#include "serve/web.h"

// Generated from serve/assets/ at configure time (pi_embed_text in serve/CMakeLists.txt).
extern const char pi_web_app_css[];
extern const char pi_web_app_js[];
extern const char pi_web_icon_svg[];

namespace policyindex::serve::web {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = 0;
    if (c < 0x80) n = 0;
    else if (c >= 0xC2 && c <= 0xDF) n = 1;
    else if ((c & 0xF0) == 0xE0) n = 2;
    else if (c >= 0xF0 && c <= 0xF4) n = 3;
    else return false;
    if (i + n >= s.size() && n > 0) return false;
    for (size_t k = 1; k <= n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return false;
    }
    i += n + 1;
  }
  return true;
}

uint64_t fnv1a(std::string_view s) {
  uint64_t h = 1469598103934665603ULL;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

std::string hex64(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

const std::array<Asset, 3>& assets() {
  static const std::array<Asset, 3> list = [] {
    std::array<Asset, 3> a{{{"app.css", "text/css; charset=utf-8", pi_web_app_css, ""},
                            {"app.js", "text/javascript; charset=utf-8", pi_web_app_js, ""},
                            {"icon.svg", "image/svg+xml", pi_web_icon_svg, ""}}};
    for (auto& x : a) x.etag = "\"" + hex64(fnv1a(x.body)) + "\"";
    return a;
  }();
  return list;
}

}  // namespace

std::vector<std::string> Params::all(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : items) {
    if (k == name && !v.empty()) out.push_back(v);
  }
  return out;
}

std::string Params::get(std::string_view name) const {
  for (const auto& [k, v] : items) {
    if (k == name) return v;
  }
  return "";
}

bool Params::has(std::string_view name) const {
  for (const auto& [k, v] : items) {
    if (k == name) return true;
  }
  return false;
}

Result<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      const int hi = i + 2 < text.size() ? hex_value(text[i + 1]) : -1;
      const int lo = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        return make_error(ErrorCode::kInvalidArgument, "bad percent-escape in '" + std::string(text) + "'");
      }
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      c = ' ';
    }
    if (c == '\0') return make_error(ErrorCode::kInvalidArgument, "NUL character in '" + std::string(text) + "'");
    out += c;
  }
  if (!valid_utf8(out)) {
    return make_error(ErrorCode::kInvalidArgument, "'" + std::string(text) + "' is not UTF-8 text");
  }
  return out;
}

Result<Params> parse_query_string(std::string_view query) {
  Params p;
  size_t pos = 0;
  while (pos <= query.size() && !query.empty()) {
    size_t amp = query.find('&', pos);
    if (amp == std::string_view::npos) amp = query.size();
    std::string_view pair = query.substr(pos, amp - pos);
    if (!pair.empty()) {
      size_t eq = pair.find('=');
      auto k = percent_decode(pair.substr(0, eq), true);
      if (!k) return tl::make_unexpected(k.error());
      std::string v;
      if (eq != std::string_view::npos) {
        auto dv = percent_decode(pair.substr(eq + 1), true);
        if (!dv) return tl::make_unexpected(dv.error());
        v = std::move(*dv);
      }
      if (p.items.size() >= 64) return make_error(ErrorCode::kInvalidArgument, "more than 64 parameters");
      p.items.emplace_back(std::move(*k), std::move(v));
    }
    pos = amp + 1;
  }
  return p;
}

std::string url_encode(std::string_view text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string to_query_string(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out += '&';
    out += url_encode(k) + '=' + url_encode(v);
  }
  return out;
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case '\0': break;
      default: out += c;
    }
  }
  return out;
}

std::string sanitize_snippet(std::string_view s) {
  std::string out;
  int open = 0;
  for (size_t i = 0; i < s.size();) {
    if (s.compare(i, 3, "<b>") == 0) {
      if (open == 0) out += "<b>";
      ++open;
      i += 3;
    } else if (s.compare(i, 4, "</b>") == 0) {
      if (open == 1) out += "</b>";
      if (open > 0) --open;
      i += 4;
    } else if (s[i] == '&') {
      // Keep a well-formed reference (&name; or &#123; / &#x1F;), escape a bare '&'.
      size_t j = i + 1;
      bool numeric = j < s.size() && s[j] == '#';
      if (numeric) ++j;
      if (numeric && j < s.size() && (s[j] == 'x' || s[j] == 'X')) ++j;
      size_t start = j;
      while (j < s.size() && j - start < 10 && std::isalnum(static_cast<unsigned char>(s[j]))) ++j;
      if (j > start && j < s.size() && s[j] == ';') {
        out.append(s.substr(i, j + 1 - i));
        i = j + 1;
      } else {
        out += "&amp;";
        ++i;
      }
    } else {
      char c = s[i++];
      if (c == '<') out += "&lt;";
      else if (c == '>') out += "&gt;";
      else if (c == '"') out += "&quot;";
      else if (c == '\'') out += "&#39;";
      else if (c != '\0') out += c;
    }
  }
  if (open > 0) out += "</b>";
  return out;
}

std::string anchor(std::string_view prefix, std::string_view key) {
  std::string out(prefix);
  for (char c : key) {
    out += std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ? c : '-';
  }
  return out;
}

const Asset* find_asset(std::string_view name) {
  for (const auto& a : assets()) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

std::string asset_url(std::string_view name) {
  const Asset* a = find_asset(name);
  std::string v = a ? a->etag.substr(1, 8) : "0";
  return "/assets/" + std::string(name) + "?v=" + v;
}

Result<SearchRequest> search_request(const Params& p, size_t default_limit) {
  SearchRequest r;
  r.query = p.get("q");
  r.towns = p.all("town");
  r.counties = p.all("county");
  r.provisions = p.all("provision");
  r.stances = p.all("stance");
  r.types = p.all("type");
  r.cites = p.all("cites");
  auto number = [&](std::string_view name, size_t fallback) -> Result<size_t> {
    std::string v = p.get(name);
    if (v.empty()) return fallback;
    size_t n = 0;
    for (char c : v) {
      if (!std::isdigit(static_cast<unsigned char>(c)) || n > 100000000) {
        return make_error(ErrorCode::kInvalidArgument,
                          "parameter " + std::string(name) + "='" + v + "' is not a number");
      }
      n = n * 10 + static_cast<size_t>(c - '0');
    }
    return n;
  };
  auto offset = number("offset", 0);
  if (!offset) return tl::make_unexpected(offset.error());
  auto limit = number("limit", default_limit);
  if (!limit) return tl::make_unexpected(limit.error());
  if (*limit > 1000) {
    return make_error(ErrorCode::kInvalidArgument, "parameter limit=" + std::to_string(*limit) + " is over 1000");
  }
  r.offset = *offset;
  r.limit = *limit;
  return r;
}

}  // namespace policyindex::serve::web
