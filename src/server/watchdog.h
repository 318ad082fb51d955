// The watchdog that cancels a simulation at its wall-time limit.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <thread>

namespace fleetlab::server {

// Sets a flag when its deadline passes (one thread for all requests).
class Watchdog {
 public:
  Watchdog();
  ~Watchdog();
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  // Sets *flag to true after `after` unless disarmed first. Not owned;
  // REQUIRES: flag outlives the matching Disarm.
  std::uint64_t Arm(std::atomic<bool>* flag, std::chrono::steady_clock::duration after);
  void Disarm(std::uint64_t id);

 private:
  void Loop();
  struct Entry {
    std::chrono::steady_clock::time_point at;
    std::atomic<bool>* flag;
  };
  std::mutex mu_;
  std::condition_variable changed_;
  std::map<std::uint64_t, Entry> armed_;
  std::uint64_t next_id_ = 1;
  bool stop_ = false;
  std::thread thread_;
};

// Arms `cancel` (the job's flag, also set when the client goes away) for
// the lifetime of one request's simulations. Without a watchdog (null) there
// is no wall-time limit: the caller bounds the time itself.
class WallLimit {
 public:
  // REQUIRES: cancel outlives this object.
  WallLimit(Watchdog* dog, double seconds, std::atomic<bool>* cancel)
      : dog_(dog),
        deadline_(dog == nullptr ? std::chrono::steady_clock::time_point::max()
                                 : std::chrono::steady_clock::now() + ToDuration(seconds)),
        cancel_(cancel),
        id_(dog == nullptr ? 0 : dog->Arm(cancel, ToDuration(seconds))) {}
  ~WallLimit() {
    if (dog_ != nullptr) dog_->Disarm(id_);
  }
  WallLimit(const WallLimit&) = delete;
  WallLimit& operator=(const WallLimit&) = delete;

  const std::atomic<bool>* flag() const { return cancel_; }
  // True once the deadline has passed (not when the client went away).
  bool expired() const { return std::chrono::steady_clock::now() >= deadline_; }

 private:
  static std::chrono::steady_clock::duration ToDuration(double seconds) {
    return std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(seconds));
  }
  Watchdog* dog_;
  std::chrono::steady_clock::time_point deadline_;
  std::atomic<bool>* cancel_;
  std::uint64_t id_;
};

}  // namespace fleetlab::server
