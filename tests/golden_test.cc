// Golden tests: the headline figures of each shipped scenario's report
// (kHeadline below: stability, latency percentiles, throughput, request
// counts, utilisation, cost, KV capacity, preemptions, deadline misses),
// rounded to 6 significant digits, must match the checked-in file in
// tests/golden/. Only headlines are kept so that a regeneration diff is
// short enough to read: every line of it is a number a user sees. The rest
// of the report is checked by the unit tests and its shape by the schema
// test. After a deliberate model change, regenerate with
//   FLEETLAB_UPDATE_GOLDEN=1 build/bin/fleetlab_tests --gtest_filter='*Golden*'
// and review the diff like code.
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "fleetlab/report/render.h"
#include "fleetlab/runner.h"
#include "fleetlab/scenario/parse.h"

namespace fleetlab {
namespace {

const std::string kRoot = FLEETLAB_SOURCE_DIR;

// The report's headline fields, as JSON pointers; a field a report lacks is
// left out (a station has no TTFT).
constexpr const char* kHeadline[] = {
    "/scenario", "/seed", "/stable", "/utilization", "/offered/load",
    "/latency_ms/e2e/mean", "/latency_ms/e2e/p50", "/latency_ms/e2e/p99",
    "/latency_ms/queue/mean", "/latency_ms/queue/p99",
    "/latency_ms/ttft/mean", "/latency_ms/ttft/p50", "/latency_ms/ttft/p99",
    "/latency_ms/tpot/mean", "/latency_ms/tpot/p99",
    "/throughput/requests_per_s", "/throughput/output_tokens_per_s",
    "/requests/arrived", "/requests/completed", "/requests/dropped", "/requests/rejected", "/requests/failed",
    "/cost/usd_per_hour", "/cost/usd_per_million_output_tokens", "/cost/usd_per_request",
    "/kv/capacity_tokens", "/kv/peak_utilization", "/preemption/count", "/concurrency/running",
    "/slo/attainment", "/deadline/miss_rate", "/energy/joules_per_output_token",
};
constexpr int kDigits = 6;

nlohmann::json Headline(const nlohmann::json& report) {
  nlohmann::json out = nlohmann::json::object();
  for (const char* path : kHeadline) {
    const nlohmann::json::json_pointer p(path);
    if (report.contains(p)) out[p] = report.at(p);
  }
  return RoundNumbers(out, kDigits);
}

class GoldenTest : public ::testing::TestWithParam<const char*> {};

// A parameter is a scenario file without ".json", relative to the source
// tree; its golden file is named after it ("tracks/a/part1" ->
// tests/golden/tracks-a-part1.json; scenarios/ is left out of the name).
std::string GoldenName(std::string file) {
  if (file.rfind("scenarios/", 0) == 0) file = file.substr(10);
  for (char& c : file) c = c == '/' ? '-' : c;
  return file;
}

TEST_P(GoldenTest, ReportMatchesCheckedInJson) {
  const std::string name = GoldenName(GetParam());
  auto scenario = LoadScenario(kRoot + "/" + GetParam() + ".json", {});
  ASSERT_TRUE(scenario.ok()) << scenario.status().message();
  auto report = RunScenario(*scenario);
  ASSERT_TRUE(report.ok()) << report.status().message();
  const nlohmann::json actual = Headline(ReportToJson(*report));
  const std::string path = kRoot + "/tests/golden/" + name + ".json";
  if (std::getenv("FLEETLAB_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path) << actual.dump(2) << "\n";
    GTEST_SKIP() << "rewrote " << path;
  }
  std::ifstream file(path);
  ASSERT_TRUE(file) << "missing golden file " << path;
  std::stringstream text;
  text << file.rdbuf();
  const nlohmann::json expected = RoundNumbers(nlohmann::json::parse(text.str()), kDigits);
  EXPECT_EQ(actual, expected) << "diff (expected -> actual): " << nlohmann::json::diff(expected, actual).dump(1);
}

INSTANTIATE_TEST_SUITE_P(Scenarios, GoldenTest,
                         ::testing::Values("scenarios/mm1", "scenarios/md1", "scenarios/mmc8", "scenarios/batching",
                                           "scenarios/closed-loop", "scenarios/trace-replay",
                                           "scenarios/llama3-70b-h100", "scenarios/llama3-70b-speculative",
                                           "scenarios/llama3-70b-disaggregated", "scenarios/fleet-heterogeneous",
                                           "scenarios/fanout-hedged", "scenarios/path-hedged",
                                           "scenarios/earbud-sleep", "scenarios/deepseek-v3-ep16-h200",
                                           "scenarios/diurnal-classes"));

TEST(DeterminismTest, SameSeedSameReportDifferentSeedDifferentReport) {
  auto a = LoadScenario(kRoot + "/scenarios/on-off.json", {});
  ASSERT_TRUE(a.ok());
  const std::string first = ReportToJson(*RunScenario(*a)).dump();
  EXPECT_EQ(first, ReportToJson(*RunScenario(*a)).dump());  // bit-identical, not just close
  auto b = LoadScenario(kRoot + "/scenarios/on-off.json", {"seed=2"});
  ASSERT_TRUE(b.ok());
  EXPECT_NE(first, ReportToJson(*RunScenario(*b)).dump());
}

}  // namespace
}  // namespace fleetlab
