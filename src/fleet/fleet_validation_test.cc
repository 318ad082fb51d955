// Fleets of M/M/1-like stations end to end (RunScenario): the power of two
// choices against random routing (Mitzenmacher, "The Power of Two Choices
// in Randomized Load Balancing", IEEE TPDS 2001), the analytic twins of the
// load-blind routers, the herding that stale load reports cause
// (Mitzenmacher, "How Useful Is Old Information?", IEEE TPDS 2000), and
// determinism.
#include <cmath>
#include <variant>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "fleetlab/report/render.h"
#include "fleetlab/runner.h"

namespace fleetlab {
namespace {

// 8 stations, exponential service of mean 10 ms (mu = 100/s each), Poisson
// arrivals at 720/s: rho = 0.9 per station.
Scenario Fleet(RouterPolicy policy, std::uint64_t requests, double report_interval_s = 0) {
  Scenario s;
  s.seed = 20260301;
  s.workload.arrival.rate_per_s = 720;
  s.workload.requests = requests;
  s.workload.warmup_requests = 5'000;
  StationSystem stations;
  stations.station.service_s = Distribution::Exponential(0.010);
  stations.fleet = FleetOptions{};
  stations.fleet->replicas = 8;
  stations.fleet->router.policy = policy;
  stations.fleet->router.report_interval_s = report_interval_s;
  s.system = std::move(stations);
  return s;
}

Report MustRun(const Scenario& s) {
  auto r = RunScenario(s);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? *r : Report{};
}

// Random routing thins Poisson(720) into 8 independent Poisson(90) streams:
// 8 M/M/1 queues, sojourn ~ Exp(mu - lambda_i): mean 1 / (100 - 90) s =
// 100 ms, P99 ln(100) x 100 ms = 460.5 ms. 1M requests make the 95%
// interval of the mean ~3% (asserted), so 5% is ~3 standard errors.
TEST(FleetValidation, RandomRoutingIsEightIndependentMm1Queues) {
  const Report r = MustRun(Fleet(RouterPolicy::kRandom, 1'000'000));
  ASSERT_TRUE(r.stable);
  EXPECT_DOUBLE_EQ(r.capacity_per_s, 800);  // the fleet's capacity: 8 x 100/s
  EXPECT_DOUBLE_EQ(r.offered_load, 0.9);
  EXPECT_LT(r.e2e_ms.mean_ci95, 0.05 * 100);
  EXPECT_NEAR(r.e2e_ms.mean, 100, 0.05 * 100);
  EXPECT_NEAR(r.utilization, 0.9, 0.01);
  ASSERT_TRUE(r.analytic.available);  // the twin predicts the same, per station
  EXPECT_TRUE(r.analytic.exact);
  EXPECT_NEAR(r.analytic.e2e_mean_ms, 100, 1e-9);
  EXPECT_NEAR(r.analytic.e2e_p99_ms, 100 * std::log(100.0), 1e-6);
  ASSERT_TRUE(r.fleet);
  EXPECT_LT(r.fleet->max_over_mean_requests, 1.02);  // each gets ~1/8 of 995k: sd 0.3%
}

// Round robin sends each station every 8th arrival: Erlang-8 gaps of mean
// 1/90 s, an E8/M/1 queue. GI/M/1 (Kleinrock vol. 1, 6.4): the sojourn is
// Exp(mu (1 - s)), s the root in (0, 1) of s = A*(mu (1 - s)) with
// A*(x) = (720 / (720 + x))^8: s = 0.827011, mean 57.81 ms, below M/M/1's
// 100 ms because regular arrivals queue less.
TEST(FleetValidation, RoundRobinIsEightErlangArrivalQueues) {
  double lo = 0.01, hi = 0.999;  // bisection on s - A*(mu (1 - s)), negative below the root
  for (int i = 0; i < 100; ++i) {
    const double s = (lo + hi) / 2;
    (s - std::pow(720.0 / (720.0 + 100 * (1 - s)), 8) < 0 ? lo : hi) = s;
  }
  const double mean_ms = 1e3 / (100 * (1 - lo));
  ASSERT_NEAR(mean_ms, 57.807, 0.001);
  const Report r = MustRun(Fleet(RouterPolicy::kRoundRobin, 1'000'000));
  EXPECT_LT(r.e2e_ms.mean_ci95, 0.05 * mean_ms);
  EXPECT_NEAR(r.e2e_ms.mean, mean_ms, 0.05 * mean_ms);
  ASSERT_TRUE(r.fleet);
  EXPECT_DOUBLE_EQ(r.fleet->max_over_mean_requests, 1.0);  // 995,000 / 8 each, exactly
}

// The power of two choices: at rho = 0.9 the queue-length tail falls doubly
// exponentially instead of geometrically. Random's P99 is ~460 ms, two
// choices' ~120 ms (asserted: at least 2x apart, far beyond both
// intervals), and joining the shortest queue of all 8 does better still.
TEST(FleetValidation, PowerOfTwoChoicesCutsTheTailAndJsqCutsItFurther) {
  const Report random = MustRun(Fleet(RouterPolicy::kRandom, 200'000));
  const Report two = MustRun(Fleet(RouterPolicy::kPowerOfTwo, 200'000));
  const Report jsq = MustRun(Fleet(RouterPolicy::kLeastOutstanding, 200'000));
  ASSERT_TRUE(random.stable && two.stable && jsq.stable);
  std::cout << fmt::format("  P99 e2e: random {:.1f} ms, power of two {:.1f} ms, least outstanding {:.1f} ms\n",
                           random.e2e_ms.p99, two.e2e_ms.p99, jsq.e2e_ms.p99);
  EXPECT_LT(2 * two.e2e_ms.p99, random.e2e_ms.p99);
  EXPECT_LE(jsq.e2e_ms.p99, 1.1 * two.e2e_ms.p99);
}

// Least-outstanding on reports 100 ms old (10 service times, ~72 arrivals
// between two reports of one replica): every request goes to whichever
// replica looked emptiest at its last report, which fills up until it
// reports again — herding. Its P99 ends up worse than with live load (and
// than random routing: old information can be worse than none).
TEST(FleetValidation, StaleLoadReportsHerdRequests) {
  const Report live = MustRun(Fleet(RouterPolicy::kLeastOutstanding, 200'000));
  const Report stale = MustRun(Fleet(RouterPolicy::kLeastOutstanding, 200'000, 0.100));
  Scenario counted = Fleet(RouterPolicy::kLeastOutstanding, 200'000, 0.100);
  std::get<StationSystem>(counted.system).fleet->router.count_own_sends = true;
  const Report own = MustRun(counted);
  std::cout << fmt::format("  least outstanding P99 e2e: live {:.1f} ms, reports every 100 ms {:.1f} ms, "
                           "same plus own sends {:.1f} ms\n", live.e2e_ms.p99, stale.e2e_ms.p99, own.e2e_ms.p99);
  EXPECT_GT(stale.e2e_ms.p99, 2 * live.e2e_ms.p99);
  EXPECT_LT(own.e2e_ms.p99, stale.e2e_ms.p99);  // counting its own sends damps the herd
  EXPECT_NEAR(stale.throughput_rps, 720, 0.01 * 720);  // herding delays, it does not lose work
}

TEST(FleetValidation, SameSeedSameReportBitForBit) {
  const Scenario s = Fleet(RouterPolicy::kPowerOfTwo, 20'000, 0.020);
  const std::string first = ReportToJson(MustRun(s)).dump();
  EXPECT_EQ(first, ReportToJson(MustRun(s)).dump());
  Scenario other = s;
  other.seed += 1;
  EXPECT_NE(first, ReportToJson(MustRun(other)).dump());
}

// A fleet of one is the lone station: the same streams, the same samples.
TEST(FleetValidation, AFleetOfOneIsTheStationItself) {
  Scenario fleet = Fleet(RouterPolicy::kPowerOfTwo, 20'000);
  std::get<StationSystem>(fleet.system).fleet->replicas = 1;
  fleet.workload.arrival.rate_per_s = 90;
  Scenario alone = fleet;
  std::get<StationSystem>(alone.system).fleet.reset();
  const Report a = MustRun(fleet), b = MustRun(alone);
  EXPECT_EQ(a.e2e_ms.p99, b.e2e_ms.p99);
  EXPECT_EQ(a.e2e_ms.mean, b.e2e_ms.mean);
  EXPECT_EQ(a.utilization, b.utilization);
  EXPECT_EQ(a.analytic.e2e_mean_ms, b.analytic.e2e_mean_ms);
  ASSERT_TRUE(a.fleet && !b.fleet);
  EXPECT_EQ(a.fleet->requests, (std::vector<std::uint64_t>{15'000}));
}

}  // namespace
}  // namespace fleetlab
