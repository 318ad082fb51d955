// A fleet of LLM replicas end to end: two Llama-3-8B replicas on one H100
// each serve twice what one does at the same per-replica load, and the
// fleet's token latencies and costs are reported for the fleet as a whole.
#include <gtest/gtest.h>

#include "fleetlab/report/render.h"
#include "fleetlab/runner.h"
#include "fleetlab/scenario/parse.h"

namespace fleetlab {
namespace {

using nlohmann::json;

// Deterministic arrivals and sizes (256 prompt, 64 output tokens) for 30 s:
// ~300 requests per replica at 10/s, under a tenth of a replica's
// estimated capacity, so every request is served inside the run but for the
// last few in flight.
json Replicas(int n) {
  json doc = json::parse(R"({
    "seed": 3,
    "workload": {"arrival": {"process": "deterministic", "rate_per_s": 10},
                 "prompt_tokens": {"distribution": "deterministic", "mean": 256},
                 "output_tokens": {"distribution": "deterministic", "mean": 64},
                 "duration_s": 30, "warmup_requests": 20},
    "replica": {"model": "llama-3-8b", "gpu": "h100-sxm"}})");
  doc["workload"]["arrival"]["rate_per_s"] = 10 * n;
  doc["workload"]["warmup_requests"] = 20 * n;  // the window opens at 2 s either way
  if (n > 1) doc["fleet"] = {{"replicas", n}, {"router", {{"policy", "round_robin"}}}};
  return doc;
}

Report RunJson(const json& doc) {
  auto s = ParseScenario(doc, "");
  EXPECT_TRUE(s.ok()) << s.status().message();
  if (!s.ok()) return Report{};
  auto r = RunScenario(*s);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? *r : Report{};
}

TEST(LlmFleetTest, TwoReplicasServeTwiceWhatOneDoes) {
  const Report one = RunJson(Replicas(1)), two = RunJson(Replicas(2));
  ASSERT_TRUE(one.llm && two.llm && two.fleet);
  EXPECT_GT(one.completed, 250u);
  EXPECT_NEAR(two.throughput_rps / one.throughput_rps, 2.0, 0.2);
  EXPECT_NEAR(two.llm->output_tokens_per_s / one.llm->output_tokens_per_s, 2.0, 0.2);
  EXPECT_NEAR(two.capacity_per_s, 2 * one.capacity_per_s, 1e-9 * one.capacity_per_s);
  // Each replica sees the same load as the lone one: its token latencies.
  EXPECT_NEAR(two.llm->ttft_ms.count, 2.0 * one.llm->ttft_ms.count, 0.02 * one.llm->ttft_ms.count);
  EXPECT_NEAR(two.llm->ttft_ms.mean, one.llm->ttft_ms.mean, 0.1 * one.llm->ttft_ms.mean);
  EXPECT_NEAR(two.llm->tpot_ms.mean, one.llm->tpot_ms.mean, 0.1 * one.llm->tpot_ms.mean);
  EXPECT_NEAR(two.llm->itl_ms.count, 2.0 * one.llm->itl_ms.count, 0.02 * one.llm->itl_ms.count);
  // Twice the GPUs cost twice as much per hour and the same per token.
  EXPECT_DOUBLE_EQ(two.llm->usd_per_hour, 2 * one.llm->usd_per_hour);
  EXPECT_NEAR(two.llm->usd_per_million_output_tokens, one.llm->usd_per_million_output_tokens,
              0.1 * one.llm->usd_per_million_output_tokens);
  EXPECT_EQ(two.llm->preemptions, 0u);
  EXPECT_EQ(two.fleet->requests[0] + two.fleet->requests[1], two.completed);
  EXPECT_LE(two.fleet->max_over_mean_requests, 1.01);  // round robin: equal shares but for the end
  const json j = ReportToJson(two);
  EXPECT_EQ(j["latency_ms"]["ttft"]["count"], two.llm->ttft_ms.count);
  EXPECT_EQ(j["fleet"]["router"], "round_robin");
}

TEST(LlmFleetTest, KvAwareRoutingRunsAndSpreadsTheLoad) {
  json doc = Replicas(2);
  doc["fleet"]["router"]["policy"] = "least_kv";
  doc["workload"]["arrival"]["process"] = "poisson";
  const Report r = RunJson(doc);
  ASSERT_TRUE(r.fleet && r.llm);
  EXPECT_GT(r.fleet->requests[0], 0u);
  EXPECT_GT(r.fleet->requests[1], 0u);
  EXPECT_LT(r.fleet->max_over_mean_requests, 1.2);
}

// 64 Llama-3-8B replicas at 45% of their estimated capacity, no warm-up,
// 100 requests each: the batches fill for longer than the first quarter
// of the run (W rises 0.43 -> 1.17 s over the quarters), which the
// per-quarter Little test alone took for a growing backlog. Nobody waits
// longer for service (~6 ms throughout): stable, and the note says why.
TEST(LlmFleetTest, AFleetStillFillingItsBatchesIsStable) {
  json doc = json::parse(R"({
    "workload": {"arrival": {"process": "poisson", "rate_per_s": 1},
                 "prompt_tokens": {"distribution": "lognormal", "mean": 512, "cv": 1.0},
                 "output_tokens": {"distribution": "lognormal", "mean": 128, "cv": 1.0},
                 "requests": 6400, "warmup_requests": 0},
    "replica": {"model": "llama-3-8b", "gpu": "h100-sxm", "tp": 1},
    "fleet": {"router": {"policy": "power_of_two"}, "replicas": 64}})");
  const double capacity = RunJson(doc).capacity_per_s;
  ASSERT_GT(capacity, 0);
  doc["workload"]["arrival"]["rate_per_s"] = 0.45 * capacity;
  const Report r = RunJson(doc);
  EXPECT_TRUE(r.stable) << r.stability_note;
  EXPECT_NE(r.stability_note.find("the wait for service did not grow"), std::string::npos) << r.stability_note;
}

}  // namespace
}  // namespace fleetlab
