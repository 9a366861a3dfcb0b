#include "crawler/response_policy.h"

#include "extract/sniff.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace policyindex::crawler {

using corpus::FetchOutcome;

Verdict judge_response(const HttpResponse& r, bool body_too_large, uint64_t max_bytes) {
  Verdict v;
  if (body_too_large || r.too_large) {
    v.action = Action::kFail;
    v.outcome = FetchOutcome::kTooLarge;
    v.reason = "too_large: body exceeds --max-bytes " + std::to_string(max_bytes);
    return v;
  }
  if (r.curl_code != 0) {
    v.reason = (r.timed_out ? "timeout: " : "network: ") + r.error;
    v.host_failure = true;
    // Resets, partial bodies and timeouts are worth another try; the last one is logged
    // as a timeout when it timed out.
    v.action = r.transient ? Action::kRetry : Action::kFail;
    v.outcome = r.transient && r.timed_out ? FetchOutcome::kTimeout : FetchOutcome::kFailed;
    return v;
  }
  const long status = r.status;
  v.host_answered = status < 500 && status != 429;
  if (status >= 300 && status < 400 && status != 304) {
    v.action = Action::kRedirect;
    v.outcome = FetchOutcome::kRedirect;
    return v;
  }
  if (status == 429 || status >= 500) {
    v.action = Action::kRetry;
    v.outcome = FetchOutcome::kFailed;
    v.reason = "HTTP " + std::to_string(status);
    v.host_failure = status >= 500;  // a 429 is the host asking us to slow down, not failing
    return v;
  }
  if (status == 304) {
    v.action = Action::kNotModified;
    v.outcome = FetchOutcome::kNotModified;
    return v;
  }
  if (status >= 200 && status < 300) {
    v.action = Action::kStore;
    v.outcome = FetchOutcome::kFetched;
    return v;
  }
  v.action = status == 404 || status == 410 ? Action::kGone : Action::kFail;
  v.outcome = FetchOutcome::kHttpError;
  v.reason = "HTTP " + std::to_string(status);
  return v;
}

namespace {

constexpr int kCurlWriteError = 23;        // we stopped reading at kRobotsMaxBytes
constexpr int kCurlTooManyRedirects = 47;  // more than HttpRequest::max_redirects hops

}  // namespace

std::string robots_unreachable_reason(const HttpResponse& r) {
  if (r.curl_code != 0 && r.curl_code != kCurlWriteError && r.curl_code != kCurlTooManyRedirects) {
    return (r.timed_out ? "timeout: " : "network: ") + r.error;
  }
  if (r.curl_code == 0 && (r.status >= 500 || r.status == 429 || r.status < 200)) {
    return "HTTP " + std::to_string(r.status);
  }
  return {};
}

RobotsVerdict judge_robots(const HttpResponse& r, std::string_view body, std::string_view agent) {
  RobotsVerdict v;
  v.unreachable = robots_unreachable_reason(r);
  if (!v.unreachable.empty()) return v;
  // Beyond five redirects the file is "unavailable" (§2.3.1.2): like a 4xx, allow all.
  const long status = r.curl_code == kCurlTooManyRedirects ? 310 : r.status;
  v.robots = Robots::from_fetch(status, true, body.substr(0, kRobotsMaxBytes), agent);
  if (!v.robots) v.unreachable = "HTTP " + std::to_string(r.status);
  return v;
}

Result<Url> redirect_target(const Item& it, const HttpResponse& r) {
  std::string target_text = !r.redirect_url.empty() ? r.redirect_url : r.location;
  if (target_text.empty()) {
    return make_error(ErrorCode::kHttp, "HTTP " + std::to_string(r.status) + " without Location");
  }
  Url from = *parse_request_url(it.fetch_url);
  // Followed as the Location is written; compared for loops by canonical URL.
  auto target = parse_request_url(target_text, &from);
  if (!target) return make_error(ErrorCode::kHttp, "redirect refused: " + target.error().message);
  auto canonical = canonical_url(target->str());
  if (!canonical) return make_error(ErrorCode::kHttp, "redirect refused: " + canonical.error().message);
  const std::string& t = *canonical;
  if (it.redirects >= kMaxRedirects) {
    return make_error(ErrorCode::kHttp,
                      "too many redirects (more than " + std::to_string(kMaxRedirects) + ")");
  }
  auto same = [&](const std::string& u) {
    auto c = canonical_url(u);
    return u == target->str() || (c && *c == t);
  };
  if (t == it.url || same(it.fetch_url) || std::any_of(it.chain.begin(), it.chain.end(), same)) {
    return make_error(ErrorCode::kHttp, "redirect loop: " + it.fetch_url + " -> " + target->str());
  }
  return target;
}

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool has(std::string_view hay, std::string_view needle) {
  return hay.find(needle) != std::string_view::npos;
}

