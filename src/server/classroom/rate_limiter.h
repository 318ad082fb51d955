// Token buckets keyed by a string (a student, a client address): each key
// may make `burst` writes at once and `per_s` a second after that. Memory is
// bounded: at most `max_keys` buckets are kept; when full, buckets that have
// refilled (and so equal a fresh one) are dropped, and if none has, the
// write is refused like any over-rate write.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace fleetlab::server {

class RateLimiter {
 public:
  // REQUIRES: per_s > 0, burst >= 1, max_keys >= 1.
  RateLimiter(double per_s, double burst, std::size_t max_keys);

  // Takes one token from `key`'s bucket at time `now_s` (any monotonic
  // clock, in seconds). Returns 0 when the write may go ahead, else the
  // seconds to wait before one token is back (> 0).
  double Take(const std::string& key, double now_s);

 private:
  struct Bucket {
    double tokens = 0;
    double at_s = 0;
  };
  void Refill(Bucket& b, double now_s) const;
  bool MakeRoom(double now_s);
  const double per_s_, burst_;
  const std::size_t max_keys_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

// Seconds on the steady clock (for RateLimiter::Take).
double MonotonicSeconds();

}  // namespace fleetlab::server
