#include "fleetlab/llm/token_cost.h"

#include <gtest/gtest.h>

#include "fleetlab/report/render.h"
#include "fleetlab/runner.h"
#include "fleetlab/scenario/parse.h"
#include "server/server_test_util.h"

namespace fleetlab {
namespace {

TEST(TokenCostTest, AnIterationIsSplitByItsTokenCounts) {
  EXPECT_DOUBLE_EQ(PromptShareOfIteration(3, 1), 0.75);
  EXPECT_DOUBLE_EQ(PromptShareOfIteration(0, 64), 0.0);
  EXPECT_DOUBLE_EQ(PromptShareOfIteration(512, 0), 1.0);
  EXPECT_DOUBLE_EQ(PromptShareOfIteration(0, 0), 0.0);
}

// $10/h, $4/h of it on prompts; 1,000 prompt and 250 output tokens/s:
// 4 / 3.6e6 x 1e6 = $1.111 per 1M input tokens, 6 / 0.9e6 x 1e6 = $6.667
// per 1M output tokens; all of it on 900,000 output tokens in an hour:
// 10 / 0.9 = $11.11.
TEST(TokenCostTest, PerMillionTokensFromTheSplit) {
  LlmReport r;
  r.usd_per_hour = 10;
  r.usd_per_hour_prompt = 4;
  r.prompt_tokens_per_s = 1000;
  r.output_tokens_per_s = 250;
  r.window_output_tokens = 900000;
  DeriveTokenCosts(3600, &r);
  EXPECT_NEAR(r.usd_per_million_input_tokens, 4.0 / 3.6, 1e-9);
  EXPECT_NEAR(r.usd_per_million_output_tokens_split, 6.0 / 0.9, 1e-9);
  EXPECT_NEAR(r.usd_per_million_output_tokens, 10.0 / 0.9, 1e-9);
}

// A disaggregated system's prefill pool computes only prompts and its
// decode pool only output tokens: with equal pools (TP4 each, one price)
// half of the bill is the prompts'. Every GPU of both pools is counted.
TEST(TokenCostTest, DisaggregatedPoolsSplitTheBillByRole) {
  auto s = LoadScenario(testing::SourceDir() + "/scenarios/llama3-70b-disaggregated.json", {"workload.requests=300"});
  ASSERT_TRUE(s.ok()) << s.status().message();
  auto report = RunScenario(*s, RunHooks{.kv_heatmap = false});
  ASSERT_TRUE(report.ok()) << report.status().message();
  const nlohmann::json j = ReportToJson(*report);
  EXPECT_EQ(j["cost"]["gpus"], 8);
  EXPECT_NEAR(j["cost"]["usd_per_hour"].get<double>(), 8 * 3.0, 1e-9);
  EXPECT_NEAR(j["cost"]["split"]["prompt_share"].get<double>(), 0.5, 0.01);
  EXPECT_GT(j["cost"]["split"]["usd_per_million_input_tokens"].get<double>(), 0);
}

// A fleet counts the GPUs of every replica; a co-located replica spends
// some but not all of its time on prompts.
TEST(TokenCostTest, FleetCountsEveryGpuAndSplitsBetweenZeroAndOne) {
  auto s = LoadScenario(testing::SourceDir() + "/scenarios/llama3-70b-h100.json",
                        {"workload.requests=300", "replica.tp=4", "fleet.replicas=3"});
  ASSERT_TRUE(s.ok()) << s.status().message();
  auto report = RunScenario(*s, RunHooks{.kv_heatmap = false});
  ASSERT_TRUE(report.ok()) << report.status().message();
  const nlohmann::json j = ReportToJson(*report);
  EXPECT_EQ(j["cost"]["gpus"], 12);
  const double share = j["cost"]["split"]["prompt_share"].get<double>();
  EXPECT_GT(share, 0.0);
  EXPECT_LT(share, 1.0);
  // The split re-adds to the whole bill: input $ + output $ = $/h.
  const double in = j["cost"]["split"]["usd_per_million_input_tokens"].get<double>() *
                    j["throughput"]["prompt_tokens_per_s"].get<double>() * 3600 / 1e6;
  const double out = j["cost"]["split"]["usd_per_million_output_tokens"].get<double>() *
                     j["throughput"]["output_tokens_per_s"].get<double>() * 3600 / 1e6;
  EXPECT_NEAR(in + out, j["cost"]["usd_per_hour"].get<double>(), 1e-6);
}

}  // namespace
}  // namespace fleetlab
