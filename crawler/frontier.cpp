#include "crawler/frontier.h"

#include <algorithm>
#include <cctype>

namespace policyindex::crawler {
namespace {

// "scheme://host[:port]" of an http(s) URL in canonical form: the text up to the path.
// Empty when the URL does not have that shape.
std::string_view canonical_origin(std::string_view url) {
  size_t start = 0;
  if (url.rfind("http://", 0) == 0) {
    start = 7;
  } else if (url.rfind("https://", 0) == 0) {
    start = 8;
  } else {
    return {};
  }
  const size_t slash = url.find('/', start);
  if (slash == std::string_view::npos || slash == start) return {};
  return url.substr(0, slash);
}

// The host name of a canonical URL ("" when it has no such shape).
std::string_view host_name(std::string_view url) {
  std::string_view o = canonical_origin(url);
  if (o.empty()) return {};
  o.remove_prefix(o.find("://") + 3);
  if (!o.empty() && o.front() == '[') return o.substr(0, o.find(']') + 1);
  return o.substr(0, o.find(':'));
}

// The URL with its path lower-cased (query and host as they are).
std::string fold_path(std::string_view url) {
  std::string out(url);
  const size_t start = canonical_origin(url).size();
  const size_t end = std::min(out.find('?', start), out.size());
  for (size_t i = start; i < end; ++i) {
    out[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[i])));
  }
  return out;
}

bool has_upper_path(std::string_view url) {
  const size_t start = canonical_origin(url).size();
  const size_t end = std::min(url.find('?', start), url.size());
  for (size_t i = start; i < end; ++i) {
    if (std::isupper(static_cast<unsigned char>(url[i]))) return true;
  }
  return false;
}

// Paths that only IIS (ASP.NET, classic ASP) serves.
bool iis_path(std::string_view url) {
  std::string p(url.substr(0, url.find('?')));
  for (auto& c : p) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::string_view ext : {".aspx", ".asp", ".ashx", ".axd"}) {
    if (p.size() > ext.size() && p.compare(p.size() - ext.size(), ext.size(), ext) == 0) {
      return true;
    }
  }
  return false;
}

}  // namespace

void HostQueue::push(Item it, int relevance) {
  const int depth = it.depth;
  heap_.push_back({relevance, depth, seq_++, std::move(it)});
  std::push_heap(heap_.begin(), heap_.end(), later);
}

Item HostQueue::pop() {
  if (!front_.empty()) {
    Item it = std::move(front_.front());
    front_.pop_front();
    return it;
  }
  std::pop_heap(heap_.begin(), heap_.end(), later);
  Item it = std::move(heap_.back().item);
  heap_.pop_back();
  return it;
}

bool Frontier::seen(const std::string& url) const {
  if (seen_.count(url) != 0) return true;
  std::string_view host = host_name(url);
  if (!case_insensitive(host) && !iis_path(url)) return false;
  std::string folded = fold_path(url);
  return seen_.count(folded) != 0 || folded_.count(folded) != 0;
}

void Frontier::mark_seen(const std::string& url) {
  seen_.insert(url);
  if (has_upper_path(url)) folded_.insert(fold_path(url));
  if (iis_path(url)) mark_case_insensitive(host_name(url));
}

void Frontier::mark_case_insensitive(std::string_view host) {
  if (!host.empty()) iis_hosts_.emplace(host);
}

bool Frontier::case_insensitive(std::string_view host) const {
  return !iis_hosts_.empty() && iis_hosts_.count(std::string(host)) != 0;
}

bool Frontier::admit_variant(const Url& u) {
  if (u.query.empty() && !is_date_trap(u)) return true;
  const size_t params = static_cast<size_t>(std::count(u.query.begin(), u.query.end(), '&')) +
                        (u.query.empty() ? 0 : 1);
  const int cap = is_date_trap(u) || params >= 3 ? kMaxDateVariants : kMaxQueryVariants;
  const std::string pattern = variant_pattern(u);
  std::string path_key = u.host + u.path;
  if (auto p = pattern.find('?'); p != std::string::npos) path_key = pattern.substr(0, p);
  int& n = variants_[pattern];
  if (n >= cap) return false;
  if (pattern != path_key) {
    int& per_path = variants_[path_key + "?*"];
    if (per_path >= kMaxVariantsPerPath) return false;
    ++per_path;
  }
  ++n;
  return true;
}

