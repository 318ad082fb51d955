// Combining two replicas' LLM reports, on hand-built reports whose combined
// figures are worked out by hand.
#include "fleet/llm_merge.h"

#include <gtest/gtest.h>

namespace fleetlab {
namespace {

LlmReport Part(std::uint64_t tokens, double attainment, double busy, std::uint64_t preemptions) {
  LlmReport p;
  p.model = std::string("model");
  p.kv_capacity_tokens = 1000;
  p.output_tokens = tokens;
  p.window_output_tokens = tokens;  // every token came in the window
  p.output_tokens_per_s = static_cast<double>(tokens) / 10;
  p.slo_attainment = attainment;
  p.busy_fraction = busy;
  p.kv_mean.stored = busy / 2;
  p.kv_peak_utilization = busy;
  p.preemptions = preemptions;
  p.usd_per_hour = 6;
  p.usd_per_concurrent_user_hour = 3;  // 2 requests running on average
  p.average_power_w = 700;
  p.mean_concurrency = 2.5;
  p.batch_size_counts = {0, 4, 2};  // 4 iterations of 1 sequence, 2 of 2
  return p;
}

TEST(LlmMergeTest, TotalsMeansAndRatesOfTwoReplicas) {
  const std::vector<LlmReport> parts = {Part(100, 1.0, 0.4, 1), Part(300, 0.5, 0.8, 2)};
  LlmSamples pooled;
  for (double x : {10.0, 20.0, 30.0}) pooled.ttft_ms.Add(x);
  pooled.itl_ms.Add(5.0, 7);
  const LlmReport r = CombineLlmReports(parts, {10, 30}, pooled, 10.0);
  EXPECT_EQ(r.model, "model");
  EXPECT_EQ(r.kv_capacity_tokens, 1000);  // per replica
  EXPECT_EQ(r.output_tokens, 400u);
  EXPECT_DOUBLE_EQ(r.output_tokens_per_s, 40);
  EXPECT_DOUBLE_EQ(r.slo_attainment, (10 * 1.0 + 30 * 0.5) / 40);  // weighted by completions
  EXPECT_DOUBLE_EQ(r.busy_fraction, 0.6);
  EXPECT_DOUBLE_EQ(r.kv_mean.stored, 0.3);
  EXPECT_DOUBLE_EQ(r.kv_peak_utilization, 0.8);
  EXPECT_EQ(r.preemptions, 3u);
  EXPECT_DOUBLE_EQ(r.usd_per_hour, 12);
  // $12/h for 10 s over 400 tokens: 12 / 360 / 400 x 1e6 = $83.33 per 1M.
  EXPECT_NEAR(r.usd_per_million_output_tokens, 12.0 / 360 / 400 * 1e6, 1e-9);
  EXPECT_NEAR(r.usd_per_concurrent_user_hour, 12.0 / 4, 1e-12);  // 2 + 2 running
  EXPECT_NEAR(r.joules_per_output_token, 1400 * 10.0 / 400, 1e-9);
  EXPECT_DOUBLE_EQ(r.mean_concurrency, 5);
  EXPECT_EQ(r.batch_size_counts, (std::vector<std::uint64_t>{0, 8, 4}));
  EXPECT_DOUBLE_EQ(r.mean_batch_size, 16.0 / 12);  // (8 x 1 + 4 x 2) / 12 iterations
  EXPECT_EQ(r.ttft_ms.count, 3u);
  EXPECT_DOUBLE_EQ(r.ttft_ms.p50, 20);
  EXPECT_EQ(r.itl_ms.count, 7u);
}

}  // namespace
}  // namespace fleetlab
