#include "query/http_server.h"

namespace policyindex::query {

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
  stale.clear();
  auto api = factory_();
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

}  // namespace policyindex::query
