// HeadlineMetrics reads each sweep column from the Report directly; it must
// give exactly what the column's path in ReportToJson's document holds.
#include "fleetlab/sweep/sweep_rows.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fleetlab/report/render.h"
#include "fleetlab/runner.h"
#include "fleetlab/scenario/parse.h"
#include "fleetlab/util/json.h"
#include "server/server_test_util.h"

namespace fleetlab {
namespace {

void ExpectColumnsMatchTheDocument(const std::string& file, const std::vector<std::string>& overrides) {
  SCOPED_TRACE(file);
  auto scenario = LoadScenario(testing::SourceDir() + "/" + file, overrides);
  ASSERT_TRUE(scenario.ok()) << scenario.status().message();
  auto report = RunScenario(*scenario);
  ASSERT_TRUE(report.ok()) << report.status().message();
  const nlohmann::json doc = ReportToJson(*report);
  const nlohmann::json metrics = HeadlineMetrics(*report);
  const auto paths = HeadlineMetricPaths();
  ASSERT_EQ(paths.size(), SweepMetricColumns().size());
  for (const auto& [name, path] : paths) {
    const nlohmann::json* expected = FindPath(doc, path);
    EXPECT_EQ(metrics.at(name), expected ? *expected : nlohmann::json()) << name << " (" << path << ")";
  }
}

// An LLM replica, an LLM fleet, disaggregated pools, a station, a request
// path, and an overloaded station (unstable: latencies still reported).
TEST(HeadlineMetricsTest, EveryColumnIsTheValueAtItsPathInTheReport) {
  ExpectColumnsMatchTheDocument("scenarios/llama3-70b-h100.json", {"workload.requests=300", "workload.warmup_requests=30"});
  ExpectColumnsMatchTheDocument("scenarios/fleet-power-of-two.json", {});
  ExpectColumnsMatchTheDocument("scenarios/llama3-70b-disaggregated.json", {"workload.requests=300"});
  ExpectColumnsMatchTheDocument("scenarios/mm1.json", {});
  ExpectColumnsMatchTheDocument("scenarios/path-hedged.json", {});
  ExpectColumnsMatchTheDocument("scenarios/mm1.json", {"workload.arrival.rate_per_s=500"});
}

// A run that completes nothing (every prompt longer than the context) has
// null latencies in both.
TEST(HeadlineMetricsTest, NullLatenciesWhenNothingCompleted) {
  ExpectColumnsMatchTheDocument("scenarios/llama3-70b-h100.json",
                                {R"(workload.prompt_tokens={"distribution": "deterministic", "mean": 20000})",
                                 "workload.requests=50", "workload.warmup_requests=5"});
}

}  // namespace
}  // namespace fleetlab
