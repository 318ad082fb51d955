#include "server/job_queue.h"

#include <cassert>

namespace fleetlab::server {

JobQueue::JobQueue(unsigned workers, std::size_t queue) : queue_(queue) {
  assert(workers >= 1);
  for (unsigned i = 0; i < workers; ++i) threads_.emplace_back([this] { Loop(); });
}

JobQueue::~JobQueue() { Stop(); }

bool JobQueue::TrySubmit(std::function<void()> job) {
  {
    std::lock_guard lock(mu_);
    // Admitted jobs are running or waiting: at most workers + queue.
    if (stop_ || busy_ + waiting_.size() >= threads_.size() + queue_) return false;
    waiting_.push_back(std::move(job));
  }
  ready_.notify_one();
  return true;
}

void JobQueue::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  ready_.notify_all();
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
}

void JobQueue::Loop() {
  std::unique_lock lock(mu_);
  while (true) {
    ready_.wait(lock, [this] { return stop_ || !waiting_.empty(); });
    if (waiting_.empty()) return;  // stopping, nothing left
    std::function<void()> job = std::move(waiting_.front());
    waiting_.pop_front();
    ++busy_;
    lock.unlock();
    job();
    job = nullptr;
    lock.lock();
    --busy_;
  }
}

}  // namespace fleetlab::server
