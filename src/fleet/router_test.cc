// The router on hand-built replicas: live routing, stale reports on their
// staggered schedule, the herding a stale snapshot causes, and the end of
// reporting once replicas are empty (so a run can finish).
#include "fleet/router.h"

#include <gtest/gtest.h>

#include "fleet/fleet_test_util.h"

namespace fleetlab {
namespace {

using test::CountingTarget;
using test::FixedProbe;

// A router over `n` hand-loaded replicas.
struct Bench {
  explicit Bench(std::size_t n, RouterOptions o) : probes(n), targets(n) {
    std::vector<RouteTarget> t;
    for (std::size_t i = 0; i < n; ++i) t.push_back({&targets[i], &probes[i]});
    router = std::make_unique<Router>(t, o, RandomStreams(1).Stream(StreamId::kRouting));
    router->Attach(sim);
  }
  Simulator sim;
  std::vector<FixedProbe> probes;
  std::vector<CountingTarget> targets;
  std::unique_ptr<Router> router;
};

RouterOptions Options(RouterPolicy p, double interval_s, bool own = false) {
  RouterOptions o;
  o.policy = p;
  o.report_interval_s = interval_s;
  o.count_own_sends = own;
  return o;
}

TEST(RouterTest, LiveLoadIsReadAtEachDecision) {
  Bench b(3, Options(RouterPolicy::kLeastOutstanding, 0));
  b.probes[0].load.outstanding = 2;
  b.probes[1].load.outstanding = 1;
  b.probes[2].load.outstanding = 3;
  b.router->Submit(b.sim, Request{});
  b.probes[1].load.outstanding = 5;
  b.router->Submit(b.sim, Request{});
  EXPECT_EQ(b.router->routed(), (std::vector<std::uint64_t>{1, 1, 0}));
  EXPECT_EQ(b.targets[1].received, 1u);
  EXPECT_EQ(b.sim.pending(), 0u);  // live: no report events
}

TEST(RouterTest, AStaleSnapshotHerdsEveryRequestOntoOneReplica) {
  // Nothing reported yet: every replica looks empty, so least-outstanding
  // sends all of them to replica 0 (the lowest index), however loaded it is.
  Bench b(4, Options(RouterPolicy::kLeastOutstanding, 0.100));
  b.probes[0].load.outstanding = 50;
  for (int i = 0; i < 10; ++i) b.router->Submit(b.sim, Request{});
  EXPECT_EQ(b.router->routed(), (std::vector<std::uint64_t>{10, 0, 0, 0}));
}

TEST(RouterTest, CountingOwnSendsSpreadsRequestsBetweenReports) {
  Bench b(4, Options(RouterPolicy::kLeastOutstanding, 0.100, true));
  for (int i = 0; i < 10; ++i) b.router->Submit(b.sim, Request{});
  EXPECT_EQ(b.router->routed(), (std::vector<std::uint64_t>{3, 3, 2, 2}));
}

TEST(RouterTest, ReportsFollowTheStaggeredScheduleAndStopWhenEmpty) {
  // N = 4, interval 100 ms: replica i reports at 25 i ms, then every 100 ms.
  Bench b(4, Options(RouterPolicy::kLeastOutstanding, 0.100));
  b.probes[0].load.outstanding = 7;
  b.router->Submit(b.sim, Request{});  // at t = 0 to replica 0: its next report is at 100 ms
  b.sim.Run(MsToNs(99));
  b.router->Submit(b.sim, Request{});  // still unreported: replica 0 again
  EXPECT_EQ(b.router->routed()[0], 2u);
  b.sim.Run(MsToNs(100));  // replica 0 reports 7
  b.router->Submit(b.sim, Request{});
  EXPECT_EQ(b.router->routed()[1], 1u);  // replica 1 (empty as far as the router knows)
  // Replica 1 reports at 125 ms, then every 100 ms while it is busy.
  b.probes[1].load.outstanding = 9;
  b.sim.Run(MsToNs(124));
  b.router->Submit(b.sim, Request{});
  EXPECT_EQ(b.router->routed()[1], 2u);
  b.sim.Run(MsToNs(125));
  b.router->Submit(b.sim, Request{});
  EXPECT_EQ(b.router->routed()[2], 1u);
  // Everything drains: each replica's next report reads empty and stops.
  for (auto& p : b.probes) p.load.outstanding = 0;
  b.sim.Run();
  EXPECT_EQ(b.sim.pending(), 0u);
  EXPECT_EQ(b.sim.now(), MsToNs(225));  // reports at 150 (2), 200 (0), 225 (1): all empty
}

}  // namespace
}  // namespace fleetlab
