// URL parsing, reference resolution (RFC 3986 §5) and canonicalization, so that one URL is
// fetched once per run however a page spells it.

#include <algorithm>
#include <cctype>

#include "crawler/internal.h"

namespace policyindex::crawler {
namespace {

bool is_unreserved(unsigned char c) {
  return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Normalizes percent-encoding: decodes unreserved characters, upper-cases hex digits, and
// encodes bytes that may not appear raw (space, controls, non-ASCII, quotes, brackets).
std::string normalize_encoding(std::string_view s, bool in_query) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      unsigned char v = static_cast<unsigned char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      if (is_unreserved(v)) {
        out += static_cast<char>(v);
      } else {
        out += '%';
        out += kHex[v >> 4];
        out += kHex[v & 15];
      }
      i += 2;
      continue;
    }
    bool raw_ok = c > 0x20 && c < 0x7f && c != '"' && c != '<' && c != '>' && c != '`' &&
                  c != '{' && c != '}' && c != '|' && c != '^' && c != '%' &&
                  !(in_query ? false : c == '?');
    if (raw_ok) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// Encodes only the bytes that may not be sent raw (space, controls, non-ASCII, quotes,
// brackets) and leaves every other byte and every %XX as written: how a browser sends a link.
std::string encode_as_written(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (c > 0x20 && c < 0x7f && c != '"' && c != '<' && c != '>' && c != '`' && c != '{' &&
        c != '}' && c != '|' && c != '^') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// RFC 3986 §5.2.4, plus (when `collapse`) collapsing of empty segments ("a//b" -> "a/b").
std::string remove_dot_segments(std::string_view path, bool collapse = true) {
  std::vector<std::string> out;
  size_t i = 0;
  bool trailing_slash = false;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view seg = path.substr(i, j - i);
    bool last = j == path.size();
    if (seg == "..") {
      if (!out.empty()) out.pop_back();
      trailing_slash = last;
    } else if (seg == ".") {
      trailing_slash = last;
    } else if (seg.empty() && (collapse || i == 0 || last)) {
      trailing_slash = last && i > 0;
    } else {
      out.emplace_back(seg);
      trailing_slash = false;
    }
    i = j + 1;
  }
  std::string result;
  for (const auto& s : out) result += "/" + s;
  if (result.empty() || trailing_slash) result += "/";
  return result;
}

std::string sort_query(std::string_view q) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i <= q.size()) {
    size_t j = q.find('&', i);
    if (j == std::string_view::npos) j = q.size();
    if (j > i) parts.emplace_back(q.substr(i, j - i));
    i = j + 1;
  }
  // Stable by name: repeated names keep their order, which some servers depend on.
  std::stable_sort(parts.begin(), parts.end(), [](const std::string& a, const std::string& b) {
    return a.substr(0, a.find('=')) < b.substr(0, b.find('='));
  });
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += '&';
    out += p;
  }
  return out;
}

int default_port(std::string_view scheme) { return scheme == "https" ? 443 : 80; }

bool iequals_prefix(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

// Drops the session and tracking parameters of a query (see is_session_param).
std::string drop_session_params(std::string_view q) {
  std::string out;
  size_t i = 0;
  while (i <= q.size()) {
    size_t j = q.find('&', i);
    if (j == std::string_view::npos) j = q.size();
    std::string_view part = q.substr(i, j - i);
    const size_t eq = part.find('=');
    std::string_view name = part.substr(0, eq);
    std::string_view value =
        eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1);
    if (!part.empty() && !is_session_param(name, value)) {
      if (!out.empty()) out += '&';
      out += part;
    }
    i = j + 1;
  }
  return out;
}

// ASP.NET cookieless session segments: "(S(lit3py55t21z5v55vlm25s55))", "(X(1)S(...))".
bool is_aspnet_session_segment(std::string_view seg) {
  return seg.size() >= 6 && seg[0] == '(' && std::isupper(static_cast<unsigned char>(seg[1])) &&
         seg[2] == '(' && seg.substr(seg.size() - 2) == "))";
}

