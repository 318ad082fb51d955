#include "fleetlab/sweep/worker_pool.h"

#include <atomic>
#include <vector>

#include <gtest/gtest.h>

namespace fleetlab {
namespace {

TEST(WorkerPoolTest, RunsEveryIndexOnceAcrossRepeatedRuns) {
  for (unsigned threads : {1u, 2u, 4u}) {
    WorkerPool pool(threads);
    for (std::size_t n : {0u, 1u, 7u, 1000u}) {
      std::vector<std::atomic<int>> hits(n);
      pool.Run(n, [&](std::size_t i) { hits[i]++; });
      for (std::size_t i = 0; i < n; ++i) EXPECT_EQ(hits[i].load(), 1) << "threads " << threads << " index " << i;
    }
  }
}

TEST(WorkerPoolTest, OneThreadRunsInIndexOrderOnTheCaller) {
  WorkerPool pool(1);
  std::vector<std::size_t> order;
  pool.Run(5, [&](std::size_t i) { order.push_back(i); });
  EXPECT_EQ(order, (std::vector<std::size_t>{0, 1, 2, 3, 4}));
}

}  // namespace
}  // namespace fleetlab
