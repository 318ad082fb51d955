// Each routing policy's choice on hand-built loads: ties to the lowest
// index, round robin cycles, the random policies stay within range and
// spread evenly.
#include "fleet/routing_policy.h"

#include <gtest/gtest.h>

#include "fleet/fleet_test_util.h"
#include "fleetlab/util/time_weighted.h"

namespace fleetlab {
namespace {

using test::HandBuiltLoads;

std::unique_ptr<RoutingPolicy> Make(RouterPolicy p) {
  return MakeRoutingPolicy(p, RandomStreams(5).Stream(StreamId::kRouting));
}

TEST(RoutingPolicyTest, RoundRobinCyclesWhateverTheLoad) {
  HandBuiltLoads h(3);
  h.Set({9, 0, 4});
  const LoadBoard board = h.Live();
  auto p = Make(RouterPolicy::kRoundRobin);
  std::vector<std::size_t> picks;
  for (int i = 0; i < 7; ++i) picks.push_back(p->Choose(board));
  EXPECT_EQ(picks, (std::vector<std::size_t>{0, 1, 2, 0, 1, 2, 0}));
}

TEST(RoutingPolicyTest, LeastOutstandingTakesTheMinimumAndTiesGoLow) {
  HandBuiltLoads h(5);
  auto p = Make(RouterPolicy::kLeastOutstanding);
  h.Set({3, 2, 5, 1, 4});
  EXPECT_EQ(p->Choose(h.Live()), 3u);
  h.Set({3, 1, 5, 1, 1});  // three-way tie at 1: the lowest index
  EXPECT_EQ(p->Choose(h.Live()), 1u);
  h.Set({0, 0, 0, 0, 0});
  EXPECT_EQ(p->Choose(h.Live()), 0u);
}

// A replica that mirrors its count into the board, as LLM replicas and
// stations do (TimeWeighted::Mirror).
class MirroringProbe final : public LoadProbe {
 public:
  mutable TimeWeighted count;  // Mirror, from the const probe, as a replica behind a probe does
  ReplicaLoad Read() const override { return {count.value(), 0}; }
  bool MirrorOutstanding(MinTree* tree, std::size_t i) const override {
    count.Mirror(tree, i);
    return true;
  }
};

// The board that tracks the least mirrored count answers as the scan does,
// ties to the lowest index, as the counts change after it was built.
TEST(RoutingPolicyTest, LeastOutstandingFromTrackedCountsMatchesTheScan) {
  std::vector<MirroringProbe> probes(5);
  std::vector<const LoadProbe*> p;
  for (const MirroringProbe& probe : probes) p.push_back(&probe);
  const LoadBoard tracked(p, true, false, true);
  auto policy = Make(RouterPolicy::kLeastOutstanding);
  EXPECT_EQ(policy->Choose(tracked), 0u);  // all zero
  const auto set = [&](const std::vector<double>& v) {
    for (std::size_t i = 0; i < v.size(); ++i) probes[i].count.Set(1, v[i]);
  };
  set({3, 2, 5, 1, 4});
  EXPECT_EQ(policy->Choose(tracked), 3u);
  EXPECT_DOUBLE_EQ(tracked.Outstanding(2), 5);
  set({3, 1, 5, 1, 1});
  EXPECT_EQ(policy->Choose(tracked), 1u);
  probes[1].count.Add(2, 1);
  EXPECT_EQ(policy->Choose(tracked), 3u);
  probes[0].count.Set(3, 0);
  EXPECT_EQ(policy->Choose(tracked), 0u);
}

TEST(RoutingPolicyTest, LeastKvTakesTheSmallestFractionThenFewestOutstanding) {
  HandBuiltLoads h(4);
  auto p = Make(RouterPolicy::kLeastKv);
  h.Set({1, 9, 1, 1}, {0.5, 0.1, 0.3, 0.2});
  EXPECT_EQ(p->Choose(h.Live()), 1u);  // 0.1, although it has the most requests
  h.Set({4, 2, 3, 2}, {0.0, 0.0, 0.0, 0.0});  // KV ties (requests still queued hold none)
  EXPECT_EQ(p->Choose(h.Live()), 1u);         // fewest outstanding, lowest index of 1 and 3
  h.Set({2, 2, 2, 2}, {0.2, 0.2, 0.2, 0.2});
  EXPECT_EQ(p->Choose(h.Live()), 0u);
}

TEST(RoutingPolicyTest, PowerOfTwoPicksTheLessLoadedOfTwoDistinctReplicas) {
  // Loads 0..4 rise with the index, so the pick is always the lower index of
  // the pair drawn: replica i wins when it is drawn with a higher one.
  // P(i) = (n - 1 - i) / C(n, 2) = (4 - i) / 10 for n = 5: 0.4, 0.3, 0.2, 0.1, 0.
  HandBuiltLoads h(5);
  h.Set({0, 1, 2, 3, 4});
  const LoadBoard board = h.Live();
  auto p = Make(RouterPolicy::kPowerOfTwo);
  std::vector<int> count(5, 0);
  const int n = 100'000;
  for (int i = 0; i < n; ++i) ++count[p->Choose(board)];
  for (int i = 0; i < 5; ++i) EXPECT_NEAR(count[i] / double(n), (4 - i) / 10.0, 0.006) << i;  // about 4 sigma
  h.Set({2, 2, 2, 2, 2});  // a tie between the two drawn: the lower index, so replica 4 never wins
  for (int i = 0; i < 1000; ++i) EXPECT_NE(p->Choose(h.Live()), 4u);
}

TEST(RoutingPolicyTest, PowerOfTwoWithOneReplicaNeedsNoDraw) {
  HandBuiltLoads h(1);
  auto p = Make(RouterPolicy::kPowerOfTwo);
  EXPECT_EQ(p->Choose(h.Live()), 0u);
}

TEST(RoutingPolicyTest, RandomIsUniformAndIgnoresLoad) {
  HandBuiltLoads h(4);
  h.Set({100, 0, 0, 0});
  const LoadBoard board = h.Live();
  auto p = Make(RouterPolicy::kRandom);
  std::vector<int> count(4, 0);
  const int n = 100'000;
  for (int i = 0; i < n; ++i) ++count[p->Choose(board)];
  for (int c : count) EXPECT_NEAR(c / double(n), 0.25, 0.006);  // sd 0.0014: > 4 sigma
}

TEST(RoutingPolicyTest, SameStreamSameChoices) {
  HandBuiltLoads h(6);
  h.Set({1, 2, 3, 1, 2, 3});
  const LoadBoard board = h.Live();
  auto a = Make(RouterPolicy::kPowerOfTwo), b = Make(RouterPolicy::kPowerOfTwo);
  for (int i = 0; i < 100; ++i) ASSERT_EQ(a->Choose(board), b->Choose(board));
}

}  // namespace
}  // namespace fleetlab
