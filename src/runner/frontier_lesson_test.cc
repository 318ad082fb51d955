// The frontier as the lab draws it: rates as fractions of the measured
// capacity, the M/M/1 reference on the same axes, the knee as a plotted
// point, and an LLM replica's capacity measured at saturation.
#include <cmath>
#include <variant>

#include <gtest/gtest.h>

#include "fleetlab/frontier.h"
#include "fleetlab/runner.h"
#include "fleetlab/scenario/parse.h"
#include "fleetlab/tracks/tracks.h"

namespace fleetlab {
namespace {

Scenario Mm1(std::uint64_t requests) {
  Scenario s;
  s.seed = 7;
  s.workload.arrival.rate_per_s = 50;
  s.workload.requests = requests;
  s.workload.warmup_requests = 1000;
  std::get<StationSystem>(s.system).station.service_s = Distribution::Exponential(0.010);  // mu = 100/s
  return s;
}

TEST(FrontierLesson, ReferenceIsMm1WithTheSameUnloadedP99AndCapacity) {
  // P99 grows as 1/(1 - rho): x2 at 50%, x5 at 80%, x10 at 90%; none at or past capacity.
  EXPECT_DOUBLE_EQ(ReferenceP99Ms(46.0517, 50, 100), 2 * 46.0517);
  EXPECT_NEAR(ReferenceP99Ms(46.0517, 80, 100), 5 * 46.0517, 1e-9);
  EXPECT_TRUE(std::isnan(ReferenceP99Ms(46.0517, 100, 100)));
  EXPECT_TRUE(std::isnan(ReferenceP99Ms(46.0517, 120, 100)));
}

TEST(FrontierLesson, LoadsAreFractionsOfTheExactCapacityAndTheKneeIsAPlottedPoint) {
  FrontierOptions o;
  ASSERT_TRUE(ParseLoadSpec("0.1:1.2:12", &o).ok());
  o.threads = 2;
  auto f = RunFrontier(Mm1(40'000), o);
  ASSERT_TRUE(f.ok()) << f.status().message();
  EXPECT_EQ(f->capacity_source, "exact");
  EXPECT_DOUBLE_EQ(f->capacity_per_s, 100);
  ASSERT_EQ(f->rates_per_s.size(), 12u);
  EXPECT_DOUBLE_EQ(f->rates_per_s.front(), 10);
  EXPECT_DOUBLE_EQ(f->rates_per_s.back(), 120);
  const nlohmann::json j = FrontierToJson(*f);
  // Past capacity the queue grows without bound: those points stay, marked unstable.
  EXPECT_FALSE(j["series"]["stable"].back().get<bool>());
  EXPECT_TRUE(j["series"]["e2e_p99_ms"].back().is_null());
  const int k = j["knee"]["index"].get<int>();
  ASSERT_GE(k, 0);
  EXPECT_DOUBLE_EQ(j["knee"]["point_rate_per_s"].get<double>(), f->rates_per_s[k]);
  EXPECT_DOUBLE_EQ(j["knee"]["point_p99_ms"].get<double>(), j["series"]["e2e_p99_ms"][k].get<double>());
  EXPECT_DOUBLE_EQ(j["knee"]["point_load"].get<double>(), f->rates_per_s[k] / 100);
  // The M/M/1 knee (5x its unloaded P99) sits at 80%: the last point within it is 70% or 80%.
  EXPECT_GE(f->rates_per_s[k], 69.9);
  EXPECT_LE(f->rates_per_s[k], 80.1);
  // The reference: unloaded P99 / (1 - rho), null past capacity.
  EXPECT_NEAR(j["series"]["reference_p99_ms"][0].get<double>(), f->unloaded_p99_ms / 0.9, 1e-9);
  EXPECT_TRUE(j["series"]["reference_p99_ms"].back().is_null());
  FrontierOptions bad;
  EXPECT_FALSE(ParseLoadSpec("1.2:0.1:12", &bad).ok());
  EXPECT_FALSE(ParseLoadSpec("0.1:20:12", &bad).ok());
}

TEST(FrontierLesson, AnLlmReplicasCapacityIsItsThroughputWhenOverloaded) {
  auto s = LoadScenario(DefaultTracksDir() + "/cloud-titan/part1.json", {});
  ASSERT_TRUE(s.ok()) << s.status().message();
  FrontierOptions o;
  o.metric = FrontierMetric::kTtft;
  std::string source;
  auto cap = MeasureCapacity(*s, o, &source);
  ASSERT_TRUE(cap.ok()) << cap.status().message();
  EXPECT_EQ(source, "saturation");
  // 2 replicas x 16 slots: the throughput when overloaded is below the roofline estimate (18.4 req/s),
  // and a run at 1.3x that capacity does not keep up.
  EXPECT_GT(*cap, 12.0);
  EXPECT_LT(*cap, 18.4);
  Scenario over = *s;
  over.workload.arrival.rate_per_s = 1.3 * *cap;
  auto r = RunScenario(over);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->stable) << r->stability_note;
}

}  // namespace
}  // namespace fleetlab
