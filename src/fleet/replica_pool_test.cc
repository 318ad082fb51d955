// ReplicaPool: replicas behind an optional router, each completion counted
// on its replica's tally, the figures combined for the pool.
#include "fleet/replica_pool.h"

#include <vector>

#include <gtest/gtest.h>

#include "fleetlab/scenario/parse.h"

namespace fleetlab {
namespace {

using nlohmann::json;

class Listener final : public CompletionListener {
 public:
  void OnCompleted(Simulator&, const Request& r, SimTime) override { done.push_back(r.id); }
  void OnDropped(Simulator&, const Request& r) override { dropped.push_back(r.id); }
  std::vector<std::uint64_t> done, dropped;
};

ReplicaOptions Options() {
  auto s = ParseScenario(json::parse(R"({"replica": {"model": "llama-3-8b", "gpu": "h100-sxm"}})"), "");
  EXPECT_TRUE(s.ok()) << s.status().message();
  return s.ok() ? *s->replica() : ReplicaOptions{};
}

Request Make(std::uint64_t id, bool measured) {
  Request r;
  r.id = id;
  r.prompt_tokens = 128;
  r.output_tokens = 8;
  r.measured = measured;
  return r;
}

// Builds `n` replicas into `pool`, all reporting to `listener`.
void Fill(ReplicaPool* pool, int n, const RandomStreams& streams, Listener* listener, Simulator& sim) {
  for (int i = 0; i < n; ++i) {
    auto r = pool->Add(std::make_shared<const ReplicaOptions>(Options()), streams, static_cast<std::uint64_t>(i),
                       listener, sim);
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(*r, &pool->replica(static_cast<std::size_t>(i)));
  }
}

// `n` replicas behind a router of `policy`, all reporting to `listener`.
struct RoutedPool {
  RoutedPool(int n, RouterPolicy policy) {
    Fill(&pool, n, streams, &listener, sim);
    RouterOptions o;
    o.policy = policy;
    pool.Route(o, streams.Stream(StreamId::kRouting), sim);
  }
  Simulator sim;
  Listener listener;
  const RandomStreams streams{1};
  ReplicaPool pool{0};
};

// Replicas built from one shared ReplicaOptions run as if each had its
// own; one with series off samples no rows and measures the rest as before.
TEST(ReplicaPoolTest, SharedOptionsAndSeriesOnlyWhereAsked) {
  Simulator sim;
  Listener listener;
  const RandomStreams streams(1);
  ReplicaPool pool(0);
  const auto options = std::make_shared<const ReplicaOptions>(Options());
  for (std::uint64_t i = 0; i < 2; ++i) ASSERT_TRUE(pool.Add(options, streams, i, &listener, sim).ok());
  EXPECT_EQ(options.use_count(), 1 + 2 * 2);  // held by each replica and its state: no copies
  pool.replica(1).SetSeries(false);
  RouterOptions round_robin;
  round_robin.policy = RouterPolicy::kRoundRobin;
  pool.Route(round_robin, streams.Stream(StreamId::kRouting), sim);
  pool.ResetStatistics(0);
  for (std::uint64_t id = 0; id < 6; ++id) pool.entry()->Submit(sim, Make(id, true));
  sim.Run();
  pool.CloseWindow(sim.now());
  LlmReport with, without;
  pool.replica(0).Fill(sim.now(), NsToSeconds(sim.now()), &with);
  pool.replica(1).Fill(sim.now(), NsToSeconds(sim.now()), &without);
  EXPECT_FALSE(with.queue_series.times_s.empty());
  EXPECT_TRUE(without.queue_series.times_s.empty());
  EXPECT_TRUE(without.queue_series.kv.empty());
  EXPECT_EQ(with.ttft_ms.count, 3u);  // the alternate requests each
  EXPECT_EQ(without.ttft_ms.count, 3u);
  EXPECT_DOUBLE_EQ(with.tpot_ms.mean, without.tpot_ms.mean);  // the same requests, the same service
}

TEST(ReplicaPoolTest, UnroutedEntryIsTheLoneReplica) {
  Simulator sim;
  Listener listener;
  const RandomStreams streams(1);
  ReplicaPool pool(0);
  Fill(&pool, 1, streams, &listener, sim);
  EXPECT_EQ(pool.entry(), &pool.replica(0));
  EXPECT_EQ(pool.router(), nullptr);
}

TEST(ReplicaPoolTest, RoutedRequestsAreTalliedPerReplicaAndCombined) {
  RoutedPool f(2, RouterPolicy::kRoundRobin);
  Simulator& sim = f.sim;
  ReplicaPool& pool = f.pool;
  const Listener& listener = f.listener;
  ASSERT_NE(pool.router(), nullptr);
  EXPECT_EQ(pool.entry(), pool.router());
  pool.ResetStatistics(0);
  for (std::uint64_t id = 0; id < 6; ++id) pool.entry()->Submit(sim, Make(id, id >= 2));
  EXPECT_EQ(pool.InSystemNow(), 6.0);
  sim.Run();
  EXPECT_EQ(listener.done.size(), 6u);
  EXPECT_EQ(pool.InSystemNow(), 0.0);
  pool.CloseWindow(sim.now());
  const PoolReport rep = pool.Report(sim.now(), NsToSeconds(sim.now()));
  EXPECT_EQ(rep.fleet.replicas, 2u);
  EXPECT_EQ(rep.fleet.router, "round_robin");
  EXPECT_EQ(rep.fleet.requests, (std::vector<std::uint64_t>{2, 2}));  // the 4 measured, alternating
  EXPECT_EQ(rep.llm.gpus_total, 2);
  EXPECT_EQ(rep.llm.ttft_ms.count, 4u);  // measured requests only
  EXPECT_NEAR(pool.Capacity(128, 8), 2 * pool.replica(0).EstimateCapacity(128, 8), 1e-9);
  pool.ResetStatistics(sim.now());  // the tallies start again too
  EXPECT_EQ(pool.Report(sim.now(), 0).fleet.requests, (std::vector<std::uint64_t>{0, 0}));
}

// Route has each replica mirror its count into the router's board: what
// the policy reads is the replica's own count at every step, without a
// visit to the replica (debug builds assert it on every read).
TEST(ReplicaPoolTest, TheRouterReadsEachReplicasCountFromItsMirror) {
  RoutedPool f(3, RouterPolicy::kLeastOutstanding);
  Simulator& sim = f.sim;
  ReplicaPool& pool = f.pool;
  const LoadBoard& board = pool.router()->board();
  for (std::uint64_t id = 0; id < 7; ++id) pool.entry()->Submit(sim, Make(id, true));
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(board.Outstanding(i), i == 0 ? 3.0 : 2.0) << i;  // 0,1,2,0,1,2,0
  sim.Run(1);  // the first iterations start; nothing has finished
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(board.Outstanding(i), pool.replica(i).in_system().value()) << i;
  sim.Run();
  EXPECT_EQ(f.listener.done.size(), 7u);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(board.Outstanding(i), 0.0) << i;
}

}  // namespace
}  // namespace fleetlab