int Frontier::default_relevance(const Item& it) {
  switch (it.kind) {
    case ItemKind::kSeed:
    case ItemKind::kSource:
      return kRelevanceSeed;
    case ItemKind::kSitemap:
      return kRelevanceSitemap;
    default:
      return link_relevance(it.url, it.anchor, "", it.kind == ItemKind::kDocument) +
             (it.policy ? 50 : 0);
  }
}

void Frontier::enqueue(Item it) {
  const int r = default_relevance(it);
  enqueue(std::move(it), r);
}

Host& Frontier::host_of(const Url& u) {
  auto origin = u.origin();
  auto it = hosts_.find(origin);
  if (it == hosts_.end()) {
    auto h = std::make_unique<Host>();
    h->origin = origin;
    h->name = u.host;
    h->delay_ms = opts_.delay_ms;
    it = hosts_.emplace(origin, std::move(h)).first;
    order_.push_back(it->second.get());
  }
  return *it->second;
}

void Frontier::enqueue(Item it, int relevance) {
  mark_seen(it.url);
  // Every queued URL is canonical (seeds, the catalog's URLs, discovered links and redirect
  // targets all went through canonical_url): its host is known by its origin prefix, without
  // parsing it again (5,000 parses were a third of a refresh's set-up).
  Host* hp = nullptr;
  if (auto o = canonical_origin(it.fetch_url); !o.empty()) {
    if (auto f = hosts_.find(o); f != hosts_.end()) hp = f->second.get();
  }
  if (!hp) {
    auto u = parse_url(it.fetch_url);
    if (!u) {
      d_.drop(std::move(it), Disposition::kFailed, corpus::FetchOutcome::kFailed,
              u.error().message);
      return;
    }
    hp = &host_of(*u);
  }
  Host& h = *hp;
  if (it.kind == ItemKind::kSeed || it.kind == ItemKind::kSource) {
    h.seed_host = true;
    if (!h.municipality_id) h.municipality_id = it.municipality_id;
  }
  ++queued_;
  h.queue.push(std::move(it), relevance);
}

void Frontier::requeue_front(Host& h, Item it) {
  ++queued_;
  h.queue.push_front(std::move(it));
}

// The politeness-bound time a host still needs: its queued requests times its delay. The
// host with the most of it is the crawl's critical path, so when transfer slots are scarce
// it goes first; hosts with time to spare wait (a few hundred small town sites finish long
// before the one code platform that serves every town's chapters).
int64_t Frontier::remaining_ms(const Host& h) {
  return static_cast<int64_t>(h.queue.size() + h.delayed.size()) * h.delay_ms;
}

