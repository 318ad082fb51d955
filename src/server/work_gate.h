// The bounded worker pool in front of every simulation, and the watchdog
// that cancels a simulation at its wall-time limit.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

namespace fleetlab::server {

// Admits at most `workers` holders at once and lets at most `queue` more
// wait for a place; TryEnter refuses at once beyond that (the caller answers
// 503), so waiting never grows without bound.
class WorkGate {
 public:
  WorkGate(unsigned workers, std::size_t queue) : workers_(workers), queue_(queue) {}

  class Ticket {
   public:
    explicit Ticket(WorkGate* gate) : gate_(gate) {}
    Ticket(Ticket&& other) noexcept : gate_(other.gate_) { other.gate_ = nullptr; }
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;
    Ticket& operator=(Ticket&&) = delete;
    ~Ticket() {
      if (gate_ != nullptr) gate_->Leave();
    }

   private:
    WorkGate* gate_;
  };

  // A place among the workers (after waiting for one in the queue), or
  // nullopt if the workers and the queue are full.
  std::optional<Ticket> TryEnter();

  unsigned workers() const { return workers_; }

 private:
  void Leave();
  const unsigned workers_;
  const std::size_t queue_;
  std::mutex mu_;
  std::condition_variable freed_;
  unsigned running_ = 0;
  std::size_t waiting_ = 0;
};

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

// A cancel flag armed for the lifetime of one request's simulations.
class WallLimit {
 public:
  WallLimit(Watchdog& dog, double seconds)
      : dog_(dog), id_(dog.Arm(&cancel_, std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                             std::chrono::duration<double>(seconds)))) {}
  ~WallLimit() { dog_.Disarm(id_); }
  WallLimit(const WallLimit&) = delete;
  WallLimit& operator=(const WallLimit&) = delete;

  const std::atomic<bool>* flag() const { return &cancel_; }
  bool expired() const { return cancel_.load(); }

 private:
  Watchdog& dog_;
  std::atomic<bool> cancel_{false};
  std::uint64_t id_;
};

}  // namespace fleetlab::server
