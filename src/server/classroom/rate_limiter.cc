#include "server/classroom/rate_limiter.h"

#include <algorithm>
#include <cassert>
#include <chrono>

namespace fleetlab::server {

RateLimiter::RateLimiter(double per_s, double burst, std::size_t max_keys)
    : per_s_(per_s), burst_(burst), max_keys_(max_keys) {
  assert(per_s > 0 && burst >= 1 && max_keys >= 1);
}

void RateLimiter::Refill(Bucket& b, double now_s) const {
  if (now_s > b.at_s) b.tokens = std::min(burst_, b.tokens + (now_s - b.at_s) * per_s_);
  b.at_s = std::max(b.at_s, now_s);
}

bool RateLimiter::MakeRoom(double now_s) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    Refill(it->second, now_s);
    it = it->second.tokens >= burst_ ? buckets_.erase(it) : std::next(it);
  }
  return buckets_.size() < max_keys_;
}

double RateLimiter::Take(const std::string& key, double now_s) {
  std::lock_guard lock(mu_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_keys_ && !MakeRoom(now_s)) return 1.0 / per_s_;
    it = buckets_.emplace(key, Bucket{burst_, now_s}).first;
  }
  Bucket& b = it->second;
  Refill(b, now_s);
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return 0;
  }
  return (1 - b.tokens) / per_s_;
}

double MonotonicSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace fleetlab::server