std::optional<Clock::TimePoint> Frontier::schedule(Clock::TimePoint now) {
  std::optional<Clock::TimePoint> wake;
  auto want_wake = [&](Clock::TimePoint t) {
    if (!wake || t < *wake) wake = t;
  };
  bool progress = true;
  while (progress && d_.has_capacity()) {
    progress = false;
    // The hosts that may start something now.
    ready_.clear();
    const size_t n = order_.size();
    for (size_t k = 0; k < n; ++k) {
      Host& h = *order_[(rr_ + k) % n];
      if (h.parked) {
        drain_parked(h);
        continue;
      }
      // Retries whose backoff is over go to the front of the queue.
      for (size_t i = 0; i < h.delayed.size();) {
        if (h.delayed[i].not_before <= now) {
          h.queue.push_front(std::move(h.delayed[i]));
          h.delayed.erase(h.delayed.begin() + static_cast<long>(i));
        } else {
          want_wake(h.delayed[i].not_before);
          ++i;
        }
      }
      if (h.queue.empty()) continue;
      if (h.robots_state == RobotsState::kFetching || h.robots_state == RobotsState::kUnreachable) {
        continue;
      }
      if (h.robots_state == RobotsState::kReady) {
        if (h.in_flight >= opts_.per_host) continue;
        if (now < h.next_start) {
          want_wake(h.next_start);
          continue;
        }
      }
      ready_.push_back(&h);
    }
    // Most politeness-bound time left first; on a tie (no delay: all zero) the host that has
    // waited longest, then the round-robin order.
    std::stable_sort(ready_.begin(), ready_.end(), [](const Host* a, const Host* b) {
      const int64_t ra = remaining_ms(*a), rb = remaining_ms(*b);
      if (ra != rb) return ra > rb;
      return a->next_start < b->next_start;
    });
    for (Host* hp : ready_) {
      if (!d_.has_capacity()) break;
      Host& h = *hp;
      if (h.robots_state == RobotsState::kUnknown) {
        h.robots_state = RobotsState::kFetching;
        d_.fetch_robots(h);
        progress = true;
        continue;
      }
      // Drops (robots.txt, the page budget) take no transfer: the next item is tried.
      while (!h.queue.empty() && d_.has_capacity() && !h.parked) {
        Item it = h.queue.pop();
        --queued_;
        if (it.kind == ItemKind::kPage && it.attempts == 0 && it.redirects == 0 &&
            opts_.max_pages_per_host > 0 && h.pages_started >= opts_.max_pages_per_host) {
          d_.drop(std::move(it), Disposition::kDisallowed, corpus::FetchOutcome::kDisallowed,
                  "over the page budget of " + h.origin + " (--max-pages-per-host " +
                      std::to_string(opts_.max_pages_per_host) + ")");
          progress = true;
          continue;
        }
        // robots.txt is checked on the URL exactly as it will be requested (RFC 9309 §2.2.2).
        if (!h.robots.allows_all() && !h.robots.allowed_url(it.fetch_url)) {
          std::string why = "robots.txt disallows " + robots_request_target(it.fetch_url);
          d_.drop(std::move(it), Disposition::kDisallowed, corpus::FetchOutcome::kDisallowed,
                  std::move(why));
          progress = true;
          continue;
        }
        if (it.kind != ItemKind::kSitemap && d_.budget_spent()) {
          limit_reached_ = true;
          h.queue.push_front(std::move(it));
          ++queued_;
          break;
        }
        started(h, now);
        if (it.kind == ItemKind::kPage && it.attempts == 0 && it.redirects == 0) ++h.pages_started;
        d_.start(h, std::move(it));
        progress = true;
        break;
      }
      // With no delay and room left on the host, the next pass may start another.
      if (!h.queue.empty() && h.robots_state == RobotsState::kReady && now < h.next_start) {
        want_wake(h.next_start);
      }
    }
    rr_ = n ? (rr_ + 1) % n : 0;
  }
  return wake;
}

void Frontier::started(Host& h, Clock::TimePoint now) {
  ++h.in_flight;
  h.next_start = now + std::chrono::milliseconds(h.delay_ms);
}

void Frontier::drain_parked(Host& h) {
  auto drop = [&](Item it) {
    ++h.skipped;
    d_.drop(std::move(it), Disposition::kFailed, corpus::FetchOutcome::kFailed,
            "host parked: " + h.park_reason);
  };
  while (!h.queue.empty()) {
    Item it = h.queue.pop();
    --queued_;
    drop(std::move(it));
  }
  for (auto& it : h.delayed) drop(std::move(it));
  h.delayed.clear();
}

void Frontier::park(Host& h, std::string reason) {
  if (h.parked) return;
  h.parked = true;
  h.park_reason = std::move(reason);
  drain_parked(h);
}

void Frontier::park_if_failing(Host& h, const std::string& last_reason) {
  if (h.consecutive_failures >= opts_.host_failure_limit) {
    park(h, std::to_string(h.consecutive_failures) + " consecutive failures (last: " + last_reason +
                ")");
  }
}

bool Frontier::has_work() const {
  for (auto* h : order_) {
    if (!h->delayed.empty() || (!h->queue.empty() && !limit_reached_)) return true;
  }
  return false;
}

int64_t Frontier::queued() const {
  int64_t n = queued_;
  for (auto* h : order_) n += static_cast<int64_t>(h->delayed.size());
  return n;
}

std::vector<std::pair<std::string, int64_t>> Frontier::stragglers(size_t n) const {
  std::vector<std::pair<std::string, int64_t>> s;
  for (auto* h : order_) {
    int64_t left = static_cast<int64_t>(h->queue.size() + h->delayed.size()) + h->in_flight;
    if (left > 0) s.emplace_back(h->origin, left);
  }
  std::sort(s.begin(), s.end(), [](auto& a, auto& b) { return a.second > b.second; });
  if (s.size() > n) s.resize(n);
  return s;
}

std::vector<ParkedHost> Frontier::parked_hosts() const {
  std::vector<ParkedHost> out;
  for (const auto& [origin, h] : hosts_) {
    if (h->parked) out.push_back({origin, h->park_reason, h->skipped});
  }
  return out;
}

}  // namespace policyindex::crawler