// The text of the page's <title>, lower case ("" when none).
std::string page_title(std::string_view lower_html) {
  auto open = lower_html.find("<title");
  if (open == std::string_view::npos) return {};
  auto start = lower_html.find('>', open);
  if (start == std::string_view::npos) return {};
  auto end = lower_html.find("</title", start);
  std::string t(lower_html.substr(start + 1, end == std::string_view::npos ? 200 : end - start - 1));
  size_t a = t.find_first_not_of(" \t\r\n");
  size_t b = t.find_last_not_of(" \t\r\n");
  return a == std::string::npos ? std::string() : t.substr(a, b - a + 1);
}

struct Sign {
  const char* vendor;
  const char* words;  // lower case
  bool strong;        // a challenge page's own words, not a script normal pages carry too
  bool in_title = false;
};

constexpr std::array<Sign, 22> kWafSigns{{
    {"Cloudflare", "just a moment...", true, true},
    {"Cloudflare", "attention required! | cloudflare", true, true},
    {"Cloudflare", "cf_chl_opt", true},
    {"Cloudflare", "cf-chl-", true},
    {"Cloudflare", "cf-browser-verification", true},
    {"Cloudflare", "checking your browser before accessing", true},
    {"Cloudflare", "cf-error-details", true},
    {"Cloudflare", "/cdn-cgi/challenge-platform/", false},
    {"Incapsula", "request unsuccessful. incapsula incident id", true},
    {"Incapsula", "incapsula incident id", true},
    {"Incapsula", "_incapsula_resource", false},
    {"Akamai", "errors.edgesuite.net", true},
    {"Akamai", "you don't have permission to access", false},
    {"Sucuri", "sucuri website firewall", true},
    {"Sucuri", "access denied - sucuri", true},
    {"Sucuri", "cloudproxy@sucuri.net", true},
    {"AWS WAF", "awswafintegration", true},
    {"AWS WAF", "aws-waf-token", true},
    {"AWS WAF", "generated by cloudfront (cloudfront)", false},
    {"DDoS-Guard", "ddos-guard", false},
    {"a firewall", "please enable javascript and cookies to continue", true},
    {"a firewall", "request rejected. the requested url was rejected", true},
}};

}  // namespace

std::string waf_challenge(std::string_view body_head, long status, uint64_t body_bytes) {
  const std::string html = lower(body_head.substr(0, kBlockSniffBytes));
  const std::string title = page_title(html);
  const bool weak_counts = status >= 400 || body_bytes < 16 * 1024;
  for (const auto& s : kWafSigns) {
    const bool found = s.in_title ? has(title, s.words) : has(html, s.words);
    if (!found || (!s.strong && !weak_counts)) continue;
    return std::string(s.vendor) + " (\"" + s.words + "\")";
  }
  // Akamai's block page: "Access Denied" with a "Reference #" number.
  if (title == "access denied" && has(html, "reference #")) {
    return "Akamai (\"Access Denied ... Reference #\")";
  }
  return {};
}

