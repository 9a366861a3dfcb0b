// Adaptive revisit (revisit.h): the schedule after a check, what is due, listings, the
// dates of HTTP headers and sitemaps, and the run's plan.

#include "crawler/revisit.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstring>
#include <ctime>

#include "crawler/frontier.h"
#include "crawler/internal.h"

namespace policyindex::crawler {
namespace {

using corpus::RevisitRole;
using corpus::RevisitState;

constexpr int kMaxUnchangedChecks = 40;  // 2^40 days is past any cap
constexpr double kAgeFraction = 0.1;     // RFC 9111 §4.2.2's heuristic freshness
constexpr int64_t kFutureSlackS = 86400;  // sitemap dates further ahead are ignored

// A number in [0, 1) from URL and salt, the same on every run and machine (FNV-1a, then
// splitmix64's finaliser).
double unit_hash(std::string_view url, uint64_t salt) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : url) {
    h ^= c;
    h *= 1099511628211ull;
  }
  h ^= salt * 0x9e3779b97f4a7c15ull;
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  return static_cast<double>(h >> 11) / static_cast<double>(1ull << 53);
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int to_int(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

std::optional<int64_t> make_time(int year, int month, int day, int hour, int minute, int second) {
  return corpus::unix_from_utc(year, month, day, hour, minute, second);
}

// "hh:mm:ss" or "hh:mm".
bool parse_clock(std::string_view t, int& h, int& m, int& s) {
  s = 0;
  if (t.size() < 5 || t[2] != ':' || !all_digits(t.substr(0, 2)) || !all_digits(t.substr(3, 2))) {
    return false;
  }
  h = to_int(t.substr(0, 2));
  m = to_int(t.substr(3, 2));
  if (t.size() == 5) return true;
  if (t.size() != 8 || t[5] != ':' || !all_digits(t.substr(6, 2))) return false;
  s = to_int(t.substr(6, 2));
  return true;
}

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

// The text of the first <tag>...</tag> in `block` (CDATA and the XML entities undone).
std::optional<std::string> element(std::string_view block, std::string_view tag) {
  const std::string open = "<" + std::string(tag) + ">";
  const std::string close = "</" + std::string(tag) + ">";
  auto a = block.find(open);
  if (a == std::string_view::npos) return std::nullopt;
  a += open.size();
  auto b = block.find(close, a);
  if (b == std::string_view::npos) return std::nullopt;
  std::string v = trim(block.substr(a, b - a));
  if (v.rfind("<![CDATA[", 0) == 0 && v.size() >= 12 && v.ends_with("]]>")) {
    v = trim(std::string_view(v).substr(9, v.size() - 12));
  }
  for (auto [ent, ch] : {std::pair{"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""},
                         {"&apos;", "'"}}) {
    for (size_t p; (p = v.find(ent)) != std::string::npos;) v.replace(p, std::strlen(ent), ch);
  }
  return v;
}

}  // namespace

// -- the policy ------------------------------------------------------------------------------

RevisitState next_revisit_state(const RevisitOptions& o, const std::optional<RevisitState>& prev,
                                int64_t document_id, std::string_view url,
                                const RevisitCheck& check, int64_t now_s) {
  const double base = static_cast<double>(std::max<int64_t>(o.base_s, 1));
  const double cap = std::max(base, static_cast<double>(o.cap_s));
  RevisitState s;
  s.document_id = document_id;
  s.role = check.role ? *check.role : prev ? prev->role : RevisitRole::kDocument;
  s.checked_s = now_s;
  if (prev) s.sitemap_lastmod_s = prev->sitemap_lastmod_s;
  std::optional<int64_t> lm;
  if (check.last_modified_s && *check.last_modified_s <= now_s) lm = check.last_modified_s;
  if (check.result == RevisitCheck::Result::kChanged) {
    s.unchanged_checks = 0;
    // It changed since the last check: the server's date when it falls in between.
    s.changed_s = lm && (!prev || *lm > prev->checked_s) ? *lm : now_s;
  } else {
    s.unchanged_checks = prev ? std::min(prev->unchanged_checks + 1, kMaxUnchangedChecks) : 1;
    s.changed_s = prev ? prev->changed_s : lm.value_or(now_s);
  }
  const double age = static_cast<double>(std::max<int64_t>(0, now_s - s.changed_s));
  double interval = std::max(std::ldexp(base, s.unchanged_checks), kAgeFraction * age);
  interval = std::min(interval, cap);
  if (!prev) {
    // The first schedule: anywhere between base and the interval, so that the documents of
    // a first crawl spread over the nights to come.
    interval = base + unit_hash(url, 0) * (interval - base);
  } else {
    const double spread = std::clamp(o.spread, 0.0, 0.9);
    interval *= 1.0 + spread * (2.0 * unit_hash(url, 1 + s.unchanged_checks) - 1.0);
  }
  interval = std::clamp(interval, base, cap);
  s.next_due_s = now_s + std::llround(interval);
  return s;
}

bool revisit_due(const RevisitOptions& o, const RevisitState& s, int64_t now_s) {
  if (s.role == RevisitRole::kListing) return true;
  const int64_t horizon = now_s + kRevisitSlackS;
  if (s.sitemap_lastmod_s) {
    if (*s.sitemap_lastmod_s > s.checked_s) return true;
    return horizon >= s.checked_s + std::max(o.cap_s, o.base_s);
  }
  return horizon >= s.next_due_s;
}

bool looks_like_listing(const Item& page, std::string_view html) {
  auto base = parse_url(page.fetch_url);
  if (!base) return false;
  for (const auto& l : extract_links(html, *base)) {
    if (is_document_url(l.url) && (page.policy || policy_score(l.url, l.anchor) >= 2)) return true;
  }
  return false;
}

// -- dates -----------------------------------------------------------------------------------

std::optional<int64_t> parse_http_date(std::string_view text) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  int day = -1, month = -1, year = -1, h = -1, m = -1, s = -1;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == ',' || text[i] == '-')) ++i;
    size_t j = i;
    while (j < text.size() && text[j] != ' ' && text[j] != ',' && text[j] != '-') ++j;
    std::string_view tok = text.substr(i, j - i);
    i = j;
    if (tok.empty()) continue;
    if (tok.find(':') != std::string_view::npos) {
      if (!parse_clock(tok, h, m, s)) return std::nullopt;
    } else if (all_digits(tok)) {
      if (tok.size() == 4) {
        year = to_int(tok);
      } else if (tok.size() <= 2 && day < 0) {
        day = to_int(tok);
      } else if (tok.size() == 2) {
        const int yy = to_int(tok);
        year = yy >= 70 ? 1900 + yy : 2000 + yy;  // RFC 9110 §5.6.7
      } else {
        return std::nullopt;
      }
    } else if (tok.size() >= 3) {
      std::string low(tok.substr(0, 3));
      for (auto& c : low) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      for (size_t k = 0; k < kMonths.size(); ++k) {
        if (low == kMonths[k] && month < 0 && tok.size() <= 3) month = static_cast<int>(k) + 1;
      }
    }
  }
  if (day < 0 || month < 0 || year < 0 || h < 0) return std::nullopt;
  return make_time(year, month, day, h, m, s);
}

