#include "fleetlab/sweep/sizing.h"

#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "fleetlab/report/render.h"
#include "fleetlab/runner.h"
#include "fleetlab/scenario/parse.h"
#include "fleetlab/sweep/sweep_rows.h"

namespace fleetlab {
namespace {

using nlohmann::json;

Result<SizingSpec> Parse(const json& doc) { return ParseSizing(doc, ParseOptions{}); }

std::string Error(const json& doc) {
  auto s = Parse(doc);
  return s.ok() ? "(parsed)" : s.status().message();
}

// Llama-3-8B on L4 and H100 SXM, chat-sized requests: small enough for a
// unit test, and the two GPUs' prices and speeds differ enough that the
// answer is not the first candidate.
json SmallQuestion() {
  return json::parse(R"({
    "model": "llama-3-8b", "gpus": ["l4", "h100-sxm"], "rate_per_s": 150,
    "workload": {"prompt_tokens": {"distribution": "lognormal", "mean": 256, "cv": 0.5},
                 "output_tokens": {"distribution": "lognormal", "mean": 64, "cv": 0.5}},
    "slo": {"ttft_ms": 400, "tpot_ms": 40},
    "search": {"tp": [1, 2], "pp": [1], "pd_ratios": ["1:1"]},
    "requests": 300, "top": 3})");
}

TEST(SizingTest, ParseErrorsNameTheFieldAndTheRange) {
  json doc = SmallQuestion();
  doc.erase("slo");
  EXPECT_NE(Error(doc).find("slo: missing"), std::string::npos) << Error(doc);
  doc = SmallQuestion();
  doc["gpus"] = {"l4", "h100"};
  EXPECT_NE(Error(doc).find("gpus[1]: unknown GPU \"h100\"; known:"), std::string::npos) << Error(doc);
  doc = SmallQuestion();
  doc["search"]["pd_ratios"] = {"1:0"};
  EXPECT_NE(Error(doc).find("search.pd_ratios[0]: must be \"P:D\" with P and D integers between 1 and 16"),
            std::string::npos) << Error(doc);
  doc = SmallQuestion();
  doc["slo"]["statistic"] = "p98";
  EXPECT_NE(Error(doc).find("slo.statistic"), std::string::npos) << Error(doc);
  doc = SmallQuestion();
  doc["rate_per_s"] = -1;
  EXPECT_NE(Error(doc).find("rate_per_s: must be a rate between"), std::string::npos) << Error(doc);
  doc = SmallQuestion();
  doc["search"]["tp"] = {1, 0};
  EXPECT_NE(Error(doc).find("search.tp[1]: must be an integer between 1 and 1024"), std::string::npos) << Error(doc);
  doc = SmallQuestion();
  doc["serach"] = {};
  EXPECT_NE(Error(doc).find("serach: unknown field"), std::string::npos) << Error(doc);
  doc = SmallQuestion();
  doc.erase("rate_per_s");
  EXPECT_NE(Error(doc).find("rate_per_s: missing"), std::string::npos) << Error(doc);
  doc = SmallQuestion();
  doc["base"] = {{"station", {{"servers", 1}}}};
  EXPECT_NE(Error(doc).find("base.station: sizing needs an LLM scenario"), std::string::npos) << Error(doc);
  doc = SmallQuestion();
  doc["base"] = "scenarios/llama3-70b-h100.json";
  ParseOptions server;
  server.allow_files = false;
  auto refused = ParseSizing(doc, server);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("base: must be an inline scenario object"), std::string::npos);
}

TEST(SizingTest, ObjectivesBecomeSlosOnTheStatistic) {
  json doc = SmallQuestion();
  doc["slo"] = {{"ttft_ms", 500}, {"tpot_ms", 50}, {"statistic", "p90"}, {"attainment", 0.95}};
  auto spec = Parse(doc);
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  ASSERT_EQ(spec->slos.size(), 3u);
  EXPECT_EQ(spec->slos[0].text, "latency_ms.ttft.p90 <= 500");
  EXPECT_EQ(spec->slos[1].text, "latency_ms.tpot.p90 <= 50");
  EXPECT_EQ(spec->slos[2].text, "slo.attainment >= 0.95");
}

