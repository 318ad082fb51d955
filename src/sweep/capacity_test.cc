#include "fleetlab/sweep/capacity.h"

#include <cmath>

#include <gtest/gtest.h>

#include "fleetlab/sweep/sweep_rows.h"

namespace fleetlab {
namespace {

using nlohmann::json;

TEST(CapacityTest, SloParsing) {
  auto t = ParseSlo(" latency_ms.ttft.p99 <= 500 ", "slo[0]");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->metric, "latency_ms.ttft.p99");
  EXPECT_TRUE(t->at_most);
  EXPECT_EQ(t->limit, 500);
  auto g = ParseSlo("slo.attainment >= 0.99", "slo[1]");
  ASSERT_TRUE(g.ok());
  EXPECT_FALSE(g->at_most);
  for (const char* bad : {"latency_ms.ttft.p99 < 500", "<= 5", "latency_ms.ttft.p99 <= fast", "a b <= 1"}) {
    auto r = ParseSlo(bad, "slo[2]");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.status().message().find("slo[2]: expected"), std::string::npos);
  }
}

TEST(CapacityTest, UnstableOrNullFailsAndAnAbsentMetricIsAnError) {
  const std::vector<SloTarget> slos = {*ParseSlo("latency_ms.e2e.p99 <= 100", "slo[0]")};
  std::string why;
  json report = {{"stable", true}, {"latency_ms", {{"e2e", {{"p99", 80.0}}}}}};
  EXPECT_TRUE(*MeetsSlos(report, slos, &why));
  report["latency_ms"]["e2e"]["p99"] = 120.0;
  EXPECT_FALSE(*MeetsSlos(report, slos, &why));
  EXPECT_NE(why.find("misses"), std::string::npos);
  report["stable"] = false;
  report["latency_ms"]["e2e"]["p99"] = nullptr;
  EXPECT_FALSE(*MeetsSlos(report, slos, &why));
  EXPECT_NE(why.find("unstable"), std::string::npos);
  const std::vector<SloTarget> ttft = {*ParseSlo("latency_ms.ttft.p99 <= 100", "slo[0]")};
  EXPECT_FALSE(MeetsSlos(report, ttft, &why).ok());
}

// M/M/1 with mu = 100/s: the time in system is exponential with rate
// mu - lambda, so P99 = ln(100) / (mu - lambda) and the highest rate with
// P99 <= X is mu - ln(100)/X. With X = 0.1 s: 100 - 46.0517 = 53.948/s.
TEST(CapacityTest, MM1BisectionMatchesTheClosedForm) {
  const json doc = json::parse(R"({
    "base": {"name": "mm1", "seed": 11,
      "workload": {"arrival": {"process": "poisson", "rate_per_s": 50}, "requests": 400000, "warmup_requests": 2000},
      "station": {"servers": 1, "service": {"distribution": "exponential", "mean_ms": 10}}},
    "slo": ["latency_ms.e2e.p99 <= 100"],
    "rate": {"low": 10, "high": 99, "tolerance_per_s": 0.25}})");
  auto spec = ParseCapacity(doc, "");
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  auto out = RunCapacity(*spec, 1);
  ASSERT_TRUE(out.ok()) << out.status().message();
  const CapacityResult& r = out->configs[0];
  ASSERT_EQ(r.bound, CapacityBound::kFound);
  const double mu = 100, x = 0.1, exact = mu - std::log(100.0) / x;
  // The simulated P99 carries an error of p99_ci95 (ms); through
  // d(lambda)/d(P99) = ln(100)/P99^2 that moves the crossing by:
  const double ci_ms = FindPath(r.report_at_max, "latency_ms.e2e.p99_ci95")->get<double>();
  const double ci_rate = std::log(100.0) / (x * x) * ci_ms / 1e3;
  EXPECT_GT(ci_rate, 0);
  EXPECT_LT(ci_rate, 2.0) << "the run is too short for a useful check";
  EXPECT_NEAR(r.max_rate_per_s, exact, spec->tolerance_per_s + ci_rate);
  EXPECT_LE(r.fail_rate_per_s - r.max_rate_per_s, spec->tolerance_per_s);
}

TEST(CapacityTest, CheapestMeetsTheTargetAndCostsGpusTimesPrice) {
  const json doc = json::parse(R"({
    "base": {"name": "titan", "seed": 1,
      "workload": {"arrival": {"process": "poisson", "rate_per_s": 1}, "requests": 150, "warmup_requests": 10,
                   "prompt_tokens": {"distribution": "deterministic", "mean": 256},
                   "output_tokens": {"distribution": "deterministic", "mean": 32}},
      "replica": {"model": "llama-3-70b", "gpu": "h100-sxm", "tp": 8}},
    "slo": ["latency_ms.ttft.p99 <= 1000"],
    "rate": {"low": 0.5, "high": 4, "tolerance_per_s": 0.5},
    "target_rate_per_s": 1,
    "configurations": [
      {"name": "tp8", "set": {"replica.tp": 8}},
      {"name": "tp4 priced", "set": {"replica.tp": 4, "replica.price_per_gpu_hour_usd": 2.5}},
      {"name": "tp1", "set": {"replica.tp": 1}}]})");
  auto spec = ParseCapacity(doc, "");
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  auto out = RunCapacity(*spec, 2);
  ASSERT_TRUE(out.ok()) << out.status().message();
  ASSERT_EQ(out->configs.size(), 3u);
  EXPECT_FALSE(out->configs[2].error.empty()) << "70B in bf16 does not fit one H100";
  const CapacityResult& tp4 = out->configs[1];
  EXPECT_EQ(tp4.gpus, 4);
  EXPECT_NEAR(tp4.usd_per_hour, 4 * 2.5, 1e-9);  // the override's price
  EXPECT_EQ(out->configs[0].gpus, 8);
  for (std::size_t i = 0; i < 2; ++i) {
    if (!out->configs[i].meets_target) continue;
    ASSERT_GE(out->cheapest, 0);
    EXPECT_LE(out->configs[out->cheapest].usd_per_hour, out->configs[i].usd_per_hour);
  }
  ASSERT_GE(out->cheapest, 0) << "at 1 req/s of short requests both shardings should meet TTFT <= 1 s";
}

TEST(CapacityTest, ParseErrorsNameTheField) {
  json doc = json::parse(R"({"base": {"station": {"servers": 1}}, "slo": ["latency_ms.e2e.p99 <= 100"],
                             "rate": {"low": 10, "high": 5}})");
  EXPECT_NE(ParseCapacity(doc, "").status().message().find("rate.high: must be > rate.low"), std::string::npos);
  doc["rate"] = {{"low", 1}, {"high", 5}};
  doc["configurations"] = {{{"name", "bad"}, {"set", {{"station.sevrers", 2}}}}};
  EXPECT_NE(ParseCapacity(doc, "").status().message().find("configurations[0] (bad): station.sevrers: unknown field"),
            std::string::npos) << ParseCapacity(doc, "").status().message();
  doc.erase("configurations");
  doc["slos"] = 1;
  EXPECT_NE(ParseCapacity(doc, "").status().message().find("slos: unknown field"), std::string::npos);
}

}  // namespace
}  // namespace fleetlab
