// The link policy's rules about hosts and URL shapes: which hosts are one town's own site
// (alternate and moved domains), which off-site hosts serve the files towns publish, which
// query parameters name a visit rather than content, and which URLs are variants of one
// page (calendars, faceted listings) that must not exhaust a crawl's budget.

#include <algorithm>
#include <array>
#include <cctype>

#include "crawler/internal.h"

namespace policyindex::crawler {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

std::string_view strip_www(std::string_view h) {
  if (starts_with(h, "www.")) h.remove_prefix(4);
  return h;
}

// The host of a URL, or the text itself when it is a bare host name.
std::string host_of(std::string_view host_or_url) {
  if (host_or_url.find("://") != std::string_view::npos) {
    auto u = parse_url(host_or_url);
    return u ? u->host : std::string();
  }
  std::string h = lower(host_or_url);
  while (!h.empty() && h.back() == '.') h.pop_back();
  return h;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c));
  });
}

bool is_year(std::string_view s) {
  return s.size() == 4 && all_digits(s) && (starts_with(s, "19") || starts_with(s, "20"));
}

bool is_month_or_day(std::string_view s) {
  if (s.empty() || s.size() > 2 || !all_digits(s)) return false;
  const int v = std::stoi(std::string(s));
  return v >= 1 && v <= 31;
}

// "2024-05-17", "2024-05", "20240517", "05-17-2024", "2024_05_17".
bool is_date_token(std::string_view s) {
  std::vector<std::string> parts{""};
  for (char c : s) {
    if (c == '-' || c == '_' || c == '.') {
      parts.emplace_back();
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      parts.back() += c;
    } else {
      return false;
    }
  }
  if (parts.size() == 1) {
    const auto& p = parts[0];
    return p.size() == 8 && is_year(p.substr(0, 4)) && is_month_or_day(p.substr(4, 2)) &&
           is_month_or_day(p.substr(6, 2));
  }
  if (parts.size() < 2 || parts.size() > 3) return false;
  if (is_year(parts[0])) {
    return std::all_of(parts.begin() + 1, parts.end(), [](auto& p) { return is_month_or_day(p); });
  }
  return is_year(parts.back()) &&
         std::all_of(parts.begin(), parts.end() - 1, [](auto& p) { return is_month_or_day(p); });
}

// The path with date segments (and year/month/day sequences) replaced by "{date}".
std::string dated_path(std::string_view path, bool* has_date) {
  std::vector<std::string_view> segs;
  size_t i = 1;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    segs.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  std::string out;
  for (size_t k = 0; k < segs.size(); ++k) {
    std::string_view s = segs[k];
    bool date = is_date_token(s);
    if (!date && is_year(s) && k + 1 < segs.size() && is_month_or_day(segs[k + 1])) {
      // "/2024/05" or "/2024/05/17": a year followed by a month (and a day).
      date = true;
      ++k;
      if (k + 1 < segs.size() && is_month_or_day(segs[k + 1])) ++k;
    }
    out += '/';
    if (date) {
      out += "{date}";
      *has_date = true;
    } else {
      out += s;
    }
  }
  return out.empty() ? "/" : out;
}

// Parameters that are a date whatever their value, and ones that are when the value is one
// ("start=20" is a list offset, "start=2024-05-01" a calendar's range).
constexpr std::array<std::string_view, 9> kDateParams = {
    "date", "day", "month", "year", "week", "yr", "mo", "calendardate", "eventdate"};
constexpr std::array<std::string_view, 8> kRangeParams = {
    "start", "end", "from", "to", "startdate", "enddate", "start_date", "end_date"};

}  // namespace

bool is_session_param(std::string_view name, std::string_view value) {
  const std::string n = lower(name);
  for (std::string_view exact :
       {"jsessionid", "phpsessid", "sessionid", "session_id", "cfid", "cftoken", "fbclid", "gclid",
        "msclkid", "mc_cid", "mc_eid", "_ga", "_gl"}) {
    if (n == exact) return true;
  }
  if (starts_with(n, "utm_") || starts_with(n, "aspsessionid")) return true;
  // "sid" is also an ordinary name (a section id): only long token-like values are sessions.
  if (n == "sid" || n == "s_id") {
    return value.size() >= 16 && std::all_of(value.begin(), value.end(), [](char c) {
             return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
           });
  }
  return false;
}

namespace {

// town_domain_key, and whether the host says "Massachusetts" itself (.ma.us, or a name ending
// in "ma"/"-ma").
std::string domain_key(std::string_view host_in, bool* marked) {
  *marked = false;
  std::string host = lower(strip_www(host_in));
  std::string_view h = host;
  if (ends_with(h, ".ma.us")) {
    h.remove_suffix(6);
    *marked = true;
    const auto dot = h.rfind('.');
    return std::string(dot == std::string_view::npos ? h : h.substr(dot + 1));
  }
  bool gov = false;
  for (std::string_view tld : {".gov", ".org", ".com", ".net", ".us"}) {
    if (ends_with(h, tld)) {
      gov = tld == ".gov";
      h.remove_suffix(tld.size());
      break;
    }
  }
  if (h.size() == host.size()) return {};  // another top-level domain
  if (const auto dot = h.rfind('.'); dot != std::string_view::npos) h.remove_prefix(dot + 1);
  std::string_view name = h;
  for (std::string_view prefix : {"townof", "cityof", "town-of-", "city-of-", "town-", "city-"}) {
    if (starts_with(name, prefix) && name.size() > prefix.size() + 2) {
      name.remove_prefix(prefix.size());
      break;
    }
  }
  bool ma = false;
  for (std::string_view suffix : {"-ma", "ma"}) {
    if (ends_with(name, suffix) && name.size() > suffix.size() + 2) {
      name.remove_suffix(suffix.size());
      ma = true;
      break;
    }
  }
  if (!gov && !ma) return {};  // "acton.org" could be anyone's
  if (name.size() < 3) return {};
  *marked = ma;
  std::string key;
  for (char c : name) {
    if (c != '-') key += c;
  }
  return key;
}

}  // namespace

