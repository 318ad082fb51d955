// The planner's disaggregated search (planner.h, PlanRequest::
// search_disaggregation): P prefill replicas of TP tp_p and D decode
// replicas of TP tp_d within the GPU budget, run at the stated rate as the
// scenario's "disaggregation" runs, and ranked with the replica fleets.
#include <cmath>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fleetlab/runner.h"
#include "fleetlab/scenario/parse.h"
#include "llm/catalog/test_catalog.h"
#include "planner/planner.h"
#include "planner/planner_json.h"

namespace fleetlab {
namespace {

using test::Shipped;

std::vector<SplitPlan> Plan(const PlanRequest& r) {
  auto plans = PlanSplits(r, Shipped());
  EXPECT_TRUE(plans.ok()) << plans.status().message();
  return plans.ok() ? *plans : std::vector<SplitPlan>{};
}

const SplitPlan* FindPd(const std::vector<SplitPlan>& plans, int p, int tp_p, int d, int tp_d) {
  for (const SplitPlan& x : plans) {
    if (x.disaggregated && x.prefill_replicas == p && x.prefill_tp == tp_p && x.decode_replicas == d &&
        x.decode_tp == tp_d) {
      return &x;
    }
  }
  return nullptr;
}

// 4 GPUs, pool TPs 1, 2, 4: TP 1/1: P + D <= 4, 3 + 2 + 1 = 6; 1/2: P + 2D
// <= 4, D = 1 with P = 1 or 2: 2; 2/1: 2; 2/2: 2P + 2D <= 4: 1; TP4 leaves
// no room for the other pool. 11 in all. 8 GPUs: 71 (planner.h). 16 GPUs
// with TP 1 .. 16: over 200, so P and D powers of two: (4 - x)(4 - y) summed
// over TP 2^x, 2^y <= 8: 10 x 10 = 100. 1,024 GPUs: capped at 200.
TEST(PlannerDisagg, ConfigurationCount) {
  EXPECT_EQ(PlanDisaggregatedCount(4, {1, 2, 4}), 11);
  EXPECT_EQ(PlanDisaggregatedCount(4, {2}), 1);  // 1P TP2:1D TP2
  EXPECT_EQ(PlanDisaggregatedCount(8, {1, 2, 4, 8}), 71);
  EXPECT_EQ(PlanDisaggregatedCount(8, {2, 4, 8}), 11);
  EXPECT_EQ(PlanDisaggregatedCount(16, {1, 2, 4, 8, 16}), 100);
  EXPECT_EQ(PlanDisaggregatedCount(1024, {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024}), 200);
  EXPECT_EQ(PlanDisaggregatedCount(1, {1}), 0);  // two pools need two GPUs
  EXPECT_EQ(PlanDisaggregatedCount(8, {}), 0);
  EXPECT_EQ(PlanDisaggregatedCount(0, {1}), 0);
}

PlanRequest Llama8B(int gpus, double rate_per_s) {
  PlanRequest r;
  r.model = "llama-3-8b";
  r.gpu = "h100-sxm";
  r.gpus = gpus;
  r.rate_per_s = rate_per_s;
  r.search_replicas = true;
  r.simulate = false;
  return r;
}

// The search runs every configuration of the count, each fitting, within
// the budget, priced by its GPUs.
TEST(PlannerDisagg, RowsAreTheCountsConfigurations) {
  PlanRequest r = Llama8B(4, 10);
  r.search_disaggregation = true;
  const auto plans = Plan(r);
  int disaggregated = 0;
  for (const SplitPlan& p : plans) {
    if (!p.disaggregated) continue;
    ++disaggregated;
    EXPECT_TRUE(p.fits);
    EXPECT_EQ(p.replicas + p.tp + p.pp, 0);
    EXPECT_LE(p.gpus(), 4);
    EXPECT_DOUBLE_EQ(p.usd_per_hour, 3.0 * p.gpus());
    EXPECT_GT(p.p99_tpot_s_at_rate, 0);
  }
  EXPECT_EQ(disaggregated, PlanDisaggregatedCount(4, {1, 2, 4}));
  EXPECT_EQ(plans.size(), static_cast<std::size_t>(PlanConfigurationCount(4, true) + disaggregated));
}

// Off (the default), the rows are the replica fleets', figure for figure and
// in the same order, and the JSON has no pool fields.
TEST(PlannerDisagg, OffLeavesTheRowsAsTheyWere) {
  PlanRequest r = Llama8B(4, 10);
  r.tpot_slo_s = 0.010;
  const auto off = Plan(r);
  r.search_disaggregation = true;
  const auto on = Plan(r);
  std::vector<const SplitPlan*> fleets;
  for (const SplitPlan& p : on) {
    if (!p.disaggregated) fleets.push_back(&p);
  }
  ASSERT_EQ(fleets.size(), off.size());
  for (std::size_t i = 0; i < off.size(); ++i) {
    EXPECT_EQ(PlanToJson({off[i]}).dump(), PlanToJson({*fleets[i]}).dump()) << i;
  }
  const auto json = PlanToJson(off);
  EXPECT_FALSE(json[0].contains("disaggregated"));
  EXPECT_TRUE(PlanToJson(on, true)[0].contains("disaggregated"));
}

// Without a rate the flag is refused, naming both flags.
TEST(PlannerDisagg, NeedsARate) {
  PlanRequest r = Llama8B(4, 0);
  r.search_disaggregation = true;
  const auto plans = PlanSplits(r, Shipped());
  ASSERT_FALSE(plans.ok());
  EXPECT_NE(plans.status().message().find("--disaggregation"), std::string::npos) << plans.status().message();
  EXPECT_NE(plans.status().message().find("--rate"), std::string::npos) << plans.status().message();
}

// 4 GPUs, 10 req/s of 4,096-token prompts and 32-token answers, P99 TPOT
// <= 5 ms. Every co-located layout of the 4 GPUs interleaves the other
// requests' long prefills with its decode steps: TP4 alone decodes a token in
// 2.5 ms but its P99 TPOT at the rate is 11.3 ms (2 x TP2: 10.6 ms, 4 x TP1:
// 12.6 ms). One TP2 prefill replica and one TP2 decode replica (4 GPUs, $12/h)
// keep the prefills off the decode replica: P99 TPOT 3.95 ms (3.59 ms alone),
// P99 TTFT 234 ms, all 10 req/s good, 3,000 requests per dollar, ranked above
// every 4-GPU co-located configuration.
TEST(PlannerDisagg, OneToOneTp2MeetsATpotThatFourGpuColocationMisses) {
  PlanRequest r = Llama8B(4, 10);
  r.prompt = 4096;
  r.output = 32;
  r.tpot_slo_s = 0.005;
  r.search_disaggregation = true;
  const auto plans = Plan(r);
  const SplitPlan* pd = FindPd(plans, 1, 2, 1, 2);
  ASSERT_NE(pd, nullptr);
  EXPECT_EQ(pd->gpus(), 4);
  EXPECT_TRUE(pd->meets_slo);
  EXPECT_NEAR(pd->p99_tpot_s_at_rate * 1e3, 3.95, 0.05);
  EXPECT_NEAR(pd->p99_ttft_s_at_rate * 1e3, 234, 1);
  EXPECT_NEAR(pd->tpot_s * 1e3, 3.59, 0.01);
  EXPECT_DOUBLE_EQ(pd->goodput_rps, 10);
  EXPECT_DOUBLE_EQ(pd->goodput_per_usd, 3000);
  int colocated = 0;
  for (const SplitPlan& p : plans) {
    if (p.disaggregated || p.gpus() != 4) continue;
    ++colocated;
    EXPECT_FALSE(p.meets_slo) << p.replicas << " x TP" << p.tp << " PP" << p.pp;
    EXPECT_GT(p.p99_tpot_s_at_rate, 0.005) << p.replicas << " x TP" << p.tp << " PP" << p.pp;
    EXPECT_GT(&p, pd);  // ranked below
  }
  EXPECT_EQ(colocated, 6);  // TP4, 2 x TP2, TP2 PP2, 4 x TP1, 2 x TP1 PP2, TP1 PP4
}

// The planner's figures for a P:D row are the scenario's: the same system
// written as a "disaggregation" scenario (its defaults but for the routers
// and lanes, which the planner states) and run through RunScenario.
TEST(PlannerDisagg, RowEqualsTheDisaggregationScenario) {
  PlanRequest r = Llama8B(4, 10);
  r.prompt = 1024;
  r.output = 128;
  r.prompt_cv = r.output_cv = 0.5;
  r.ttft_slo_s = 0.2;
  r.tpot_slo_s = 0.010;
  r.search_disaggregation = true;
  const auto plans = Plan(r);
  const SplitPlan* row = FindPd(plans, 1, 2, 1, 2);
  ASSERT_NE(row, nullptr);
  const nlohmann::json replica = {{"model", "llama-3-8b"}, {"gpu", "h100-sxm"}, {"tp", 2}};
  nlohmann::json prefill = replica, decode = replica;
  prefill["slo"] = {{"ttft_ms", 200}};
  decode["slo"] = {{"ttft_ms", 200}, {"tpot_ms", 10}};
  const nlohmann::json router = {{"policy", "least_outstanding"}};
  const nlohmann::json doc = {
      {"seed", 1},
      {"workload",
       {{"arrival", {{"process", "poisson"}, {"rate_per_s", 10}}},
        {"prompt_tokens", {{"distribution", "lognormal"}, {"mean", 1024}, {"cv", 0.5}}},
        {"output_tokens", {{"distribution", "lognormal"}, {"mean", 128}, {"cv", 0.5}}},
        {"requests", 400},
        {"warmup_requests", 20}}},
      {"disaggregation",
       {{"prefill", {{"replicas", 1}, {"replica", prefill}, {"router", router}}},
        {"decode", {{"replicas", 1}, {"replica", decode}, {"router", router}}}}}};
  ParseOptions options;
  options.catalog = &Shipped();
  auto s = ParseScenario(doc, options);
  ASSERT_TRUE(s.ok()) << s.status().message();
  auto run = RunScenario(*s);
  ASSERT_TRUE(run.ok() && run->llm && run->stable);
  EXPECT_DOUBLE_EQ(row->p99_ttft_s_at_rate * 1e3, run->llm->ttft_ms.p99);
  EXPECT_DOUBLE_EQ(row->p99_tpot_s_at_rate * 1e3, run->llm->tpot_ms.p99);
  EXPECT_DOUBLE_EQ(row->goodput_rps, 10 * run->llm->slo_attainment);
  EXPECT_DOUBLE_EQ(row->goodput_per_usd, row->goodput_rps * 3600 / 12);
  EXPECT_EQ(row->meets_slo, run->llm->ttft_ms.p99 <= 200 && run->llm->tpot_ms.p99 <= 10);
}

}  // namespace
}  // namespace fleetlab