// Drops ";jsessionid=..." (and ";phpsessid=...") path parameters and ASP.NET cookieless
// session segments from a raw path.
std::string drop_session_path_tokens(std::string path) {
  for (std::string_view token : {";jsessionid=", ";phpsessid="}) {
    for (size_t p = 0; (p = path.find(';', p)) != std::string::npos;) {
      if (!iequals_prefix(std::string_view(path).substr(p), token)) {
        ++p;
        continue;
      }
      const size_t end = path.find('/', p);
      path.erase(p, end == std::string::npos ? std::string::npos : end - p);
    }
  }
  if (path.find('(') == std::string::npos) return path;
  std::string out;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i + 1);
    if (j == std::string::npos) j = path.size();
    std::string_view seg = std::string_view(path).substr(i, j - i);  // with its leading '/'
    std::string_view bare = seg.empty() || seg[0] != '/' ? seg : seg.substr(1);
    if (!is_aspnet_session_segment(bare)) out += seg;
    i = j;
  }
  return out.empty() ? "/" : out;
}

}  // namespace

std::string Url::origin() const {
  std::string s = scheme + "://" + host;
  if (port != 0) s += ":" + std::to_string(port);
  return s;
}

std::string Url::str() const { return origin() + path_and_query(); }

namespace {

Result<Url> parse_url_impl(std::string_view input, const Url* base, bool canonical);

}  // namespace

Result<Url> parse_url(std::string_view input, const Url* base) {
  return parse_url_impl(input, base, true);
}

Result<Url> parse_request_url(std::string_view input, const Url* base) {
  return parse_url_impl(input, base, false);
}

