// A long prompt under chunked prefill, simulator against the roofline: one
// request of 100,000 tokens on Llama-3.1-8B (128k context) is prefilled in
// chunks of max_batch_tokens, each attending to the chunks before it, and
// its TTFT is the sum of those iterations (docs/scenario.md, scheduler).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fleetlab/llm/perf_model.h"
#include "fleetlab/runner.h"
#include "fleetlab/scenario/parse.h"
#include "llm/catalog/test_catalog.h"

namespace fleetlab {
namespace {

// Chunk k of c tokens starts at p = k x 8192: it processes c tokens, c x p
// + c (c + 1) / 2 causal pairs, and reads p cached tokens. 100,000 tokens
// = 12 chunks of 8,192 and one of 1,696.
double ChunkedPrefillSeconds(const PerfModel& model, std::int64_t prompt, std::int64_t chunk) {
  double total = 0;
  for (std::int64_t p = 0; p < prompt; p += chunk) {
    const std::int64_t c = std::min(chunk, prompt - p);
    IterationShape s;
    s.prefill_tokens = c;
    s.prefill_attention_pairs = static_cast<double>(c) * p + c * (c + 1) / 2.0;
    s.prefill_context_tokens = p;
    total += model.Iteration(s).total_s;
  }
  return total;
}

TEST(LongPrefillTest, HundredThousandTokenPromptIsTheSumOfItsChunks) {
  const nlohmann::json doc = {
      {"seed", 1},
      {"workload",
       {{"arrival", {{"process", "trace"}, {"trace_data", "0,100000,1\n"}}}, {"warmup_requests", 0}}},
      {"replica",
       {{"model", "llama-3.1-8b"},
        {"gpu", "h200"},
        {"scheduler", {{"policy", "chunked_prefill"}, {"max_batch_tokens", 8192}}}}}};
  auto scenario = ParseScenario(doc, "");
  ASSERT_TRUE(scenario.ok()) << scenario.status().message();
  auto report = RunScenario(*scenario);
  ASSERT_TRUE(report.ok()) << report.status().message();
  ASSERT_EQ(report->completed, 1u);
  ASSERT_TRUE(report->llm.has_value());

  auto model = MakeRooflineModel(scenario->replica()->hardware);
  ASSERT_TRUE(model.ok()) << model.status().message();
  const double expected_s = ChunkedPrefillSeconds(**model, 100000, 8192);
  // Attention grows with the prefix: the last full chunk costs more than the first.
  EXPECT_GT(expected_s, 13 * 0.0005);
  EXPECT_NEAR(report->llm->ttft_ms.mean, 1e3 * expected_s, 1e-6 * 1e3 * expected_s);
}

}  // namespace
}  // namespace fleetlab