// Without rate_per_s a trace gives its own: 5 requests over 2 s is the
// recorded rate (n - 1) / span = 2/s; the steady-state token rates use the
// trace's mean lengths, (100 + 200 + 300 + 100 + 300) / 5 = 200 and 20.
TEST(SizingTest, ATraceGivesItsRateAndLengths) {
  json doc = SmallQuestion();
  doc.erase("rate_per_s");
  doc.erase("workload");
  doc["base"] = {{"workload", {{"arrival", {{"process", "trace"},
                                            {"trace_data", "0,100,10\n0.5,200,20\n1,300,30\n1.5,100,10\n2,300,30\n"}}}}}};
  auto spec = Parse(doc);
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  EXPECT_DOUBLE_EQ(spec->rate_per_s, 2.0);
  EXPECT_DOUBLE_EQ(spec->mean_prompt_tokens, 200.0);
  EXPECT_DOUBLE_EQ(spec->mean_output_tokens, 20.0);
}

// Five lists of 2^13 entries (a 100 kB document) make 2^65 candidates,
// which a 64-bit count wraps to 0: the count must still refuse them.
TEST(SizingTest, ACandidateCountPast64BitsIsRefused) {
  json doc = SmallQuestion();
  json ints = json::array(), ratios = json::array();
  for (int i = 0; i < 8192; ++i) ints.push_back(1 + i % 8);
  for (int i = 0; i < 8191; ++i) ratios.push_back("1:1");
  for (const char* list : {"tp", "pp", "max_running", "max_batch_tokens"}) doc["search"][list] = ints;
  doc["search"]["pd_ratios"] = ratios;  // + co-located: 8192
  EXPECT_NE(Error(doc).find("candidates per GPU kind; at most 20000"), std::string::npos) << Error(doc).substr(0, 200);
}

// A length distribution given in the document replaces the default's
// whole (its lognormal cv does not apply to a deterministic length); other
// fields merge.
TEST(SizingTest, AWorkloadDistributionReplacesTheBases) {
  json doc = SmallQuestion();
  doc["workload"]["prompt_tokens"] = {{"distribution", "deterministic"}, {"mean", 300}};
  doc["workload"]["warmup_requests"] = 7;
  auto spec = Parse(doc);
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  EXPECT_EQ(spec->base["workload"]["prompt_tokens"], json({{"distribution", "deterministic"}, {"mean", 300}}));
  EXPECT_EQ(spec->base["workload"]["output_tokens"]["cv"], 0.5);
  EXPECT_EQ(spec->base["workload"]["warmup_requests"], 7);
  EXPECT_DOUBLE_EQ(spec->mean_prompt_tokens, 300.0);
  doc = SmallQuestion();
  doc["base"] = {{"workload", 3}};
  EXPECT_NE(Error(doc).find("base.workload: must be an object"), std::string::npos) << Error(doc);
}

class SizingSearchTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // 800 requests: a 300-request run of the 1P:1D TP2 unit at 1.5 x its
    // estimate lasts 0.8 s, too short to fall behind enough to miss an
    // objective, and its bisection would end at the upper bracket.
    json question = SmallQuestion();
    question["requests"] = 800;
    auto spec = Parse(question);
    ASSERT_TRUE(spec.ok()) << spec.status().message();
    spec_ = new SizingSpec(std::move(spec).value());
    SizingOptions options;
    options.threads = 2;
    auto out = RunSizing(*spec_, options);
    ASSERT_TRUE(out.ok()) << out.status().message();
    out_ = new SizingOutcome(std::move(out).value());
  }
  static void TearDownTestSuite() {
    delete spec_;
    delete out_;
  }
  static SizingSpec* spec_;
  static SizingOutcome* out_;
};
SizingSpec* SizingSearchTest::spec_ = nullptr;
SizingOutcome* SizingSearchTest::out_ = nullptr;

// Every listed fleet was simulated at the target rate and meets every
// objective there; its cost is its GPUs x the catalog's price.
TEST_F(SizingSearchTest, ListedFleetsMeetTheSlosAndCostGpusTimesPrice) {
  ASSERT_FALSE(out_->top.empty()) << SizingToJson(*spec_, *out_).dump(1);
  double previous = 0;
  for (std::size_t i : out_->top) {
    const SizingCandidate& c = out_->candidates[i];
    std::string why;
    auto pass = MeetsSlos(c.fleet_report, spec_->slos, &why);
    ASSERT_TRUE(pass.ok());
    EXPECT_TRUE(*pass) << c.name << ": " << why;
    const double price = c.gpu == "l4" ? 0.7 : 3.0;  // data/gpus/*.json
    EXPECT_EQ(c.fleet_report["cost"]["gpus"].get<std::uint64_t>(), c.units * c.unit_gpus) << c.name;
    EXPECT_NEAR(c.usd_per_hour, static_cast<double>(c.units * c.unit_gpus) * price, 1e-9) << c.name;
    EXPECT_GE(c.usd_per_hour, previous) << "cheapest first";
    previous = c.usd_per_hour;
    EXPECT_EQ(c.fleet_report["offered"]["rate_per_s"].get<double>(), 150);
  }
}