namespace {

Result<Url> parse_url_impl(std::string_view input, const Url* base, bool canonical) {
  auto bad = [&](std::string why) {
    return make_error(ErrorCode::kInvalidArgument,
                      "bad URL '" + std::string(input.substr(0, 200)) + "': " + why);
  };
  // Browsers strip leading/trailing C0 and spaces and drop tabs/newlines anywhere.
  std::string ref;
  ref.reserve(input.size());
  for (char c : input) {
    if (c != '\t' && c != '\n' && c != '\r') ref += c;
  }
  while (!ref.empty() && static_cast<unsigned char>(ref.front()) <= 0x20) ref.erase(0, 1);
  while (!ref.empty() && static_cast<unsigned char>(ref.back()) <= 0x20) ref.pop_back();
  if (auto h = ref.find('#'); h != std::string::npos) ref.resize(h);

  // Scheme?
  std::string scheme;
  {
    size_t k = 0;
    while (k < ref.size() && (std::isalnum(static_cast<unsigned char>(ref[k])) ||
                              ref[k] == '+' || ref[k] == '-' || ref[k] == '.')) {
      ++k;
    }
    if (k > 0 && k < ref.size() && ref[k] == ':' && std::isalpha(static_cast<unsigned char>(ref[0]))) {
      scheme = lower(std::string_view(ref).substr(0, k));
      ref.erase(0, k + 1);
    }
  }
  if (!scheme.empty() && scheme != "http" && scheme != "https") {
    return bad("scheme '" + scheme + "' is not http or https");
  }
  // http URLs treat '\' as '/' (WHATWG); so do the sites that write them.
  for (auto& c : ref) {
    if (c == '\\') c = '/';
  }
  Url u;
  std::string path, query;
  bool has_query = false;
  auto split_pq = [&](std::string_view pq) {
    auto q = pq.find('?');
    if (q == std::string_view::npos) {
      path = std::string(pq);
    } else {
      path = std::string(pq.substr(0, q));
      query = std::string(pq.substr(q + 1));
      has_query = true;
    }
  };
  if (!scheme.empty() && base && scheme == base->scheme && ref.rfind("//", 0) != 0) {
    // "http:foo" relative with scheme (RFC 3986 §5.2.2 non-strict): treat as relative.
    scheme.clear();
  }
  if (!scheme.empty() || ref.rfind("//", 0) == 0) {
    if (scheme.empty()) {
      if (!base) return bad("no scheme");
      scheme = base->scheme;
    }
    if (ref.rfind("//", 0) != 0) return bad("no host");
    std::string_view rest(ref);
    rest.remove_prefix(2);
    size_t end = rest.find_first_of("/?");
    std::string_view authority = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
    if (auto at = authority.rfind('@'); at != std::string_view::npos) {
      authority.remove_prefix(at + 1);  // credentials in URLs are dropped
    }
    std::string_view host = authority, port;
    if (!authority.empty() && authority.front() == '[') {
      auto close = authority.find(']');
      if (close == std::string_view::npos) return bad("unterminated IPv6 address");
      host = authority.substr(0, close + 1);
      if (close + 1 < authority.size()) {
        if (authority[close + 1] != ':') return bad("junk after IPv6 address");
        port = authority.substr(close + 2);
      }
    } else if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
    }
    u.host = lower(host);
    while (!u.host.empty() && u.host.back() == '.') u.host.pop_back();
    if (u.host.empty()) return bad("empty host");
    for (unsigned char c : u.host) {
      if (!(std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '[' || c == ']' ||
            c == ':' || c >= 0x80)) {
        return bad("bad character in host");
      }
    }
    if (!port.empty()) {
      if (port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) {
            return std::isdigit(static_cast<unsigned char>(c));
          })) {
        return bad("bad port");
      }
      int p = std::stoi(std::string(port));
      if (p < 1 || p > 65535) return bad("port out of range");
      u.port = p == default_port(scheme) ? 0 : p;
    }
    u.scheme = scheme;
    split_pq(rest);
  } else {
    if (!base) return bad("relative URL without a base");
    u.scheme = base->scheme;
    u.host = base->host;
    u.port = base->port;
    if (ref.empty()) {
      path = base->path;
      query = base->query;
      has_query = !base->query.empty();
    } else if (ref.front() == '/') {
      split_pq(ref);
    } else if (ref.front() == '?') {
      path = base->path;
      query = ref.substr(1);
      has_query = true;
    } else {
      auto slash = base->path.rfind('/');
      std::string dir = slash == std::string::npos ? "/" : base->path.substr(0, slash + 1);
      split_pq(dir + ref);
    }
  }
  if (!canonical) {
    u.path = remove_dot_segments(encode_as_written(path.empty() ? "/" : path), false);
    u.query = has_query ? encode_as_written(query) : std::string();
    return u;
  }
  u.path = remove_dot_segments(
      normalize_encoding(path.empty() ? "/" : drop_session_path_tokens(std::move(path)), false));
  u.query = has_query ? sort_query(drop_session_params(normalize_encoding(query, true)))
                      : std::string();
  return u;
}

}  // namespace

Result<std::string> canonical_url(std::string_view ref, const Url* base) {
  auto u = parse_url(ref, base);
  if (!u) return tl::make_unexpected(u.error());
  return u->str();
}

bool same_site(std::string_view a, std::string_view b) {
  auto strip = [](std::string_view h) {
    if (h.rfind("www.", 0) == 0) h.remove_prefix(4);
    return h;
  };
  a = strip(a);
  b = strip(b);
  if (a == b) return true;
  auto sub_of = [](std::string_view x, std::string_view y) {  // x is a subdomain of y
    // y must look like a domain with a dot (never a bare TLD) and not an IP address.
    if (y.find('.') == std::string_view::npos) return false;
    if (std::all_of(y.begin(), y.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == '.'; })) {
      return false;
    }
    return x.size() > y.size() + 1 && x.substr(x.size() - y.size()) == y &&
           x[x.size() - y.size() - 1] == '.';
  };
  return sub_of(a, b) || sub_of(b, a);
}

}  // namespace policyindex::crawler
