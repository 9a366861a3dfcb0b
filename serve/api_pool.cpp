#include "serve/http_server.h"

namespace policyindex::serve {

ApiPool::ApiPool(Factory factory, Stamp stamp, std::chrono::milliseconds max_age)
    : factory_(std::move(factory)), stamp_(std::move(stamp)), max_age_(max_age) {}

ApiPool::Lease::Lease(ApiPool* pool, std::unique_ptr<Api> api, std::string stamp,
                      std::chrono::steady_clock::time_point born)
    : pool_(pool), api_(std::move(api)), stamp_(std::move(stamp)), born_(born) {}

ApiPool::Lease::~Lease() {
  if (api_ && pool_ != nullptr) pool_->release(std::move(api_), std::move(stamp_), born_);
}

Result<ApiPool::Lease> ApiPool::acquire() {
  const std::string now_stamp = stamp_ ? stamp_() : std::string();
  const auto now = std::chrono::steady_clock::now();
  std::vector<std::unique_ptr<Api>> stale;  // destroyed outside the lock
  {
    std::lock_guard<std::mutex> lock(mu_);
    while (!idle_.empty()) {
      Idle it = std::move(idle_.back());
      idle_.pop_back();
      if (it.stamp == now_stamp && now - it.born < max_age_) {
        return Lease(this, std::move(it.api), std::move(it.stamp), it.born);
      }
      stale.push_back(std::move(it.api));
    }
  }
  // Open the new instance before closing the stale ones: closing the last SQLite connection
  // deletes the catalog's -wal file, and the next open recreates it, which would look like
  // a write to a stamp that watches the catalog.
  auto api = factory_();
  stale.clear();
  if (!api) return tl::make_unexpected(api.error());
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++created_;
  }
  return Lease(this, std::move(*api), now_stamp, now);
}

void ApiPool::release(std::unique_ptr<Api> api, std::string stamp, std::chrono::steady_clock::time_point born) {
  std::lock_guard<std::mutex> lock(mu_);
  if (idle_.size() < 64) idle_.push_back({std::move(api), std::move(stamp), born});
}

size_t ApiPool::created() const {
  std::lock_guard<std::mutex> lock(mu_);
  return created_;
}

ResponseCache::ResponseCache(size_t max_entries, size_t max_bytes, std::chrono::milliseconds max_age)
    : max_entries_(max_entries), max_bytes_(max_bytes), max_age_(max_age) {}

std::optional<HttpResponse> ResponseCache::get(const std::string& key, const std::string& stamp) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = index_.find(key);
  if (it == index_.end()) return std::nullopt;
  auto entry = it->second;
  if (entry->stamp != stamp || std::chrono::steady_clock::now() - entry->born >= max_age_) {
    bytes_ -= entry->key.size() + entry->response.body.size();
    index_.erase(it);
    lru_.erase(entry);
    return std::nullopt;
  }
  lru_.splice(lru_.begin(), lru_, entry);
  return entry->response;
}

void ResponseCache::put(const std::string& key, const std::string& stamp, const HttpResponse& response) {
  const size_t cost = key.size() + response.body.size();
  if (max_entries_ == 0 || cost > max_bytes_ / 16) return;  // one answer never takes the cache over
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = index_.find(key); it != index_.end()) {
    bytes_ -= it->second->key.size() + it->second->response.body.size();
    lru_.erase(it->second);
    index_.erase(it);
  }
  lru_.push_front({key, stamp, response, std::chrono::steady_clock::now()});
  index_[key] = lru_.begin();
  bytes_ += cost;
  while (!lru_.empty() && (lru_.size() > max_entries_ || bytes_ > max_bytes_)) drop_back();
}

void ResponseCache::drop_back() {
  const Entry& e = lru_.back();
  bytes_ -= e.key.size() + e.response.body.size();
  index_.erase(e.key);
  lru_.pop_back();
}

size_t ResponseCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return lru_.size();
}

}  // namespace policyindex::serve