// The bounds are sound: a candidate skipped unsimulated cost at least as
// much as the listed fleets' bound; no bisection reached the top of its
// bracket (kCapacitySlack x the estimated capacity), so the estimates were upper
// bounds here; a unit's rate within the SLOs stays below its estimate x
// the slack.
TEST_F(SizingSearchTest, PruningBoundsAreSound) {
  ASSERT_FALSE(out_->top.empty());
  const double kth = out_->candidates[out_->top.back()].usd_per_hour;
  const double cheapest = out_->candidates[out_->top.front()].usd_per_hour;
  int simulated = 0;
  for (const SizingCandidate& c : out_->candidates) {
    if (c.status == "skipped") {
      const bool full = out_->top.size() >= spec_->top;
      EXPECT_TRUE((full && c.cost_lower_bound > kth) || c.cost_lower_bound > cheapest * spec_->max_cost_ratio)
          << c.name << " skipped at $" << c.cost_lower_bound;
    }
    if (c.status == "fleet" || c.status == "infeasible") ++simulated;
    EXPECT_NE(c.bound, CapacityBound::kAtLeastHigh) << c.name;
    if (c.unit_max_rate_per_s > 0) {
      EXPECT_LE(c.unit_max_rate_per_s, kCapacitySlack * c.estimate_per_s);
    }
  }
  EXPECT_GT(simulated, 0);
}

// Llama-3-8B in bf16 (16 GB of weights) fits one L4 (24 GB) with little KV
// left; a candidate that does not fit or cannot meet a floor is pruned
// with its reason, before any simulation.
TEST_F(SizingSearchTest, PrunedCandidatesSayWhyAndWereNotSimulated) {
  for (const SizingCandidate& c : out_->candidates) {
    if (c.status != "pruned") continue;
    EXPECT_FALSE(c.reason.empty()) << c.name;
    EXPECT_EQ(c.runs, 0) << c.name;
  }
}

// The listed fleet, rebuilt from its scenario document and run again, gives
// the same report (the search's figures are reproducible); one unit fewer
// misses an objective (or the fleet is already one unit).
TEST_F(SizingSearchTest, TheCheapestFleetIsReproducibleAndMinimal) {
  ASSERT_FALSE(out_->top.empty());
  const SizingCandidate& c = out_->candidates[out_->top.front()];
  auto s = ParseScenario(c.fleet_scenario, "");
  ASSERT_TRUE(s.ok()) << s.status().message();
  auto again = RunScenario(*s, RunHooks{.kv_heatmap = false});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(ReportToJson(*again), c.fleet_report);
  if (c.units < 2) return;
  const std::uint64_t fewer = c.units - 1;
  json doc = c.fleet_scenario;
  if (doc.contains("fleet")) {
    if (fewer == 1) doc.erase("fleet"); else doc["fleet"]["replicas"] = fewer;
  } else {
    doc["disaggregation"]["prefill"]["replicas"] = fewer * c.prefill;
    doc["disaggregation"]["decode"]["replicas"] = fewer * c.decode;
    doc["disaggregation"]["lanes"] = fewer * c.prefill;
  }
  doc["workload"]["requests"] = std::min(spec_->max_fleet_requests, spec_->requests * fewer);
  doc["workload"]["warmup_requests"] = doc["workload"]["requests"].get<std::uint64_t>() / 10;
  auto smaller = ParseScenario(doc, "");
  ASSERT_TRUE(smaller.ok()) << smaller.status().message();
  auto report = RunScenario(*smaller, RunHooks{.kv_heatmap = false});
  ASSERT_TRUE(report.ok());
  std::string why;
  EXPECT_FALSE(*MeetsSlos(ReportToJson(*report), spec_->slos, &why)) << c.units - 1 << " units also pass";
}

TEST(SizingTest, SameFleetsOnOneAndTwoThreads) {
  json doc = SmallQuestion();
  doc["gpus"] = {"h100-sxm"};
  auto spec = Parse(doc);
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  SizingOptions one, two;
  one.threads = 1;
  two.threads = 2;
  auto a = RunSizing(*spec, one), b = RunSizing(*spec, two);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(SizingToJson(*spec, *a), SizingToJson(*spec, *b));
}

}  // namespace
}  // namespace fleetlab