bool is_login_url(std::string_view url) {
  auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return false;
  std::string u = lower(url.substr(scheme + 3));
  const size_t slash = u.find_first_of("/?");
  std::string host = u.substr(0, slash == std::string::npos ? u.size() : slash);
  if (auto colon = host.rfind(':'); colon != std::string::npos) host.resize(colon);
  std::string path = slash == std::string::npos ? "/" : u.substr(slash);
  for (const char* h : {"login.microsoftonline.com", "login.live.com", "accounts.google.com",
                        "login.windows.net", "sts.windows.net"}) {
    if (host == h) return true;
  }
  for (const char* suffix : {".okta.com", ".auth0.com", ".onelogin.com", ".b2clogin.com"}) {
    const std::string_view sx(suffix);
    if (host.size() > sx.size() && host.compare(host.size() - sx.size(), sx.size(), sx) == 0) return true;
  }
  for (const char* prefix : {"login.", "sso.", "signin.", "idp.", "adfs.", "auth."}) {
    if (host.rfind(prefix, 0) == 0) return true;
  }
  const std::string p = path.substr(0, path.find('?'));
  for (const char* seg : {"/login", "/log-in", "/logon", "/signin", "/sign-in", "/sign_in",
                          "/account/login", "/users/sign_in", "/user/login", "/wp-login.php",
                          "/saml", "/sso", "/adfs/ls", "/cas/login", "/oauth2/authorize",
                          "/idp/", "/auth/realms/"}) {
    const std::string_view sg(seg);
    for (size_t at = p.find(sg); at != std::string::npos; at = p.find(sg, at + 1)) {
      const size_t end = at + sg.size();
      // A whole segment (or a known file): "/login", "/login/", "/login.aspx", not "/logins-2019".
      if (sg.back() == '/' || end == p.size() || p[end] == '/' || p[end] == '.' || p[end] == '?') {
        return true;
      }
    }
  }
  return false;
}

bool is_login_page(std::string_view body_head, std::string_view url) {
  const std::string html = lower(body_head.substr(0, kBlockSniffBytes));
  const bool password = has(html, "type=\"password\"") || has(html, "type='password'") ||
                        has(html, "type=password");
  if (!password) return false;
  if (is_login_url(url)) return true;
  const std::string title = page_title(html);
  for (const char* w : {"log in", "login", "sign in", "signin", "sign-in", "log on", "logon",
                        "authentication required", "single sign-on"}) {
    if (has(title, w)) return true;
  }
  return false;
}

std::optional<Block> classify_block(const HttpResponse& r, std::string_view body_head,
                                    std::string_view url) {
  if (r.curl_code != 0 && r.curl_code != kCurlWriteError) return std::nullopt;
  if (r.status == 401 || r.status == 407) {
    return Block{FetchOutcome::kLoginWall, "login wall: HTTP " + std::to_string(r.status)};
  }
  if (r.status >= 300 && r.status < 400 && r.status != 304) {
    std::string target_text = !r.redirect_url.empty() ? r.redirect_url : r.location;
    auto from = parse_request_url(url);
    if (!from || target_text.empty()) return std::nullopt;
    auto target = parse_request_url(target_text, &*from);
    if (target && is_login_url(target->str()) && !is_login_url(url)) {
      return Block{FetchOutcome::kLoginWall, "login wall: redirected to " + target->str()};
    }
    return std::nullopt;
  }
  // A PDF or a Word file is never a challenge page or a sign-in form, whatever words it holds.
  const std::string_view sniffed = extract::sniff_media_type(body_head);
  if (!sniffed.empty() && sniffed != "text/html" && sniffed != "text/plain") return std::nullopt;
  if (auto vendor = waf_challenge(body_head, r.status, r.bytes); !vendor.empty()) {
    return Block{FetchOutcome::kChallenge,
                 "challenge: " + vendor + ", HTTP " + std::to_string(r.status)};
  }
  if (r.status >= 200 && r.status < 300 && is_login_page(body_head, url)) {
    return Block{FetchOutcome::kLoginWall, "login wall: a sign-in form"};
  }
  return std::nullopt;
}