std::optional<int64_t> parse_w3c_datetime(std::string_view t) {
  auto digits = [&](size_t pos, size_t n) {
    return pos + n <= t.size() && all_digits(t.substr(pos, n));
  };
  if (!digits(0, 4)) return std::nullopt;
  const int year = to_int(t.substr(0, 4));
  int month = 1, day = 1, h = 0, m = 0, s = 0;
  size_t p = 4;
  if (p < t.size()) {
    if (t[p] != '-' || !digits(p + 1, 2)) return std::nullopt;
    month = to_int(t.substr(p + 1, 2));
    p += 3;
  }
  if (p < t.size()) {
    if (t[p] != '-' || !digits(p + 1, 2)) return std::nullopt;
    day = to_int(t.substr(p + 1, 2));
    p += 3;
  }
  int64_t offset = 0;
  if (p < t.size()) {
    if (t[p] != 'T' || !digits(p + 1, 2) || p + 3 >= t.size() || t[p + 3] != ':' ||
        !digits(p + 4, 2)) {
      return std::nullopt;
    }
    h = to_int(t.substr(p + 1, 2));
    m = to_int(t.substr(p + 4, 2));
    p += 6;
    if (p < t.size() && t[p] == ':') {
      if (!digits(p + 1, 2)) return std::nullopt;
      s = to_int(t.substr(p + 1, 2));
      p += 3;
      if (p < t.size() && t[p] == '.') {
        ++p;
        while (p < t.size() && t[p] >= '0' && t[p] <= '9') ++p;
      }
    }
    // The time zone designator is required with a time.
    if (p < t.size() && t[p] == 'Z') {
      ++p;
    } else if (p < t.size() && (t[p] == '+' || t[p] == '-') && digits(p + 1, 2) &&
               p + 3 < t.size() && t[p + 3] == ':' && digits(p + 4, 2)) {
      const int64_t sign = t[p] == '+' ? 1 : -1;
      offset = sign * (to_int(t.substr(p + 1, 2)) * 3600 + to_int(t.substr(p + 4, 2)) * 60);
      p += 6;
    } else {
      return std::nullopt;
    }
  }
  if (p != t.size()) return std::nullopt;
  auto local = make_time(year, month, day, h, m, s);
  if (!local) return std::nullopt;
  return *local - offset;
}

std::vector<std::pair<std::string, int64_t>> parse_sitemap_lastmods(std::string_view xml) {
  std::vector<std::pair<std::string, int64_t>> out;
  size_t pos = 0;
  while ((pos = xml.find("<url>", pos)) != std::string_view::npos) {
    auto end = xml.find("</url>", pos);
    if (end == std::string_view::npos) break;
    std::string_view block = xml.substr(pos, end - pos);
    pos = end + 6;
    auto loc = element(block, "loc");
    auto lastmod = element(block, "lastmod");
    if (!loc || loc->empty() || !lastmod) continue;
    if (auto t = parse_w3c_datetime(*lastmod)) out.emplace_back(std::move(*loc), *t);
  }
  return out;
}

