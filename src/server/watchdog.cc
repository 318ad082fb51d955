#include "server/watchdog.h"

namespace fleetlab::server {

Watchdog::Watchdog() : thread_([this] { Loop(); }) {}

Watchdog::~Watchdog() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

std::uint64_t Watchdog::Arm(std::atomic<bool>* flag, std::chrono::steady_clock::duration after) {
  std::uint64_t id = 0;
  {
    std::lock_guard lock(mu_);
    id = next_id_++;
    armed_[id] = Entry{std::chrono::steady_clock::now() + after, flag};
  }
  changed_.notify_all();
  return id;
}

void Watchdog::Disarm(std::uint64_t id) {
  std::lock_guard lock(mu_);
  armed_.erase(id);
}

void Watchdog::Loop() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    auto next = std::chrono::steady_clock::time_point::max();
    const auto now = std::chrono::steady_clock::now();
    for (auto it = armed_.begin(); it != armed_.end();) {
      if (it->second.at <= now) {
        it->second.flag->store(true);
        it = armed_.erase(it);
      } else {
        next = std::min(next, it->second.at);
        ++it;
      }
    }
    if (next == std::chrono::steady_clock::time_point::max()) {
      changed_.wait(lock);
    } else {
      changed_.wait_until(lock, next);
    }
  }
}

}  // namespace fleetlab::server
