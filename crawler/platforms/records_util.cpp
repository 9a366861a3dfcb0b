#include "crawler/platforms/records_util.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace policyindex::crawler::platforms::records {

namespace {

char lc(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '%' && i + 2 < v.size() && hex_value(v[i + 1]) >= 0 && hex_value(v[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(v[i + 1]) * 16 + hex_value(v[i + 2])));
      i += 2;
    } else if (v[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(v[i]);
    }
  }
  return out;
}

std::string_view trim_left(std::string_view s) {
  size_t i = 0;
  // A UTF-8 byte order mark, then whitespace.
  if (s.substr(0, 3) == "\xEF\xBB\xBF") i = 3;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

}  // namespace

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = lc(c);
  return out;
}

bool icontains(std::string_view hay, std::string_view needle) {
  return lower(hay).find(lower(needle)) != std::string::npos;
}

bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && lower(s.substr(0, prefix.size())) == lower(prefix);
}

bool iends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && lower(s.substr(s.size() - suffix.size())) == lower(suffix);
}

std::string query_param(std::string_view query, std::string_view name) {
  size_t pos = 0;
  while (pos <= query.size()) {
    size_t amp = query.find('&', pos);
    if (amp == std::string_view::npos) amp = query.size();
    std::string_view pair = query.substr(pos, amp - pos);
    size_t eq = pair.find('=');
    std::string_view key = pair.substr(0, eq);
    if (lower(percent_decode(key)) == lower(name)) {
      return eq == std::string_view::npos ? std::string() : percent_decode(pair.substr(eq + 1));
    }
    pos = amp + 1;
  }
  return {};
}

std::string encode_query_value(std::string_view v) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : v) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
    }
  }
  return out;
}

std::string first_label(std::string_view host) { return lower(host.substr(0, host.find('.'))); }

std::string origin_of(const Url& u) { return u.origin(); }

// On an agenda platform every item names a meeting body ("City Council", "Select Board") or
// says "minutes"/"warrant": words that lead a crawl from a town's pages to its votes, but that
// tell nothing about one item among hundreds. They are left out of an item's relevance.
int title_relevance(std::string_view title) {
  static constexpr std::string_view kMeetingWords[] = {
      "board of selectmen", "select board", "selectboard", "selectmen", "city council",
      "town council",       "minutes",      "warrant",     "votes"};
  std::string t = lower(title);
  for (std::string_view w : kMeetingWords) {
    for (size_t at = t.find(w); at != std::string::npos; at = t.find(w, at)) t.replace(at, w.size(), " ");
  }
  return policy_score("", t);
}

void best_first(std::vector<Request>& reqs, size_t cap) {
  std::stable_sort(reqs.begin(), reqs.end(),
                   [](const Request& a, const Request& b) { return a.relevance > b.relevance; });
  if (reqs.size() > cap) reqs.resize(cap);
}

void cap_plain(std::vector<Request>& reqs, size_t max_plain) {
  size_t plain = 0;
  std::vector<Request> kept;
  kept.reserve(reqs.size());
  for (auto& q : reqs) {
    if (q.relevance == 0 && q.role != Role::kListing && ++plain > max_plain) continue;
    kept.push_back(std::move(q));
  }
  reqs = std::move(kept);
}

std::vector<int> recent_years(int newest) {
  std::vector<int> years;
  for (int y = newest; y > newest - kRecentYears; --y) years.push_back(y);
  return years;
}

int newest_year_in(std::string_view text) {
  int best = 0;
  for (size_t i = 0; i + 4 <= text.size(); ++i) {
    bool digits = true;
    for (size_t k = 0; k < 4; ++k)
      digits = digits && std::isdigit(static_cast<unsigned char>(text[i + k]));
    if (!digits) continue;
    bool before_ok = i == 0 || !std::isdigit(static_cast<unsigned char>(text[i - 1]));
    bool after_ok = i + 4 == text.size() || !std::isdigit(static_cast<unsigned char>(text[i + 4]));
    if (!before_ok || !after_ok) continue;
    int y = std::stoi(std::string(text.substr(i, 4)));
    if (y >= 1990 && y <= 2100) best = std::max(best, y);
  }
  return best;
}

bool looks_like_html(std::string_view body) {
  std::string_view t = trim_left(body);
  std::string head = lower(t.substr(0, 256));
  return head.rfind("<!doctype html", 0) == 0 || head.rfind("<html", 0) == 0 ||
         head.find("<head") != std::string::npos || head.find("<body") != std::string::npos ||
         head.find("<title") != std::string::npos;
}

