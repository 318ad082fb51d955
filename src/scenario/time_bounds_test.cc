// Issue 10: every time and rate a scenario gives goes through one check
// (CheckTime / CheckRate, util/field_reader.h) against the bounds in
// fleetlab/time.h. Before it, a rate of 1e-300 gave a mean latency of
// -4.6e12 ms and "stable", and a service mean of 1e15 ms a utilisation of
// -8e13 %: the nanosecond clock wrapped around.
#include <string>

#include <gtest/gtest.h>

#include "fleetlab/scenario/parse.h"
#include "util/field_reader.h"

namespace fleetlab {
namespace {

using nlohmann::json;

std::string ErrorOf(const std::string& text) {
  auto s = ParseScenario(json::parse(text), "");
  return s.ok() ? "" : s.status().message();
}

bool Refuses(const std::string& text, const std::string& field) {
  const std::string e = ErrorOf(text);
  return e.rfind(field + ": must be a ", 0) == 0;
}

const char* const kTimeNote = "(1e6 s: the longest time a scenario may give)";

TEST(TimeBoundsTest, RatesMustGiveAGapTheClockHolds) {
  EXPECT_EQ(ErrorOf(R"({"workload": {"arrival": {"rate_per_s": 1e-300}}})"),
            "workload.arrival.rate_per_s: must be a rate between 1e-06 and 1e+09 per second (got 1e-300)");
  // It said "must be a number > 0" of 1e308, which is > 0.
  EXPECT_EQ(ErrorOf(R"({"workload": {"arrival": {"rate_per_s": 1e308}}})"),
            "workload.arrival.rate_per_s: must be a rate between 1e-06 and 1e+09 per second (got 1e+308)");
  EXPECT_EQ(ErrorOf(R"({"workload": {"arrival": {"rate_per_s": 1e-6}, "requests": 2, "warmup_requests": 0}})"),
            "");  // the ends are allowed
  EXPECT_EQ(ErrorOf(R"({"workload": {"arrival": {"rate_per_s": 1e9}}})"), "");
  double rate = -1;
  EXPECT_EQ(CheckRate("r", json(0), true, &rate).message(), "");  // a trace's "replay as recorded"
  EXPECT_EQ(rate, 0);
  EXPECT_EQ(CheckRate("r", json(1e10), true, &rate).message(),
            "r: must be 0 or a rate between 1e-06 and 1e+09 per second (got 10000000000.0)");
}

// An on/off source puts all its arrivals into the bursts: 90/s over bursts
// of 1e-9 s every 1 s is a burst rate of 90 x (1e-9 + 1) / 1e-9 = 9e10/s.
TEST(TimeBoundsTest, TheRateWithinABurstIsARateToo) {
  EXPECT_EQ(ErrorOf(R"({"workload": {"arrival": {"process": "on_off", "on_off": {"mean_on_s": 1e-9}}}})"),
            "workload.arrival.on_off: the rate within a burst would be 9e+10 per second; at most 1e+09: lengthen "
            "mean_on_s or raise off_rate_fraction");
  EXPECT_EQ(ErrorOf(R"({"workload": {"arrival": {"process": "on_off", "on_off": {"mean_on_s": 1e-9,
      "off_rate_fraction": 0.5}}}})"), "");  // the lulls carry half: 90 x 1 / 0.5 = 180/s in a burst
}

TEST(TimeBoundsTest, DistributionTimesAreBoundedInEveryFamily) {
  EXPECT_EQ(ErrorOf(R"({"station": {"service": {"distribution": "exponential", "mean_ms": 1e15}}})"),
            std::string("station.service.mean_ms: must be a time > 0 and at most 1e+09 ms ") + kTimeNote +
                " (got 1e+15)");  // JSON prints 16 digits or more as an exponent
  EXPECT_EQ(ErrorOf(R"({"station": {"service": {"distribution": "uniform", "low_ms": 0, "high_ms": 2e9}}})"),
            std::string("station.service.high_ms: must be a time >= 0 and at most 1e+09 ms ") + kTimeNote +
                " (got 2000000000.0)");
  EXPECT_TRUE(Refuses(R"({"station": {"service": {"distribution": "empirical", "values_ms": [1, 2e9]}}})",
                      "station.service.values_ms[1]"));
  EXPECT_TRUE(Refuses(R"({"station": {"service": {"distribution": "mixture", "components": [
      {"weight": 1, "distribution": "exponential", "mean_ms": 1},
      {"weight": 1, "distribution": "gamma", "mean_ms": 1e10, "cv": 2}]}}})",
                      "station.service.components[1].mean_ms"));
  EXPECT_TRUE(Refuses(R"({"workload": {"mode": "closed", "closed": {"think_time":
      {"distribution": "deterministic", "mean_ms": 1e10}}}})", "workload.closed.think_time.mean_ms"));
  // A weight of 1e308 twice summed to inf, and every probability to 0.
  EXPECT_EQ(ErrorOf(R"({"station": {"service": {"distribution": "empirical", "values_ms": [1, 2],
      "weights": [1e308, 1e308]}}})"), "station.service.weights[0]: must be a weight between 0 and 1e+12 (got 1e+308)");
  EXPECT_EQ(ErrorOf(R"({"station": {"service": {"distribution": "lognormal", "mean_ms": 5, "cv": 1e300}}})"),
            "station.service.cv: must be a number between 0.001 and 100 (got 1e+300)");
}