int64_t retry_delay_ms(int attempt, int base_ms, int64_t jitter_ms, const std::string& retry_after,
                       int retry_after_cap_ms) {
  int64_t backoff = static_cast<int64_t>(base_ms) << std::min(attempt - 1, 10);
  backoff += jitter_ms;
  if (auto ra = parse_retry_after(retry_after)) {
    backoff = std::max<int64_t>(std::min<int64_t>(*ra, retry_after_cap_ms), 0);
  }
  return backoff;
}

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string latin1_to_utf8(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

std::string base_name(std::string name) {
  if (auto slash = name.find_last_of("/\\"); slash != std::string::npos) name.erase(0, slash + 1);
  while (!name.empty() && (name.back() == ' ' || name.back() == '.')) name.pop_back();
  return name;
}

std::string extension_type(std::string_view name) {
  std::string n = lower(name.substr(0, name.find_first_of("?#")));
  auto dot = n.rfind('.');
  if (dot == std::string::npos || n.find('/', dot) != std::string::npos) return {};
  const std::string ext = n.substr(dot + 1);
  if (ext == "pdf") return "application/pdf";
  if (ext == "docx") return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
  if (ext == "doc") return "application/msword";
  if (ext == "rtf") return "application/rtf";
  if (ext == "odt") return "application/vnd.oasis.opendocument.text";
  if (ext == "txt") return "text/plain";
  if (ext == "htm" || ext == "html") return "text/html";
  return {};
}

}  // namespace

std::string content_disposition_filename(std::string_view header) {
  std::string plain, extended;
  size_t i = 0;
  while (i < header.size()) {
    // One parameter: name[*]=value up to an unquoted ';'.
    while (i < header.size() && (header[i] == ';' || header[i] == ' ' || header[i] == '\t')) ++i;
    const size_t eq = header.find('=', i);
    const size_t semi = header.find(';', i);
    if (eq == std::string_view::npos || (semi != std::string_view::npos && semi < eq)) {
      i = semi == std::string_view::npos ? header.size() : semi + 1;  // "attachment", junk
      continue;
    }
    std::string name = lower(header.substr(i, eq - i));
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.pop_back();
    i = eq + 1;
    while (i < header.size() && (header[i] == ' ' || header[i] == '\t')) ++i;
    std::string value;
    if (i < header.size() && header[i] == '"') {
      for (++i; i < header.size() && header[i] != '"'; ++i) {
        if (header[i] == '\\' && i + 1 < header.size()) ++i;
        value += header[i];
      }
      if (i < header.size()) ++i;
      const size_t next = header.find(';', i);
      i = next == std::string_view::npos ? header.size() : next + 1;
    } else {
      const size_t end = header.find(';', i);
      value = std::string(header.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i));
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.pop_back();
      i = end == std::string_view::npos ? header.size() : end + 1;
    }
    if (name == "filename") {
      plain = value;
    } else if (name == "filename*") {
      // RFC 8187: charset'language'percent-encoded
      const size_t q1 = value.find('\'');
      const size_t q2 = q1 == std::string::npos ? std::string::npos : value.find('\'', q1 + 1);
      if (q2 == std::string::npos) continue;
      const std::string charset = lower(std::string_view(value).substr(0, q1));
      std::string decoded;
      for (size_t k = q2 + 1; k < value.size(); ++k) {
        if (value[k] == '%' && k + 2 < value.size() && hex_digit(value[k + 1]) >= 0 &&
            hex_digit(value[k + 2]) >= 0) {
          decoded += static_cast<char>(hex_digit(value[k + 1]) * 16 + hex_digit(value[k + 2]));
          k += 2;
        } else {
          decoded += value[k];
        }
      }
      if (charset == "utf-8") {
        extended = decoded;
      } else if (charset == "iso-8859-1") {
        extended = latin1_to_utf8(decoded);
      }
    }
  }
  return base_name(!extended.empty() ? extended : plain);
}

std::string recorded_content_type(std::string_view head, std::string_view server_type,
                                  std::string_view filename, std::string_view url) {
  const std::string_view sniffed = extract::sniff_media_type(head);
  const std::string server = lower(server_type);
  const bool server_says_nothing = server.empty() || has(server, "octet-stream") ||
                                   has(server, "binary") || has(server, "x-download") ||
                                   has(server, "force-download");
  if (sniffed == "text/html") return has(server, "html") ? std::string(server_type) : "text/html";
  if (!sniffed.empty() && sniffed != "text/plain" && sniffed != "application/zip") {
    return std::string(sniffed);
  }
  if (!server_says_nothing) return std::string(server_type);
  for (auto name : {filename, url}) {
    if (auto t = extension_type(name); !t.empty()) return t;
  }
  if (!sniffed.empty()) return std::string(sniffed);
  return std::string(server_type);
}

}  // namespace policyindex::crawler