bool looks_like_login(std::string_view body) {
  std::string b = lower(body.substr(0, 256 * 1024));
  if (b.find("type=\"password\"") != std::string::npos ||
      b.find("type='password'") != std::string::npos ||
      b.find("type=password") != std::string::npos) {
    return true;
  }
  return b.find("<form") != std::string::npos &&
         (b.find("sign in") != std::string::npos || b.find("log in") != std::string::npos ||
          b.find("login") != std::string::npos);
}

bool looks_like_json(std::string_view body) {
  std::string_view t = trim_left(body);
  return !t.empty() && (t[0] == '{' || t[0] == '[');
}

std::string problem(std::string_view /*platform*/, std::string_view /*url*/,
                    std::string_view message) {
  return std::string(message);
}

std::string listing_status_problem(std::string_view platform, const Request& req,
                                   const Response& resp) {
  if (resp.status >= 200 && resp.status < 300) return {};
  return problem(platform, req.fetch_url,
                 "the listing answered HTTP " + std::to_string(resp.status) + ", not a listing");
}

Reading read_document(std::string_view platform, const Request& req, const Response& resp,
                      bool html_ok) {
  Reading r;
  if (resp.status < 200 || resp.status >= 300) {
    r.problem = problem(platform, req.fetch_url,
                        "the document answered HTTP " + std::to_string(resp.status));
    return r;
  }
  if (trim_left(resp.body).empty()) {
    r.problem = problem(platform, req.fetch_url, "the document came back empty");
    return r;
  }
  bool html = looks_like_html(resp.body) || icontains(resp.content_type, "text/html");
  bool file_magic = resp.body.substr(0, 5) == "%PDF-" || resp.body.substr(0, 2) == "PK" ||
                    resp.body.substr(0, 4) == "\xD0\xCF\x11\xE0";
  if (html && !file_magic) {
    if (looks_like_login(resp.body)) {
      r.problem = problem(platform, req.fetch_url,
                          "a login page came back where the document was expected");
      return r;
    }
    if (!html_ok) {
      r.problem =
          problem(platform, req.fetch_url, "an HTML page came back where a file was expected");
      return r;
    }
  }
  r.store = true;
  return r;
}

std::vector<std::string_view> html_rows(std::string_view html) {
  std::vector<std::string_view> rows;
  std::string low = lower(html);
  size_t pos = low.find("<tr");
  if (pos == std::string::npos) {
    rows.push_back(html);
    return rows;
  }
  while (pos != std::string::npos) {
    size_t next = low.find("<tr", pos + 3);
    size_t end = next == std::string::npos ? html.size() : next;
    rows.push_back(html.substr(pos, end - pos));
    pos = next;
  }
  return rows;
}

std::string text_of(std::string_view html, size_t max) {
  std::string out;
  bool in_tag = false;
  bool space = true;
  for (size_t i = 0; i < html.size() && out.size() < max; ++i) {
    char c = html[i];
    if (in_tag) {
      if (c == '>') in_tag = false;
      continue;
    }
    if (c == '<') {
      in_tag = true;
      c = ' ';
    } else if (c == '&') {
      static constexpr std::pair<std::string_view, char> kEntities[] = {
          {"&amp;", '&'},  {"&lt;", '<'},    {"&gt;", '>'},  {"&quot;", '"'},
          {"&#39;", '\''}, {"&apos;", '\''}, {"&nbsp;", ' '}};
      for (auto [ent, ch] : kEntities) {
        if (lower(html.substr(i, ent.size())) == ent) {
          c = ch;
          i += ent.size() - 1;
          break;
        }
      }
    }
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!space) out.push_back(' ');
      space = true;
    } else {
      out.push_back(c);
      space = false;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::vector<Link> links_of(std::string_view html, std::string_view base) {
  auto b = parse_url(base);
  if (!b) return {};
  return extract_links(html, *b);
}

Request make_request(std::string fetch_url, Role role, std::string title, std::string human_url,
                     std::string doc_type, std::string context) {
  Request q;
  q.fetch_url = std::move(fetch_url);
  q.human_url = std::move(human_url);
  q.role = role;
  q.doc_type = std::move(doc_type);
  q.relevance = title_relevance(title);
  q.title = std::move(title);
  q.context = std::move(context);
  return q;
}

}  // namespace policyindex::crawler::platforms::records
