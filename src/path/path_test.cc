// The request path against hand-computed cases and the closed forms of the
// tail at scale (Dean & Barroso, CACM 2013): fan-out 1-(1-p)^K, k of K, and
// hedged copies P(T > t) = P(T1 > t) P(T2 > t - d).
#include <cmath>

#include <gtest/gtest.h>

#include "fleetlab/runner.h"
#include "fleetlab/scenario/parse.h"

namespace fleetlab {
namespace {

Report MustRun(const Scenario& s) {
  auto r = RunScenario(s);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? *r : Report{};
}

// Open-loop Poisson arrivals into a path.
Scenario OnPath(double rate, std::uint64_t requests, std::vector<StageOptions> stages) {
  Scenario s;
  s.workload.arrival.rate_per_s = rate;
  s.workload.requests = requests;
  s.workload.warmup_requests = 0;
  s.system = RequestPath{PathOptions{std::move(stages)}};
  return s;
}

// A pool with so many servers that nothing ever queues: its latency is the
// service time itself, as the closed forms assume.
PoolOptions Unqueued(const Distribution& service, std::uint32_t replicas = 1) {
  PoolOptions p;
  p.replicas = replicas;
  p.station.servers = 1000;
  p.station.service_s = service;
  return p;
}

StageOptions PoolStageOf(PoolOptions p) {
  StageOptions st;
  st.kind = StageOptions::Kind::kPool;
  st.pool = std::move(p);
  return st;
}

StageOptions Fanout(const PoolOptions& branch, std::uint32_t k, std::uint32_t need) {
  StageOptions st;
  st.kind = StageOptions::Kind::kFanout;
  BranchOptions b;
  b.pool = branch;
  st.branches.assign(k, b);
  st.need = need;
  return st;
}

// 99% of calls take 1 ms, 1% take 20 ms (a rare stall).
Distribution SlowMode(double p_slow) {
  return Distribution::Mixture({Distribution::Deterministic(0.001), Distribution::Deterministic(0.020)},
                               {1 - p_slow, p_slow});
}

TEST(LinkStageTest, AlphaThenSerialisationAndLanesQueue) {
  StageOptions st;
  st.kind = StageOptions::Kind::kLink;
  st.link.alpha_s = Distribution::Deterministic(0.001);
  st.link.bandwidth_Bps = 1e9;
  st.link.bytes = 1e6;  // 1 ms on the wire
  Scenario s = OnPath(0, 2, {st});
  s.workload.arrival.kind = ArrivalKind::kTrace;
  s.trace = {{0.0, 1, 1}, {0.0, 1, 1}};
  const Report r = MustRun(s);
  // Both wait alpha (1 ms) in parallel; the lane serialises one, then the
  // other: 2 ms and 3 ms.
  EXPECT_EQ(r.completed, 2u);
  EXPECT_NEAR(r.e2e_ms.mean, 2.5, 1e-9);
  EXPECT_NEAR(r.e2e_ms.max, 3.0, 1e-9);
  EXPECT_NEAR(r.queue_ms.max, 1.0, 1e-9);  // the second waited 1 ms for the lane
}

TEST(LinkStageTest, LossesAreRetriedAsOftenAsTheLossRateSays) {
  StageOptions st;
  st.kind = StageOptions::Kind::kLink;
  st.link.alpha_s = Distribution::Deterministic(0.001);
  st.link.lanes = 0;
  st.link.loss = 0.2;
  st.link.retry_timeout_s = 0.005;
  st.link.max_attempts = 3;
  const Report r = MustRun(OnPath(100, 50'000, {st}));
  const StageReport& link = r.path->stages[0];
  // Attempts per message: 1 + 0.2 + 0.04; lost after 3: 0.2^3 = 0.008.
  EXPECT_NEAR(static_cast<double>(link.attempts) / static_cast<double>(link.messages), 1.24, 0.01);
  EXPECT_NEAR(static_cast<double>(r.dropped) / 50'000, 0.008, 0.0015);
  // A message lost once arrives after the retry timeout plus alpha: 6 ms.
  EXPECT_NEAR(r.e2e_ms.p95, 6.0, 1e-6);
}

// A link's counters are of one population, the messages sent in the
// window: warm-up messages lost after the reset had been counted as lost
// though not as messages (1,800 messages, 894 lost, 908 delivered).
TEST(LinkStageTest, LostAndDeliveredAddUpToTheMessagesOfTheWindow) {
  auto s = ParseScenario(nlohmann::json::parse(R"({"seed": 902,
    "workload": {"requests": 2000, "warmup_requests": 200, "arrival": {"process": "poisson", "rate_per_s": 300}},
    "path": {"stages": [{"link": {"bytes": 0, "loss": 0.7, "retry_ms": 10, "max_attempts": 2}}]}})"), "");
  ASSERT_TRUE(s.ok()) << s.status().message();
  const Report r = MustRun(*s);
  const StageReport& link = r.path->stages[0];
  EXPECT_EQ(link.messages, 1800u);
  EXPECT_EQ(link.lost + r.completed, link.messages);
}

TEST(FanoutTest, JoinOfAllMatchesOneMinusOneMinusPToTheK) {
  const Scenario s = OnPath(1000, 40'000, {Fanout(Unqueued(SlowMode(0.01)), 10, 10)});
  Scenario timed = s;
  timed.deadline = DeadlineOptions{0.005};
  const Report r = MustRun(timed);
  const double expected = 1 - std::pow(0.99, 10);  // 0.0956
  // Binomial standard error sqrt(p(1-p)/n) = 0.0015; 4 of them.
  EXPECT_NEAR(r.deadline->miss_rate, expected, 0.006);
  // With one branch the tail would be 1%: fan-out multiplies it ~10x.
  EXPECT_GT(r.deadline->miss_rate, 8 * 0.01);
}

TEST(FanoutTest, KOfKWaitsOnlyForTheNeededAnswers) {
  Scenario s = OnPath(1000, 40'000, {Fanout(Unqueued(SlowMode(0.01)), 10, 9)});
  s.deadline = DeadlineOptions{0.005};
  const Report r = MustRun(s);
  // Slow only if two or more of ten stall.
  const double expected = 1 - std::pow(0.99, 10) - 10 * 0.01 * std::pow(0.99, 9);  // 0.00427
  EXPECT_NEAR(r.deadline->miss_rate, expected, 0.0015);
}

TEST(HedgeTest, BackupCopiesCutTheTailAsIndependentCopiesPredict) {
  const Distribution service = Distribution::Mixture(
      {Distribution::Deterministic(0.001), Distribution::Deterministic(0.010)}, {0.9, 0.1});
  PoolOptions pool = Unqueued(service, 2);
  pool.hedge.trigger = HedgeOptions::Trigger::kFixed;
  pool.hedge.delay_s = 0.003;
  Scenario s = OnPath(500, 40'000, {PoolStageOf(pool)});
  s.deadline = DeadlineOptions{0.005};
  const Report r = MustRun(s);
  // P(T > 5 ms) = S(5 ms) S(5 - 3 ms) = 0.1 x 0.1; unhedged it is 0.1.
  const double expected = service.Survival(0.005) * service.Survival(0.005 - 0.003);
  EXPECT_NEAR(expected, 0.01, 1e-12);
  EXPECT_NEAR(r.deadline->miss_rate, expected, 0.002);
  // The extra load is P(T1 > d) = 0.1 of requests.
  const HedgeReport& h = r.path->stages[0].hedge;
  EXPECT_NEAR(h.backup_fraction, service.Survival(0.003), 0.006);
  // A backup sent at 3 ms wins when the primary is slow and the backup fast.
  EXPECT_NEAR(static_cast<double>(h.backup_wins) / static_cast<double>(h.requests), 0.1 * 0.9, 0.006);
}

TEST(HedgeTest, CancellingTheLoserSavesTheDuplicatedWork) {
  const Distribution service = Distribution::Mixture(
      {Distribution::Deterministic(0.001), Distribution::Deterministic(0.010)}, {0.9, 0.1});
  PoolOptions pool = Unqueued(service, 2);
  pool.hedge.trigger = HedgeOptions::Trigger::kFixed;
  pool.hedge.delay_s = 0.003;
  const Report kept = MustRun(OnPath(500, 20'000, {PoolStageOf(pool)}));
  pool.hedge.cancel_loser = true;
  const Report cancelled = MustRun(OnPath(500, 20'000, {PoolStageOf(pool)}));
  const HedgeReport& a = kept.path->stages[0].hedge;
  const HedgeReport& b = cancelled.path->stages[0].hedge;
  EXPECT_GT(b.cancelled, 0u);
  // Per request, in ms: 90% fast (1 used); 9% slow primary + fast backup (1
  // used, the primary's 10 wasted, or 4 if withdrawn when the backup answers
  // at 4 ms); 1% both slow (10 used, the backup's 10 wasted, or 7 withdrawn).
  const double used = 0.9 * 1 + 0.09 * 1 + 0.01 * 10;
  EXPECT_NEAR(a.wasted_work_fraction, (0.09 * 10 + 0.01 * 10) / (used + 0.09 * 10 + 0.01 * 10), 0.02);
  EXPECT_NEAR(b.wasted_work_fraction, (0.09 * 4 + 0.01 * 7) / (used + 0.09 * 4 + 0.01 * 7), 0.02);
  // Same seed, same draws: the latencies do not depend on cancelling here
  // (nothing queues).
  EXPECT_DOUBLE_EQ(kept.e2e_ms.p99, cancelled.e2e_ms.p99);
}

// A replica with no room drops a copy inside the pool's Submit: that drop
// must reach the race. It did not (the race was recorded after the copy
// went), was taken for a loser's and swallowed, and the request was neither
// answered nor dropped: 1,079 of 2,000 "in flight" after the run drained.
TEST(HedgeTest, ACopyDroppedOnArrivalIsPartOfTheRace) {
  PoolOptions pool;
  pool.replicas = 2;
  pool.station.servers = 1;
  pool.station.queue_capacity = 0;  // a busy replica refuses at once
  pool.station.service_s = Distribution::Exponential(0.010);
  pool.hedge.trigger = HedgeOptions::Trigger::kFixed;
  pool.hedge.delay_s = 0.005;
  const Report r = MustRun(OnPath(300, 2'000, {PoolStageOf(pool)}));
  EXPECT_EQ(r.in_flight_at_end, 0u);
  EXPECT_GT(r.dropped, 0u);
  EXPECT_EQ(r.completed + r.dropped, 2'000u);
  EXPECT_EQ(r.path->stages[0].hedge.requests, r.completed);
}

// A path's window ends at its last exit, while a branch nobody waits for
// (need 1 of 2) goes on working past it. Its utilisation is averaged to its
// own last change: read at the window's end it counted that work over too
// short a span (a one-lane link at 2.98, a one-server pool at 2.0).
TEST(PathTest, AStageBusyPastTheLastExitStaysWithinItsCapacity) {
  for (const char* slow : {R"({"name": "slow", "replicas": 1,
                                "station": {"servers": 1, "service": {"distribution": "deterministic", "mean_ms": 20}}})",
                           R"({"name": "slow", "stages": [{"link": {"bytes": 100000, "bandwidth_gbps": 0.01}}]})"}) {
    nlohmann::json doc = nlohmann::json::parse(R"({"seed": 1,
      "workload": {"requests": 1000, "warmup_requests": 0, "arrival": {"process": "poisson", "rate_per_s": 100}},
      "path": {"stages": [{"fanout": {"need": 1, "branches": [
        {"name": "fast", "replicas": 1, "station": {"servers": 4, "service": {"distribution": "deterministic", "mean_ms": 1}}}]}}]}})");
    doc["path"]["stages"][0]["fanout"]["branches"].push_back(nlohmann::json::parse(slow));
    auto s = ParseScenario(doc, "");
    ASSERT_TRUE(s.ok()) << s.status().message();
    const Report r = MustRun(*s);
    // 100/s of 20 ms (or 80 ms a message on the link): the slow branch is
    // saturated, busy the whole time, and no more.
    const StageReport& fanout = r.path->stages[0];
    ASSERT_EQ(fanout.branches.size(), 2u);
    const double u = fanout.branches[1].utilization;
    EXPECT_GT(u, 0.95) << slow;
    EXPECT_LE(u, 1.0) << slow;
    EXPECT_LE(r.utilization, 1.0) << slow;
  }
}

// backup_fraction is the extra load: backups over the requests sent in.
// Over those answered it passed 1 inside a fan-out that withdraws the rest
// (1,000 backups, 662 answered: 151%), though exactly one went a request.
TEST(HedgeTest, TheBackupFractionCountsEveryRequestSentIn) {
  auto s = ParseScenario(nlohmann::json::parse(R"({"seed": 1,
    "workload": {"requests": 1000, "warmup_requests": 0, "arrival": {"process": "poisson", "rate_per_s": 100}},
    "path": {"stages": [{"fanout": {"need": 1, "cancel_rest": true, "branches": [
      {"name": "fast", "replicas": 1, "station": {"servers": 4, "service": {"distribution": "exponential", "mean_ms": 2}}},
      {"name": "hedged", "replicas": 2, "station": {"servers": 2, "service": {"distribution": "exponential", "mean_ms": 2}},
       "hedge": {"after_ms": 0, "cancel_loser": true}}]}}]}})"), "");
  ASSERT_TRUE(s.ok()) << s.status().message();
  const Report r = MustRun(*s);
  const HedgeReport& h = r.path->stages[0].branches[1].hedge;
  EXPECT_LT(h.requests, 1000u);  // some were withdrawn when the other branch answered first
  EXPECT_EQ(h.backups, 1000u);   // a backup at once for each
  EXPECT_DOUBLE_EQ(h.backup_fraction, 1.0);
}

TEST(HedgeTest, QuantileTriggerLearnsTheObservedP95) {
  PoolOptions pool = Unqueued(Distribution::Exponential(0.002), 2);
  pool.hedge.trigger = HedgeOptions::Trigger::kQuantile;
  pool.hedge.quantile = 0.95;
  pool.hedge.delay_s = 0.1;  // until 100 answers are seen
  const Report r = MustRun(OnPath(200, 20'000, {PoolStageOf(pool)}));
  // The answered latency is min(T1, d + T2) with d its own P95; its P95 is a
  // little below the plain exponential's 2 ms x ln 20 = 5.99 ms.
  const HedgeReport& h = r.path->stages[0].hedge;
  EXPECT_GT(h.delay_ms, 4.5);
  EXPECT_LT(h.delay_ms, 6.1);
  EXPECT_NEAR(h.backup_fraction, std::exp(-h.delay_ms / 2.0), 0.01);
}

TEST(DeadlineTest, CountsMissesAndStuttersOnAHandBuiltTrace) {
  PoolOptions pool;
  pool.station.service_s = Distribution::Deterministic(0.004);
  Scenario s = OnPath(0, 7, {PoolStageOf(pool)});
  s.workload.arrival.kind = ArrivalKind::kTrace;
  s.trace = {{0.000, 1, 1}, {0.001, 1, 1}, {0.002, 1, 1}, {0.003, 1, 1},
             {0.100, 1, 1}, {0.200, 1, 1}, {0.201, 1, 1}};
  s.deadline = DeadlineOptions{0.005};
  const Report r = MustRun(s);
  // Latencies 4, 7, 10, 13 | 4 | 4, 7 ms against 5 ms: misses in a run of 3,
  // then a lone miss at the end.
  EXPECT_EQ(r.deadline->met, 3u);
  EXPECT_EQ(r.deadline->missed, 4u);
  EXPECT_EQ(r.deadline->longest_miss_run, 3u);
  EXPECT_EQ(r.deadline->stutters, 1u);
  EXPECT_NEAR(r.deadline->miss_rate, 4.0 / 7, 1e-12);
}

TEST(PathTest, SameSeedSameReport) {
  PoolOptions pool = Unqueued(SlowMode(0.05), 2);
  pool.station.servers = 1;
  pool.hedge.trigger = HedgeOptions::Trigger::kQuantile;
  StageOptions link;
  link.kind = StageOptions::Kind::kLink;
  link.link.alpha_s = Distribution::Lognormal(0.001, 0.5);
  link.link.loss = 0.05;
  const Scenario s = OnPath(300, 5'000, {link, Fanout(pool, 4, 3)});
  const Report a = MustRun(s), b = MustRun(s);
  EXPECT_EQ(a.e2e_ms.p99, b.e2e_ms.p99);
  EXPECT_EQ(a.events, b.events);
  EXPECT_EQ(a.path->stages[1].branches[2].hedge.backups, b.path->stages[1].branches[2].hedge.backups);
}

}  // namespace
}  // namespace fleetlab
