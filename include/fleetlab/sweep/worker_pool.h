// WorkerPool: a fixed set of threads that runs indexed, independent tasks.
//
// Run(n, task) calls task(i) exactly once for every i in [0, n), spread over
// the pool's threads, and returns when all have finished. Tasks are handed
// out in index order (a shared counter), so with one thread they run in
// index order. The pool owns its threads; they wait idle between Runs and
// are joined by the destructor. Tasks must not throw.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace fleetlab {

class WorkerPool {
 public:
  // REQUIRES: threads >= 1. One thread runs tasks on the calling thread.
  explicit WorkerPool(unsigned threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  unsigned threads() const { return threads_; }

  // Runs task(0) ... task(n-1) and waits for all. Not reentrant: call it
  // from one thread at a time, never from inside a task.
  void Run(std::size_t n, const std::function<void(std::size_t)>& task);

 private:
  void WorkerLoop();
  void Drain();  // takes indices until none is left

  unsigned threads_;
  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  const std::function<void(std::size_t)>* task_ = nullptr;
  std::size_t count_ = 0, next_ = 0, finished_ = 0;
  std::size_t generation_ = 0;
  unsigned active_ = 0;  // workers inside Drain for the current generation
  bool stop_ = false;
};

// The default worker count: the machine's hardware threads (at least 1).
unsigned DefaultThreads();

}  // namespace fleetlab