std::string town_domain_key(std::string_view host) {
  bool marked = false;
  return domain_key(host, &marked);
}

void SiteMap::add(int64_t municipality, std::string_view host_or_url) {
  std::string h(strip_www(host_of(host_or_url)));
  if (h.empty()) return;
  auto [it, fresh] = owner_.emplace(h, municipality);
  if (!fresh && it->second != municipality) it->second = -1;  // shared: nobody's own
}

std::optional<int64_t> SiteMap::owner(std::string_view host) const {
  auto it = owner_.find(std::string(strip_www(host)));
  if (it == owner_.end() || it->second < 0) return std::nullopt;
  return it->second;
}

bool SiteMap::same_town(std::string_view page_host, std::optional<int64_t> municipality,
                        std::string_view link_host) const {
  if (same_site(page_host, link_host)) return true;
  if (!municipality) municipality = owner(page_host);
  if (municipality) {
    if (auto o = owner(link_host); o && *o == *municipality) return true;
    // A subdomain of one of the town's registered hosts (police.actonma.gov).
    for (auto dot = link_host.find('.'); dot != std::string_view::npos;
         dot = link_host.find('.', dot + 1)) {
      std::string_view parent = link_host.substr(dot + 1);
      if (parent.find('.') == std::string_view::npos) break;
      if (auto o = owner(parent); o && *o == *municipality) return true;
    }
  }
  bool ma_a = false, ma_b = false;
  const std::string a = domain_key(page_host, &ma_a), b = domain_key(link_host, &ma_b);
  if (a.empty() || a != b) return false;
  // "boston.gov" and "cityofboston.gov" could be any state's: the registry's alt_domains
  // name such pairs. By name alone both hosts must say Massachusetts.
  if (!(ma_a && ma_b)) return false;
  // A move between .ma.us and .gov, or two spellings of one .gov name (actonma.gov and
  // acton-ma.gov). A .org/.com name ("medfordma.org") is matched only against the town's
  // .ma.us/.gov hosts, never against another .org/.com.
  auto official = [](std::string_view h) { return ends_with(h, ".ma.us") || ends_with(h, ".gov"); };
  return official(page_host) || official(link_host);
}

bool is_document_host(std::string_view host_in) {
  const std::string host = lower(host_in);
  std::string_view h = host;
  // Whole hosts.
  for (std::string_view exact :
       {"docs.google.com", "drive.google.com", "drive.usercontent.google.com",
        "static1.squarespace.com", "dl.dropboxusercontent.com", "www.dropbox.com", "dropbox.com"}) {
    if (h == exact) return true;
  }
  // Domains whose subdomains are document stores, CMS file hosts or code/agenda platforms.
  for (std::string_view domain : {"amazonaws.com",
                                  "cloudfront.net",
                                  "blob.core.windows.net",
                                  "storage.googleapis.com",
                                  "civicplus.com",
                                  "civicweb.net",
                                  "granicus.com",
                                  "govdelivery.com",
                                  "revize.com",
                                  "municipalimpact.com",
                                  "vt-s.net",
                                  "finalsite.net",
                                  "ecode360.com",
                                  "municode.com",
                                  "amlegal.com",
                                  "legistar.com",
                                  "iqm2.com",
                                  "novusagenda.com",
                                  "civicclerk.com",
                                  "laserfiche.com",
                                  "powerdms.com",
                                  "lexipol.com",
                                  "boarddocs.com",
                                  "sharepoint.com",
                                  "wixstatic.com",
                                  "weebly.com",
                                  "squarespace-cdn.com",
                                  "googleusercontent.com",
                                  "documentcloud.org"}) {
    if (h == domain || (ends_with(h, domain) && h[h.size() - domain.size() - 1] == '.'))
      return true;
  }
  return false;
}

bool is_date_trap(const Url& u) {
  bool dated = false;
  dated_path(u.path, &dated);
  if (dated) return true;
  size_t i = 0;
  const std::string_view q = u.query;
  while (i < q.size()) {
    size_t j = q.find('&', i);
    if (j == std::string_view::npos) j = q.size();
    std::string_view part = q.substr(i, j - i);
    const size_t eq = part.find('=');
    const std::string name = lower(part.substr(0, eq));
    std::string_view value =
        eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1);
    if (value.empty()) {
      i = j + 1;
      continue;
    }
    if (std::find(kDateParams.begin(), kDateParams.end(), name) != kDateParams.end()) return true;
    const bool slashed_date = value.find("%2F") != std::string_view::npos &&
                              std::isdigit(static_cast<unsigned char>(value[0]));
    if (is_date_token(value) || slashed_date ||
        (is_year(value) &&
         std::find(kRangeParams.begin(), kRangeParams.end(), name) != kRangeParams.end())) {
      return true;
    }
    i = j + 1;
  }
  return false;
}

std::string variant_pattern(const Url& u) {
  bool dated = false;
  std::string out = u.host + dated_path(lower(u.path), &dated);
  if (u.query.empty()) return out;
  std::vector<std::string> names;
  size_t i = 0;
  while (i < u.query.size()) {
    size_t j = u.query.find('&', i);
    if (j == std::string::npos) j = u.query.size();
    std::string part = u.query.substr(i, j - i);
    names.push_back(lower(part.substr(0, part.find('='))));
    i = j + 1;
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  out += '?';
  for (const auto& n : names) {
    out += n;
    out += '&';
  }
  return out;
}

}  // namespace policyindex::crawler
