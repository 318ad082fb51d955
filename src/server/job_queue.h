// The bounded pool of simulation workers: `workers` threads run deferred
// jobs, at most `queue` more wait; TrySubmit refuses at once beyond that
// (the caller answers 503), so neither threads nor waiting grow without
// bound and no I/O thread ever blocks on a simulation.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace fleetlab::server {

class JobQueue {
 public:
  // REQUIRES: workers >= 1.
  JobQueue(unsigned workers, std::size_t queue);
  ~JobQueue();  // Stop()s
  JobQueue(const JobQueue&) = delete;
  JobQueue& operator=(const JobQueue&) = delete;

  // Runs `job` on a worker, after the jobs before it; false (and `job` is
  // not kept) when every worker is busy and `queue` jobs already wait, or
  // after Stop.
  bool TrySubmit(std::function<void()> job);

  // Refuses new jobs, runs those already admitted, joins. Idempotent.
  void Stop();

  unsigned workers() const { return static_cast<unsigned>(threads_.size()); }

 private:
  void Loop();
  const std::size_t queue_;
  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> waiting_;
  unsigned busy_ = 0;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace fleetlab::server
