#include "fleetlab/run_estimate.h"

#include <cmath>
#include <limits>
#include <string>

#include <gtest/gtest.h>

#include "fleetlab/runner.h"
#include "fleetlab/scenario/parse.h"

namespace fleetlab {
namespace {

using nlohmann::json;

constexpr double kMiB = 1024.0 * 1024.0;
constexpr double kInf = std::numeric_limits<double>::infinity();

Scenario Parse(const std::string& text) {
  auto s = ParseScenario(json::parse(text), "");
  EXPECT_TRUE(s.ok()) << s.status().message();
  return s.ok() ? *s : Scenario{};
}

std::string ErrorOf(const std::string& text) {
  auto s = ParseScenario(json::parse(text), "");
  return s.ok() ? "" : s.status().message();
}

TEST(RunEstimateTest, OpenLoopStation) {
  // The default M/M/1 station at 90/s, 1e6 requests: 24 B a request, one
  // station of 1.6 KiB and one server of 40 B, the process's 14 MiB; 2
  // events a request.
  const RunEstimate e = EstimateRun(Parse(R"({"workload": {"requests": 1000000}})"));
  EXPECT_EQ(e.requests, 1e6);
  EXPECT_DOUBLE_EQ(e.arrival_span_s, 1e6 / 90);
  EXPECT_EQ(e.events, 2e6);
  EXPECT_DOUBLE_EQ(e.bytes, 14 * kMiB + 24e6 + 1.6 * 1024 + 40);
  // 1e7 requests: the latency samples stop growing at 2^20 (then sketched).
  const RunEstimate big = EstimateRun(Parse(R"({"workload": {"requests": 10000000}})"));
  EXPECT_DOUBLE_EQ(big.bytes, 14 * kMiB + 24.0 * 1048576 + 1.6 * 1024 + 40);
}

TEST(RunEstimateTest, TimedOpenLoopIsRateTimesDuration) {
  const RunEstimate e = EstimateRun(Parse(R"({"workload": {"duration_s": 100}})"));
  EXPECT_DOUBLE_EQ(e.requests, 9000);
  EXPECT_EQ(e.arrival_span_s, 100);
}

TEST(RunEstimateTest, AnOverloadedStationPaysForItsQueue) {
  // 1000/s into a capacity of 100/s: 90% of the requests queue, 140 B each.
  const RunEstimate e = EstimateRun(Parse(R"({"workload": {"requests": 1000000, "arrival": {"rate_per_s": 1000}}})"));
  EXPECT_DOUBLE_EQ(e.bytes, 14 * kMiB + 1e6 * (24 + 140 * 0.9) + 1.6 * 1024 + 40);
}

// Before: PlannedRequests returned 0 for a closed loop with a duration, so
// the lab server's request bound never held it.
TEST(RunEstimateTest, TimedClosedLoopIsBoundedByTheShortestCycleOrTheCapacity) {
  const std::string closed = R"({"workload": {"mode": "closed", "duration_s": 1000, "warmup_requests": 100,
      "closed": {"users": 16, "think_time": {"distribution": "exponential", "mean_ms": 50}}},
      "station": {"servers": 2, "service": {"distribution": "lognormal", "mean_ms": 8, "cv": 1.5}}})";
  // 16 users can go round at most every 50 ms (the service may take ~0):
  // 320/s; the 2 servers serve at most 2 / 8 ms = 250/s. 16 + 250 x 1000.
  const Scenario s = Parse(closed);
  const RunEstimate e = EstimateRun(s);
  EXPECT_DOUBLE_EQ(e.requests, 16 + 250.0 * 1000);
  auto report = RunScenario(s);
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_LE(static_cast<double>(report->arrived), e.requests);
  EXPECT_GT(static_cast<double>(report->arrived), e.requests / 2);  // a bound, but not a loose one
  // A fixed batch cost bounds the cycle from below: 4 users, no think time,
  // 10 ms a batch: at most 400/s (the capacity, 1 / 10 ms = 100/s, is lower).
  const RunEstimate fixed = EstimateRun(Parse(R"({"workload": {"mode": "closed", "duration_s": 10,
      "closed": {"users": 4}}, "station": {"service": {"distribution": "deterministic", "mean_ms": 0},
      "batching": {"fixed_ms": 10}}})"));
  EXPECT_DOUBLE_EQ(fixed.requests, 4 + 100.0 * 10);
}

TEST(RunEstimateTest, AnLlmFleetPaysPerReplicaAndForAPrefixCachesBlocks) {
  // 10 KiB a replica (a paged cache counts its blocks, it lists none).
  // Requests: 40 B + 24 B pooled across the fleet.
  const std::string fleet = R"({"workload": {"requests": 2000, "warmup_requests": 10},
      "replica": {"model": "llama-3-70b", "gpu": "h100-sxm", "tp": 8}, "fleet": {"replicas": 200}})";
  const RunEstimate e = EstimateRun(Parse(fleet));
  EXPECT_NEAR(e.bytes, 14 * kMiB + 2000 * 64 + 200 * 10 * 1024, 1.0);
  EXPECT_EQ(e.events, 2000 * 12);
  // A prefix cache keeps an entry for every block: llama-3-70b TP8 on H100
  // has 1,317,774 token slots (fleetlab memory), 82,360 blocks of 16 (the
  // last partial), 56 B each.
  json with_prefix = json::parse(fleet);
  with_prefix["replica"]["kv"] = {{"prefix_caching", true}};
  const RunEstimate p = EstimateRun(ParseScenario(with_prefix, "").value());
  EXPECT_NEAR(p.bytes - e.bytes, 200 * (1317774.0 / 16 * 56), 1.0);
}

