#include "crawler/frontier.h"

#include <algorithm>

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

}  // namespace

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

void Frontier::enqueue(Item it) {
  seen_.insert(it.url);
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
  h.queue.push_back(std::move(it));
}

void Frontier::requeue_front(Host& h, Item it) {
  ++queued_;
  h.queue.push_front(std::move(it));
}

std::optional<Clock::TimePoint> Frontier::schedule(Clock::TimePoint now) {
  std::optional<Clock::TimePoint> wake;
  auto want_wake = [&](Clock::TimePoint t) {
    if (!wake || t < *wake) wake = t;
  };
  bool progress = true;
  while (progress && d_.has_capacity()) {
    progress = false;
    const size_t n = order_.size();
    for (size_t k = 0; k < n && d_.has_capacity(); ++k) {
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
      if (h.robots_state == RobotsState::kUnknown) {
        h.robots_state = RobotsState::kFetching;
        d_.fetch_robots(h);
        progress = true;
        continue;
      }
      if (h.robots_state != RobotsState::kReady) continue;
      if (h.in_flight >= opts_.per_host) continue;
      if (now < h.next_start) {
        want_wake(h.next_start);
        continue;
      }
      Item it = std::move(h.queue.front());
      h.queue.pop_front();
      --queued_;
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
        continue;
      }
      started(h, now);
      d_.start(h, std::move(it));
      progress = true;
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
    Item it = std::move(h.queue.front());
    h.queue.pop_front();
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