TEST(TimeBoundsTest, TokenCountsAreBoundedToo) {
  EXPECT_EQ(ErrorOf(R"({"workload": {"prompt_tokens": {"distribution": "exponential", "mean": 1e300}}})"),
            "workload.prompt_tokens.mean: must be a number of tokens between 0 and 1000000000 (exclusive of the "
            "lower) (got 1e+300)");
}

TEST(TimeBoundsTest, WorkloadAndStationTimes) {
  EXPECT_EQ(ErrorOf(R"({"workload": {"duration_s": 2e6}})"),
            std::string("workload.duration_s: must be a time >= 0 and at most 1e+06 s ") + kTimeNote +
                " (got 2000000.0)");
  EXPECT_TRUE(Refuses(R"({"workload": {"arrival": {"process": "on_off", "on_off": {"mean_on_s": 1e7}}}})",
                      "workload.arrival.on_off.mean_on_s"));
  EXPECT_TRUE(Refuses(R"({"station": {"batching": {"window_ms": 1e10}}})", "station.batching.window_ms"));
  EXPECT_TRUE(Refuses(R"({"station": {"batching": {"max_batch": 2, "batch_times_ms": [1, 1e10]}}})",
                      "station.batching.batch_times_ms[1]"));
  // Allowed until now: 1e12 ms is 1e9 s.
  EXPECT_TRUE(Refuses(R"({"station": {"power": {"active_w": 1, "sleep_after_ms": 1e12}}})",
                      "station.power.sleep_after_ms"));
  // Each part is in range, the whole batch is not: 1e6 ms x 10000 = 1e10 ms.
  EXPECT_EQ(ErrorOf(R"({"station": {"batching": {"max_batch": 10000, "per_item_ms": 1e6}}})"),
            "station.batching: a full batch of max_batch (10000) would take 1e+10 ms before its service draw; at "
            "most 1e+09 ms (1e6 s, the longest time a scenario may give)");
  EXPECT_TRUE(Refuses(R"({"deadline": {"budget_ms": 1e10}})", "deadline.budget_ms"));
}

TEST(TimeBoundsTest, PathTimesAndTheWireTime) {
  EXPECT_EQ(ErrorOf(R"({"path": {"stages": [{"link": {"alpha_ms": 2e6}}]}})"),
            "path.stages[0].link.alpha_ms: must be a time >= 0 and at most 1e+06 ms (got 2000000.0)");
  EXPECT_TRUE(Refuses(R"({"path": {"stages": [{"link": {"retry_ms": 2e6}}]}})", "path.stages[0].link.retry_ms"));
  // 1e12 bytes at 1e-6 GB/s (1000 B/s) take 1e9 s.
  EXPECT_EQ(ErrorOf(R"({"path": {"stages": [{"link": {"bytes": 1e12, "bandwidth_gbps": 1e-6}}]}})"),
            "path.stages[0].link.bytes: 1e+12 bytes at 1e-06 GB/s take 1e+09 s on the wire; at most 1e6 s (the "
            "longest time a scenario may give)");
  EXPECT_TRUE(Refuses(R"({"path": {"stages": [{"pool": {"replicas": 2, "station": {}, "hedge": {"after_ms": 1e10}}}]}})",
                      "path.stages[0].pool.hedge.after_ms"));
  EXPECT_TRUE(Refuses(R"({"path": {"stages": [{"fanout": {"branches": [{"replicas": 1, "station": {}},
      {"replicas": 1, "station": {}, "start_after_ms": 1e10}]}}]}})",
                      "path.stages[0].fanout.branches[1].start_after_ms"));
  EXPECT_TRUE(Refuses(R"({"fleet": {"router": {"report_interval_ms": 1e10}}})", "fleet.router.report_interval_ms"));
}

TEST(TimeBoundsTest, ReplicaTimes) {
  const std::string replica = R"({"replica": {"model": "llama-3-8b", "gpu": "h100-sxm", )";
  EXPECT_EQ(ErrorOf(replica + R"("iteration_overhead_ms": 1e5}})"),
            "replica.iteration_overhead_ms: must be a time >= 0 and at most 10000 ms (got 100000.0)");
  EXPECT_TRUE(Refuses(replica + R"("slo": {"ttft_ms": 1e10}}})", "replica.slo.ttft_ms"));
  EXPECT_TRUE(Refuses(replica + R"("scheduler": {"batch_window_ms": 1e8}}})", "replica.scheduler.batch_window_ms"));
  EXPECT_TRUE(Refuses(replica + R"("price_per_gpu_hour_usd": 1e308}})", "replica.price_per_gpu_hour_usd"));
}

}  // namespace
}  // namespace fleetlab
