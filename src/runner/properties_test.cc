// Property tests: invariants every simulated report must satisfy, checked on
// random small scenarios (rapidcheck shrinks any counterexample).
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <variant>

#include "fleetlab/runner.h"

namespace fleetlab {
namespace {

Distribution ServiceLaw(int family, double mean_s, double cv) {
  switch (family) {
    case 0: return Distribution::Exponential(mean_s);
    case 1: return Distribution::Deterministic(mean_s);
    case 2: return Distribution::Gamma(mean_s, cv);
    default: return Distribution::Lognormal(mean_s, cv);
  }
}

// A random open-loop station scenario; `load` is the offered load.
Scenario RandomScenario(bool with_warmup) {
  Scenario s;
  s.seed = *rc::gen::inRange<std::uint64_t>(1, 1'000'000);
  StationOptions& station = std::get<StationSystem>(s.system).station;
  station.servers = *rc::gen::inRange<std::uint32_t>(1, 5);
  const int family = *rc::gen::inRange(0, 4);
  const double mean_s = *rc::gen::inRange(1, 21) * 1e-3;
  const double cv = *rc::gen::inRange(3, 21) / 10.0;
  station.service_s = ServiceLaw(family, mean_s, cv);
  station.batching.max_batch = *rc::gen::inRange<std::uint32_t>(1, 9);
  station.batching.window_s = *rc::gen::inRange(0, 11) * 1e-3;
  station.batching.per_item_s = *rc::gen::inRange(0, 3) * 1e-3;
  if (*rc::gen::inRange(0, 4) == 0) station.queue_capacity = *rc::gen::inRange<std::uint64_t>(0, 20);
  const double load = *rc::gen::inRange(5, 96) / 100.0;
  s.workload.arrival.kind = static_cast<ArrivalKind>(*rc::gen::inRange(0, 4));  // all but trace
  s.workload.arrival.rate_per_s = load * station.Capacity();
  s.workload.arrival.cv = cv;
  s.workload.requests = 3000;
  s.workload.warmup_requests = with_warmup ? 300 : 0;
  return s;
}

void CheckOrdered(const Summary& s) {
  RC_ASSERT(s.p50 <= s.p90);
  RC_ASSERT(s.p90 <= s.p95);
  RC_ASSERT(s.p95 <= s.p99);
  RC_ASSERT(s.p99 <= s.p999);
  RC_ASSERT(s.p999 <= s.max);
  RC_ASSERT(s.mean <= s.max);
}

RC_GTEST_PROP(ReportProperties, PercentilesAreOrderedAndQueueingIsPartOfLatency, ()) {
  const Report r = *RunScenario(RandomScenario(true));
  RC_PRE(r.completed > 0);
  CheckOrdered(r.e2e_ms);
  CheckOrdered(r.queue_ms);
  // queue_i <= e2e_i for every request, so every order statistic is ordered too.
  RC_ASSERT(r.queue_ms.p50 <= r.e2e_ms.p50);
  RC_ASSERT(r.queue_ms.p99 <= r.e2e_ms.p99);
  RC_ASSERT(r.queue_ms.mean <= r.e2e_ms.mean);
}

RC_GTEST_PROP(ReportProperties, ThroughputNeverExceedsOfferedLoadOrCapacity, ()) {
  const Scenario s = RandomScenario(true);
  const Report r = *RunScenario(s);
  RC_PRE(r.window_s > 0);
  // Departures in the arrival window: at most the window's arrivals and what
  // the warm-up left in the system.
  const double offered = static_cast<double>(r.arrived - r.warmup + r.in_system_at_window_start) / r.window_s;
  RC_ASSERT(r.throughput_rps <= offered * (1 + 1e-12));
  RC_ASSERT(r.utilization >= 0.0);
  RC_ASSERT(r.utilization <= 1.0 + 1e-9);
  // Capacity bounds throughput up to the random luck of short services; with
  // deterministic service times it is a hard bound (plus one round of batches
  // in flight at the window's edge).
  const StationOptions& station = *s.station();
  const double edge = station.servers * station.batching.max_batch / r.window_s;
  if (station.service_s.kind() == Distribution::Kind::kDeterministic) {
    RC_ASSERT(r.throughput_rps <= r.capacity_per_s + edge + 1e-9);
  } else {
    RC_ASSERT(r.throughput_rps <= 1.25 * r.capacity_per_s + edge);
  }
}

// Little's law on the arrival window: the area under N(t) equals the measured
// sojourns up to the requests present at the window's two edges (the warm-up's
// at its start, the drain's at its end), each of which adds or leaves out at
// most the longest sojourn; beyond those edges the law holds within the mean's
// confidence interval. Without warm-up the start edge is empty.
void CheckLittle(const Report& r) {
  const double w_from_l = r.mean_in_system / r.throughput_rps * 1e3;
  RC_LOG() << "W from L/X " << w_from_l << " W " << r.e2e_ms.mean << " ci " << r.e2e_ms.mean_ci95 << " L "
           << r.mean_in_system << " X " << r.throughput_rps << " window " << r.window_s << " stable " << r.stable
           << " drops " << r.dropped << " load " << r.offered_load << " edges " << r.in_system_at_window_start
           << " " << r.in_system_at_window_end << "\n";
  const double edges = static_cast<double>(r.in_system_at_window_start + r.in_system_at_window_end);
  const double edge_ms = edges * r.e2e_ms.max / (r.throughput_rps * r.window_s);
  RC_ASSERT(std::abs(w_from_l - r.e2e_ms.mean) <= r.e2e_ms.mean_ci95 + edge_ms + 1e-9 * r.e2e_ms.mean);
}

RC_GTEST_PROP(ReportProperties, LittlesLawHoldsFromAnEmptyStartUpToTheDrain, ()) {
  const Report r = *RunScenario(RandomScenario(false));
  RC_PRE(r.completed > 200 && r.throughput_rps > 0 && r.dropped == 0);
  RC_ASSERT(r.in_system_at_window_start == 0u);
  CheckLittle(r);
}

RC_GTEST_PROP(ReportProperties, LittlesLawHoldsWithinTheConfidenceInterval, ()) {
  const Report r = *RunScenario(RandomScenario(true));
  RC_PRE(r.completed > 200 && r.throughput_rps > 0);
  CheckLittle(r);
}

}  // namespace
}  // namespace fleetlab
