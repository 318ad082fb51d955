// Disaggregated prefill and decode end to end, through RunScenario: request
// accounting, the merged report, the direction of the trade against
// co-located serving on the same GPUs, and determinism.
#include <gtest/gtest.h>

#include "fleetlab/report/render.h"
#include "fleetlab/runner.h"
#include "fleetlab/scenario/parse.h"

namespace fleetlab {
namespace {

using nlohmann::json;

// Llama-3-8B on 2 H100s, 1024-token prompts and 1024-token answers at
// 8 requests/s (`rate`), 600 requests.
json Workload(double rate) {
  return json{{"seed", 3},
              {"workload", {{"arrival", {{"process", "poisson"}, {"rate_per_s", rate}}},
                            {"prompt_tokens", {{"distribution", "deterministic"}, {"mean", 1024}}},
                            {"output_tokens", {{"distribution", "deterministic"}, {"mean", 1024}}},
                            {"requests", 600},
                            {"warmup_requests", 60}}}};
}

const json kReplica = {{"model", "llama-3-8b"}, {"gpu", "h100-sxm"}};

// 1 prefill + 1 decode replica (continuous batching), one NVLink lane.
json Disaggregated(double rate) {
  json doc = Workload(rate);
  doc["disaggregation"] = {{"prefill", {{"replica", kReplica}}}, {"decode", {{"replica", kReplica}}},
                           {"link", "nvlink4"}};
  return doc;
}

// The same 2 GPUs as 2 co-located replicas with chunked prefill (a
// 512-token budget per iteration), behind a least-outstanding router.
json Colocated(double rate) {
  json doc = Workload(rate);
  doc["replica"] = kReplica;
  doc["replica"]["scheduler"] = {{"policy", "chunked_prefill"}, {"max_batch_tokens", 512}};
  doc["fleet"] = {{"replicas", 2}, {"router", {{"policy", "least_outstanding"}}}};
  return doc;
}

Report RunDoc(const json& doc) {
  auto s = ParseScenario(doc, "");
  EXPECT_TRUE(s.ok()) << s.status().message();
  if (!s.ok()) return Report{};
  auto r = RunScenario(*s);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? *r : Report{};
}

TEST(DisaggSystemTest, EveryRequestCompletesOnceAndThePartsAddUp) {
  const Report r = RunDoc(Disaggregated(4));
  ASSERT_TRUE(r.llm && r.disaggregation);
  EXPECT_TRUE(r.stable) << r.stability_note;
  EXPECT_EQ(r.in_flight_at_end, 0u);
  EXPECT_EQ(r.dropped, 0u);
  EXPECT_EQ(r.completed, 540u);
  const DisaggregationReport& d = *r.disaggregation;
  // Each measured request: one first token at the prefill pool, 1023 more
  // at the decode pool.
  EXPECT_EQ(d.prefill.llm.ttft_ms.count, 540u);
  EXPECT_EQ(d.decode.llm.tpot_ms.count, 540u);
  EXPECT_EQ(r.llm->output_tokens, d.prefill.llm.output_tokens + d.decode.llm.output_tokens);
  EXPECT_EQ(r.llm->ttft_ms.p99, d.prefill.llm.ttft_ms.p99);
  EXPECT_EQ(r.llm->tpot_ms.p99, d.decode.llm.tpot_ms.p99);
  EXPECT_EQ(d.link.transfer_ms.count, 540u);
  EXPECT_EQ(d.decode.llm.prompt_tokens_per_s, 0.0);  // the decode pool computes no prompt
  // E2E covers the first token, the transfer and the decode: more than the
  // TTFT plus 1023 of the fastest possible gaps.
  EXPECT_GT(r.e2e_ms.mean, r.llm->ttft_ms.mean + d.link.transfer_ms.mean);
}

TEST(DisaggSystemTest, PrefillAloneBeatsCoLocatedTtftAndPaysInTransferTime) {
  // Heavy decode interference: long answers at a high rate keep ~40-130
  // sequences decoding on each GPU. Co-located with chunked prefill, the
  // decodes take the iteration's token budget first, so a 1024-token prompt
  // is spread over several iterations, each slowed by the decode batch; the
  // prefill replica of the disaggregated layout runs prompts alone (DistServe,
  // OSDI 2024, Fig. 2). The price: every prompt's KV (134 MB here) crosses
  // the link before its second token, and all decodes share one GPU.
  const Report dis = RunDoc(Disaggregated(8)), co = RunDoc(Colocated(8));
  ASSERT_TRUE(dis.llm && co.llm && dis.disaggregation);
  ASSERT_TRUE(dis.stable && co.stable);
  EXPECT_LT(dis.llm->ttft_ms.mean, 0.8 * co.llm->ttft_ms.mean);
  EXPECT_LT(dis.llm->ttft_ms.p50, 0.8 * co.llm->ttft_ms.p50);
  // Every transfer takes at least alpha + bytes / bandwidth:
  // 1.5 us + 1024 x 131072 B / 450 GB/s = 0.299762 ms (kv_link_test.cc).
  EXPECT_GE(dis.disaggregation->link.transfer_ms.p50, 0.299762 - 1e-9);
  EXPECT_FALSE(co.disaggregation);
  // Half the GPUs decode: TPOT is worse than co-located's.
  EXPECT_GT(dis.llm->tpot_ms.p50, co.llm->tpot_ms.p50);
}

TEST(DisaggSystemTest, SameSeedSameReport) {
  json doc = Disaggregated(6);
  doc["disaggregation"]["prefill"]["replicas"] = 2;
  doc["disaggregation"]["prefill"]["router"] = {{"policy", "power_of_two"}};
  doc["disaggregation"]["decode"]["replica"]["speculative"] = {{"draft", "ngram"}};
  const json a = ReportToJson(RunDoc(doc), false), b = ReportToJson(RunDoc(doc), false);
  EXPECT_EQ(a.dump(), b.dump());
  ASSERT_TRUE(a.contains("disaggregation"));
  EXPECT_EQ(a["disaggregation"]["prefill"]["replicas"], 2);
  EXPECT_EQ(a["disaggregation"]["kv_link"]["link"], "nvlink4");
  doc["seed"] = 4;
  EXPECT_NE(ReportToJson(RunDoc(doc), false).dump(), a.dump());
}

TEST(DisaggSystemTest, TheTextReportShowsBothPoolsAndTheLink) {
  const std::string text = ReportToText(RunDoc(Disaggregated(2)), -1);
  EXPECT_NE(text.find("prefill pool: 1 x llama-3-8b"), std::string::npos) << text;
  EXPECT_NE(text.find("decode pool: 1 x llama-3-8b"), std::string::npos);
  EXPECT_NE(text.find("KV link nvlink4"), std::string::npos);
}

}  // namespace
}  // namespace fleetlab

#include "fleetlab/frontier.h"

namespace fleetlab {
namespace {

TEST(DisaggSystemTest, FrontierRefusesADisaggregatedScenario) {
  auto s = ParseScenario(Disaggregated(2), "");
  ASSERT_TRUE(s.ok());
  FrontierOptions o;
  auto f = RunFrontier(*s, o);
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.status().message().find("disaggregation"), std::string::npos) << f.status().message();
}

}  // namespace
}  // namespace fleetlab
