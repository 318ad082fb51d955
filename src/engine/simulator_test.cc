#include "fleetlab/engine/simulator.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <span>
#include <vector>

#include <gtest/gtest.h>

namespace fleetlab {
namespace {

// Records the order in which its events arrive.
class Recorder : public EventHandler {
 public:
  void OnEvent(Simulator& sim, const Event& e) override { seen.push_back({sim.now(), e.arg}); }
  std::vector<std::pair<SimTime, std::uint64_t>> seen;
};

TEST(EventQueueTest, OrdersByTimeThenSequence) {
  EventQueue q;
  std::uint64_t seq = 0;
  for (SimTime t : {50, 10, 30, 10, 50, 0, 30}) q.Push(Event{EventKey{t, seq++}, 0, 0, 0});
  std::vector<EventKey> out;
  while (!q.empty()) out.push_back(q.Pop().key);
  const std::vector<EventKey> expected = {{0, 5}, {10, 1}, {10, 3}, {30, 2}, {30, 6}, {50, 0}, {50, 4}};
  EXPECT_EQ(out, expected);
}

// Interleaved pushes and pops over thousands of pending events (every level
// of the heap, partial last rows, many equal times) deliver exactly the
// order a sort by (time, sequence) gives.
TEST(EventQueueTest, MatchesASortUnderInterleavedPushAndPop) {
  EventQueue q;
  std::vector<EventKey> pending, popped, expected;
  std::uint64_t seq = 0, state = 12345;
  const auto next = [&state] { return state = state * 6364136223846793005ull + 1442695040888963407ull; };
  SimTime now = 0;
  for (int round = 0; round < 20'000; ++round) {
    const int pushes = static_cast<int>(next() >> 62);  // 0..3: the queue grows to a few thousand
    for (int i = 0; i < pushes; ++i) {
      const EventKey k{now + static_cast<SimTime>(next() >> 54), seq++};  // times 0..1023 ahead: many ties
      q.Push(Event{k, 0, 0, 0});
      pending.push_back(k);
    }
    if (!q.empty() && (next() >> 63) == 1) {
      const EventKey k = q.Pop().key;
      popped.push_back(k);
      const auto it = std::min_element(pending.begin(), pending.end());
      expected.push_back(*it);
      pending.erase(it);
      now = k.time;
    }
  }
  EXPECT_GT(q.size(), 1000u);
  EXPECT_EQ(popped, expected);
}

// Hot memory is a hint: with blocks named (over the size past which Run
// prefetches them, one of them freed since), the same events arrive at the
// same times in the same order.
TEST(SimulatorTest, HotMemoryChangesNoDelivery) {
  const auto run = [](bool hinted) {
    Simulator sim;
    std::vector<Recorder> handlers(3);
    std::vector<HandlerId> ids;
    for (auto& h : handlers) ids.push_back(sim.Register(&h));
    std::vector<std::byte> big(Simulator::kPrefetchAboveBytes + 1);
    if (hinted) {
      auto gone = std::make_unique<std::vector<std::byte>>(4096);
      sim.SetHotMemory(ids[0], {std::span(big), std::span(*gone)});
      gone.reset();
      sim.SetHotMemory(ids[1], {std::as_bytes(std::span(&handlers[1], 1))});
    }
    for (std::uint64_t i = 0; i < 30; ++i) sim.Schedule(static_cast<SimTime>((i * 7) % 11), ids[i % 3], 0, i);
    sim.Run();
    std::vector<std::pair<SimTime, std::uint64_t>> all;
    for (const auto& h : handlers) all.insert(all.end(), h.seen.begin(), h.seen.end());
    return all;
  };
  EXPECT_EQ(run(true), run(false));
}

TEST(SimulatorTest, SameTimeEventsRunInSchedulingOrder) {
  Simulator sim;
  Recorder a, b;
  const HandlerId ia = sim.Register(&a), ib = sim.Register(&b);
  // Interleave two handlers at one instant: delivery must follow scheduling
  // order, whatever the handlers' addresses.
  for (std::uint64_t i = 0; i < 100; ++i) sim.Schedule(7, i % 2 ? ia : ib, 0, i);
  sim.Run();
  std::vector<std::uint64_t> order;
  for (auto& [t, arg] : a.seen) order.push_back(arg);
  ASSERT_EQ(a.seen.size(), 50u);
  for (std::size_t i = 0; i < order.size(); ++i) EXPECT_EQ(order[i], 2 * i + 1);
}

class Chain : public EventHandler {
 public:
  explicit Chain(Simulator& sim) : id(sim.Register(this)) {}
  void OnEvent(Simulator& sim, const Event& e) override {
    times.push_back(sim.now());
    if (e.arg > 0) sim.ScheduleAfter(10, id, 0, e.arg - 1);
  }
  HandlerId id;
  std::vector<SimTime> times;
};

TEST(SimulatorTest, HandlersScheduleFollowUps) {
  Simulator sim;
  Chain c(sim);
  sim.Schedule(5, c.id, 0, 3);
  EXPECT_EQ(sim.Run(), 4u);
  EXPECT_EQ(c.times, (std::vector<SimTime>{5, 15, 25, 35}));
  EXPECT_EQ(sim.now(), 35);
}

TEST(SimulatorTest, RunUntilStopsAndAdvancesClock) {
  Simulator sim;
  Chain c(sim);
  sim.Schedule(5, c.id, 0, 100);
  sim.Run(/*until=*/30);
  EXPECT_EQ(c.times.size(), 3u);  // 5, 15, 25
  EXPECT_EQ(sim.now(), 30);
  sim.Run(45);
  EXPECT_EQ(c.times.back(), 45);
}

TEST(SimulatorTest, CancelledEventsAreNotDelivered) {
  Simulator sim;
  Recorder r;
  const HandlerId id = sim.Register(&r);
  sim.Schedule(1, id, 0, 1);
  const EventId doomed = sim.Schedule(2, id, 0, 2);
  sim.Schedule(3, id, 0, 3);
  sim.Cancel(doomed);
  EXPECT_EQ(sim.pending(), 2u);
  sim.Run();
  ASSERT_EQ(r.seen.size(), 2u);
  EXPECT_EQ(r.seen[1].second, 3u);
}

TEST(SimulatorTest, EventLimitBoundsARun) {
  Simulator sim;
  Chain c(sim);
  sim.Schedule(0, c.id, 0, 1'000'000);
  sim.SetEventLimit(1000);
  EXPECT_EQ(sim.Run(), 1000u);
  EXPECT_TRUE(sim.event_limit_reached());
}

TEST(SimulatorTest, IndependentSimulatorsDoNotInteract) {
  Simulator s1, s2;
  Chain c1(s1), c2(s2);
  s1.Schedule(0, c1.id, 0, 5);
  s2.Schedule(100, c2.id, 0, 2);
  s1.Run();
  EXPECT_EQ(c1.times.size(), 6u);
  EXPECT_TRUE(c2.times.empty());
  s2.Run();
  EXPECT_EQ(c2.times, (std::vector<SimTime>{100, 110, 120}));
}

TEST(SimulatorTest, StopsAtAnEventBeyondTheHorizon) {
  Simulator sim;
  Recorder r;
  const HandlerId id = sim.Register(&r);
  sim.Schedule(kHorizon, id, 0, 1);  // the horizon itself is still reachable
  sim.ScheduleAfter(SecondsToNs(1e300), id, 0, 2);
  EXPECT_EQ(sim.Run(), 1u);
  EXPECT_TRUE(sim.horizon_reached());
  EXPECT_EQ(sim.now(), kHorizon);  // never past it
  EXPECT_EQ(sim.pending(), 1u);
}

TEST(SimulatorTest, ACancelledEventBeyondTheHorizonIsNoObstacle) {
  Simulator sim;
  Recorder r;
  const HandlerId id = sim.Register(&r);
  sim.Cancel(sim.Schedule(kBeyondHorizon, id, 0, 1));
  sim.Schedule(5, id, 0, 2);
  EXPECT_EQ(sim.Run(), 1u);
  EXPECT_FALSE(sim.horizon_reached());
}

TEST(TimeTest, ConversionsSaturateBeyondTheHorizonInsteadOfOverflowing) {
  EXPECT_EQ(SecondsToNs(1.5), 1'500'000'000);
  EXPECT_EQ(SecondsToNs(kHorizonSeconds), kHorizon);
  // 1e13 s is 1e22 ns, beyond int64: the cast alone was undefined (it gave -9.2e18).
  EXPECT_EQ(SecondsToNs(1e13), kBeyondHorizon);
  EXPECT_EQ(SecondsToNs(std::numeric_limits<double>::infinity()), kBeyondHorizon);
  EXPECT_EQ(SecondsToNs(std::nan("")), kBeyondHorizon);
  EXPECT_EQ(MsToNs(2.5), 2'500'000);
  EXPECT_EQ(MsToNs(1e300), kBeyondHorizon);
  EXPECT_EQ(AddTime(kHorizon, kBeyondHorizon), kBeyondHorizon);
  EXPECT_EQ(AddTime(3, 4), 7);
}

}  // namespace
}  // namespace fleetlab