// -- the run's plan --------------------------------------------------------------------------

Revisit::Revisit(const CrawlOptions& options, corpus::Catalog& catalog)
    : opts_(options.revisit),
      now_s_(options.revisit.now_s ? options.revisit.now_s
                                   : static_cast<int64_t>(std::time(nullptr))),
      adaptive_(options.refresh && !options.revisit.full),
      store_(catalog) {}

Status Revisit::load() {
  auto all = store_.load_all();
  if (!all) return tl::make_unexpected(all.error());
  states_ = std::move(*all);
  return {};
}

bool Revisit::due(int64_t document_id) const {
  auto s = states_.find(document_id);
  return s == states_.end() || revisit_due(opts_, s->second, now_s_);
}

double Revisit::urgency(int64_t document_id) const {
  auto f = states_.find(document_id);
  if (f == states_.end()) return 1e6;  // never checked with a schedule
  const RevisitState& s = f->second;
  if (s.sitemap_lastmod_s && *s.sitemap_lastmod_s > s.checked_s) return 1e9;  // it changed
  // How far past due, in intervals.
  const double interval = static_cast<double>(std::max<int64_t>(1, s.next_due_s - s.checked_s));
  return static_cast<double>(now_s_ - s.next_due_s) / interval;
}

void Revisit::consider(Item it, int64_t document_id) {
  ++considered_;
  auto f = states_.find(document_id);
  if (f != states_.end() && f->second.role == RevisitRole::kListing) {
    listings_.push_back(std::move(it));
  } else if (due(document_id)) {
    due_.push_back({urgency(document_id), Deferred{std::move(it), document_id}});
  } else {
    defer(std::move(it), document_id);
  }
}

void Revisit::choose(std::vector<Item>& items) {
  for (auto& it : listings_) items.push_back(std::move(it));
  listings_.clear();
  size_t budget = due_.size();
  if (opts_.max_share > 0) {
    const auto share = static_cast<int64_t>(std::ceil(opts_.max_share * static_cast<double>(considered_)));
    budget = std::min(budget, static_cast<size_t>(std::max(share, opts_.min_budget)));
  }
  // Most urgent first; ties in the catalog's order.
  std::stable_sort(due_.begin(), due_.end(),
                   [](const Candidate& a, const Candidate& b) { return a.urgency > b.urgency; });
  for (size_t i = 0; i < due_.size(); ++i) {
    if (i < budget) {
      items.push_back(std::move(due_[i].d.item));
    } else {
      defer(std::move(due_[i].d.item), due_[i].d.document_id);
    }
  }
  due_.clear();
}

void Revisit::defer(Item it, int64_t document_id) {
  std::string url = it.url;
  deferred_.emplace(std::move(url), Deferred{std::move(it), document_id});
}

int64_t Revisit::hold_back(Frontier& frontier) {
  for (auto d = deferred_.begin(); d != deferred_.end();) {
    if (frontier.seen(d->first)) {
      d = deferred_.erase(d);  // queued anyway (a seed or a source)
    } else {
      frontier.mark_seen(d->first);
      ++d;
    }
  }
  return static_cast<int64_t>(deferred_.size());
}

void Revisit::read_sitemap(const Item& sitemap, std::string_view xml, const KnownMap& known,
                           Frontier& frontier, std::vector<Item>& queued,
                           std::vector<std::pair<std::string, int64_t>>& lastmods) {
  auto base = parse_url(sitemap.fetch_url);
  if (!base) return;
  for (auto& [loc, lastmod] : parse_sitemap_lastmods(xml)) {
    if (lastmod > now_s_ + kFutureSlackS) continue;  // a date in the future says nothing
    auto u = parse_url(loc, &*base);
    if (!u) continue;
    std::string url = u->str();
    if (!known.count(url)) continue;
    auto d = deferred_.find(url);
    if (d != deferred_.end()) {
      auto s = states_.find(d->second.document_id);
      if (s != states_.end() && lastmod > s->second.checked_s) {
        Item it = std::move(d->second.item);
        deferred_.erase(d);
        queued.push_back(it);
        frontier.enqueue(std::move(it));
      }
    }
    lastmods.emplace_back(std::move(url), lastmod);
  }
}

Status Revisit::record(int64_t document_id, std::string_view url, const RevisitCheck& c) {
  std::optional<RevisitState> prev;
  if (auto s = states_.find(document_id); s != states_.end()) prev = s->second;
  return store_.put(next_revisit_state(opts_, prev, document_id, url, c, now_s_));
}

Status Revisit::record_lastmods(const std::vector<std::pair<std::string, int64_t>>& v) {
  for (const auto& [url, lastmod] : v) {
    if (auto st = store_.set_sitemap_lastmod(url, lastmod); !st) return st;
  }
  return {};
}

}  // namespace policyindex::crawler