TEST(RunEstimateTest, APathCountsTheSamplesItsStagesRecord) {
  // A link (1 sample) and a 2-way fan-out (1) of pools (1 each, + 1 each as
  // a branch): 6 samples of 8 B over the collector's 24 B; 1 B for the
  // deadline. Members: a link and 1 + 2 stations, 1.6 KiB each, and the
  // stations' one server each, 40 B.
  const RunEstimate e = EstimateRun(Parse(R"({"workload": {"requests": 1000, "warmup_requests": 10},
      "path": {"stages": [{"link": {}}, {"fanout": {"branches": [{"replicas": 1, "station": {}},
                                                            {"replicas": 2, "station": {}}]}}]},
      "deadline": {"budget_ms": 100}})"));
  EXPECT_DOUBLE_EQ(e.bytes, 14 * kMiB + 1000 * (24 + 6 * 8 + 1) + 4 * 1.6 * 1024 + 3 * 40);
  EXPECT_EQ(e.events, 1000 * (2 + 1 + 2 + 2));
}

// Every server of a station holds state (40 B measured): 4,033 pools of
// 100,000 servers made a 1 KB scenario allocate ~16 GB and abort; the
// estimate now sees them, and the command line's --max-memory refuses it.
TEST(RunEstimateTest, AStationsServersAreCounted) {
  const RunEstimate one = EstimateRun(Parse(R"({"workload": {"requests": 1000, "warmup_requests": 10},
      "path": {"stages": [{"pool": {"replicas": 8, "station": {"servers": 1}}}]}})"));
  const RunEstimate many = EstimateRun(Parse(R"({"workload": {"requests": 1000, "warmup_requests": 10},
      "path": {"stages": [{"pool": {"replicas": 8, "station": {"servers": 100000}}}]}})"));
  EXPECT_DOUBLE_EQ(many.bytes - one.bytes, 8 * 99999 * 40.0);
}

TEST(RunEstimateTest, RefusalsNameTheField) {
  EXPECT_EQ(ErrorOf(R"({"workload": {"duration_s": 1e6, "arrival": {"rate_per_s": 1e9}}})"),
            "workload.duration_s: rate x duration = 1e+15 requests; at most 1e+09 a run: shorten duration_s or lower "
            "the rate");
  // 50,000 requests at 1e-6/s end 5e10 s later, past the 1e9 s horizon.
  EXPECT_EQ(ErrorOf(R"({"workload": {"arrival": {"rate_per_s": 1e-6}}})"),
            "workload.requests: 50000 requests at 1e-06 per second span 5e+10 s of simulated time; a run may "
            "simulate at most 1e+09 s: raise workload.arrival.rate_per_s or send fewer requests");
  // A closed loop that no cycle or capacity bounds: one link with unlimited lanes.
  EXPECT_NE(ErrorOf(R"({"workload": {"mode": "closed", "duration_s": 10},
      "path": {"stages": [{"link": {"lanes": 0}}]}})").find("workload.duration_s: 1 users for 10 s could send inf"),
            std::string::npos);
  const Scenario big = Parse(R"({"workload": {"requests": 1000000000}})");
  // 1e9 requests fit in 38 MiB: the samples stop growing at 2^20 a metric.
  EXPECT_TRUE(CheckRunEstimate(big, 8.0 * 1024 * kMiB, "--max-memory 8G").ok());
  EXPECT_EQ(CheckRunEstimate(big, 20 * kMiB, "--max-memory 20M").message().rfind(
                "workload.requests: the run would need about 38 MiB of memory (1e+09 requests at about", 0),
            0u);
  EXPECT_TRUE(CheckRunEstimate(big, kInf).ok());
  const Scenario fleet = Parse(R"({"workload": {"requests": 2000, "warmup_requests": 10},
      "replica": {"model": "llama-3-70b", "gpu": "h100-sxm", "tp": 8}, "fleet": {"replicas": 10000}})");
  EXPECT_EQ(CheckRunEstimate(fleet, 64 * kMiB, "--max-memory 64M").message(),
            "fleet.replicas: the run would need about 112 MiB of memory (98 MiB for the fleet's members); "
            "--max-memory 64M allows 64 MiB");
}

TEST(RunEstimateTest, MemorySizes) {
  EXPECT_EQ(*ParseMemorySize("8G", "--max-memory"), 8.0 * 1024 * kMiB);
  EXPECT_EQ(*ParseMemorySize("512MiB", "--max-memory"), 512 * kMiB);
  EXPECT_EQ(*ParseMemorySize("2gb", "--max-memory"), 2.0 * 1024 * kMiB);
  EXPECT_EQ(*ParseMemorySize("1e9", "--max-memory"), 1e9);
  for (const char* bad : {"", "8X", "G", "-1G", "1k", "2000T", "nan", "inf", "8 G"}) {
    EXPECT_EQ(ParseMemorySize(bad, "--max-memory").status().message(),
              std::string("--max-memory ") + bad + ": expected a size between 1M and 1024T, in bytes or with a "
                                                  "suffix K, M, G or T (powers of 1024), e.g. 8G")
        << bad;
  }
}

}  // namespace
}  // namespace fleetlab
