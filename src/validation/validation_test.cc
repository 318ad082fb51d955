// `fleetlab validate` on the shipped points (data/validation/points.json,
// docs/accuracy.md). The low-batch points (vLLM 0.19's long-context sweeps
// and short-context fits, Llama-3.1-8B on H100 and B200) are the regime the
// model reproduces: docs/accuracy.md records median |error| 5.5% and worst
// 31.1% there, and this test fails if either grows past 8% / 40%. The
// loaded points (where the model is far off) are reported, not asserted.
#include "fleetlab/validation/validation.h"

#include <algorithm>

#include <cmath>

#include <gtest/gtest.h>

#include "fleetlab/llm/catalog.h"
#include "fleetlab/scenario/parse.h"

namespace fleetlab {
namespace {

using nlohmann::json;

std::vector<ValidationPoint> Shipped(const std::string& file = "points.json") {
  const std::string dir = Catalog::BuiltinDirectory() + "/validation";
  auto doc = ReadJsonFile(dir + "/" + file);
  EXPECT_TRUE(doc.ok()) << doc.status().message();
  auto points = doc.ok() ? ParseValidationPoints(*doc, dir) : Result<std::vector<ValidationPoint>>(doc.status());
  EXPECT_TRUE(points.ok()) << points.status().message();
  return points.ok() ? *points : std::vector<ValidationPoint>{};
}

TEST(ValidationTest, EveryShippedPointIsCitedAndSimulates) {
  const std::vector<ValidationPoint> points = Shipped();
  EXPECT_GE(points.size(), 25u);
  for (const ValidationPoint& p : points) EXPECT_GE(p.source.size(), 40u) << p.id << ": no citation";
  const ValidationOutcome o = RunValidation(points, 1);
  EXPECT_TRUE(o.refused.empty()) << o.refused.front();
  EXPECT_GE(o.rows.size(), points.size());
}

TEST(ValidationTest, LowBatchPointsStayWithinTheDocumentedError) {
  std::vector<ValidationPoint> low;
  for (ValidationPoint& p : Shipped()) {
    if (p.id.rfind("fp8kv-blog-", 0) == 0) low.push_back(std::move(p));
  }
  ASSERT_EQ(low.size(), 9u);
  const ValidationOutcome o = RunValidation(low, 1);
  ASSERT_EQ(o.rows.size(), 17u);
  EXPECT_LE(o.median_abs_error, 0.08);
  EXPECT_LE(o.worst_abs_error, 0.40);
}

// The vllm-v0-6 profile's host model (Vidur's V0 host time, charged once a
// scheduling decision) against Lambda's vLLM 0.6.0 runs at one and ten
// scheduler steps (data/validation/lambda-vllm060.json, bf16 points; not
// fitted to them). Charging the host time on every step of a ten-step group
// would lose the step-10 speed-up, charging none the step-1 slowness: the
// profile without host time put the step-1 throughputs at +166% and +78%.
TEST(ValidationTest, TheVllm06HostModelMatchesLambdasOneAndTenStepRuns) {
  std::vector<ValidationPoint> bf16;
  for (ValidationPoint& p : Shipped("lambda-vllm060.json")) {
    if (p.id.rfind("lambda-v060-", 0) == 0 && p.id.find("-fp8-") == std::string::npos) bf16.push_back(std::move(p));
  }
  ASSERT_EQ(bf16.size(), 4u);
  const ValidationOutcome o = RunValidation(bf16, 1);
  ASSERT_TRUE(o.refused.empty()) << o.refused.front();
  ASSERT_EQ(o.rows.size(), 8u);
  for (const ValidationRow& r : o.rows) {
    if (r.metric == "output_throughput") {
      EXPECT_LE(std::abs(r.error), 0.25) << r.point;
    }
  }
  EXPECT_LE(o.median_abs_error, 0.12);
}

// The SGLang team's runs of SGLang 0.3.0 and vLLM 0.6.0 at 4 and 8 req/s
// (data/validation/sglang-vllm060.json): with the kernel calibration
// profiles serving SGLang as they serve vLLM (SGLang 0.3 ran vLLM's linear
// layers and all-reduce), every median TPOT is within 25%; on the
// catalog's roofline constants SGLang's 70B TPOTs were 34% and 44% short.
TEST(ValidationTest, SglangAndVllmTpotsUnderLoadMatchTheSglangTeamsRuns) {
  const std::vector<ValidationPoint> points = Shipped("sglang-vllm060.json");
  ASSERT_EQ(points.size(), 12u);
  const ValidationOutcome o = RunValidation(points, 1);
  ASSERT_TRUE(o.refused.empty()) << o.refused.front();
  int tpots = 0;
  for (const ValidationRow& r : o.rows) {
    if (r.metric != "median_tpot_ms") continue;
    EXPECT_LE(std::abs(r.error), 0.25) << r.point;
    ++tpots;
  }
  EXPECT_EQ(tpots, 8);
}

// DeepSeek-R1 FP8 on 8 x H200 with SGLang, simulated with the
// h200-fp8-sglang kernel profile (data/calibration: NVIDIA aiconfigurator's
// SGLang 0.5.9 GEMM, fused-MoE, all-reduce and MLA timings, not serving
// runs). InferenceX's published SGLang 0.5.12 curve
// (data/validation/inferencex-h200-sglang0512.json, 1k/1k and 8k/1k at
// concurrency 4-64): every mean TPOT within 15%, every output throughput
// within 20% (on the roofline constants: TPOTs 14-36% short, throughputs
// 17-60% high). The held-out SGLang 0.5.7 points (points.json): every mean
// TPOT within 20% (25-32% short on the constants). TTFT is not asserted:
// it stays 50-80% short (docs/accuracy.md).
TEST(ValidationTest, TheH200Fp8KernelProfileHoldsDeepSeekDecodes) {
  const std::vector<ValidationPoint> curve = Shipped("inferencex-h200-sglang0512.json");
  ASSERT_EQ(curve.size(), 10u);
  ValidationOutcome o = RunValidation(curve, 1);
  ASSERT_TRUE(o.refused.empty()) << o.refused.front();
  int checked = 0;
  for (const ValidationRow& r : o.rows) {
    const double bound = r.metric == "mean_tpot_ms" ? 0.15 : r.metric == "output_throughput" ? 0.20 : 0;
    if (bound == 0) continue;
    EXPECT_LE(std::abs(r.error), bound) << r.point << " " << r.metric;
    ++checked;
  }
  EXPECT_EQ(checked, 20);
  std::vector<ValidationPoint> held_out;
  for (ValidationPoint& p : Shipped()) {
    if (p.id.rfind("inferencex-dsr1-h200x8-sglang-", 0) == 0) held_out.push_back(std::move(p));
  }
  ASSERT_EQ(held_out.size(), 4u);
  o = RunValidation(held_out, 1);
  checked = 0;
  for (const ValidationRow& r : o.rows) {
    if (r.metric != "mean_tpot_ms") continue;
    EXPECT_LE(std::abs(r.error), 0.20) << r.point;
    ++checked;
  }
  EXPECT_EQ(checked, 4);
}

TEST(ValidationTest, ABadPointNamesItselfAndTheField) {
  json doc = json::parse(R"({"points": [{"id": "p1", "model": "llama-3-8b", "gpu": "h100-sxm", "tp": 1,
      "profile": "vllm-v1", "source": "x", "measured": {},
      "workload": {"input_tokens": 100, "output_tokens": 10, "num_prompts": 5, "mode": "sometimes"}}]})");
  auto p = ParseValidationPoints(doc);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().message(), "points[p1].workload.mode: must be offline, open or closed (got \"sometimes\")");
}

// The ShareGPT points draw their 500 requests from the shipped first-turn
// lengths, tilted to the means the blog states (202 in, 179 out), with the
// dataset's spread: many short prompts (the dataset's median prompt is 58
// tokens of a 136 mean) and replies of every length.
TEST(ValidationTest, ShareGptPointsDrawTheirLengthsFromTheDataset) {
  int checked = 0;
  for (const ValidationPoint& p : Shipped()) {
    if (p.id != "vllm060-blog-l3-8b-sharegpt-qpsinf-vllm") continue;
    ASSERT_NE(p.lengths, nullptr);
    EXPECT_EQ(p.lengths->size(), 5316u);
    const VllmBenchResult b = WithLengths(p, 1);
    ASSERT_EQ(b.input_lens.size(), 500u);
    double in = 0, out = 0;
    std::vector<std::int64_t> sorted = b.input_lens;
    for (std::size_t i = 0; i < 500; ++i) in += b.input_lens[i], out += b.output_lens[i];
    EXPECT_NEAR(in / 500, 202, 0.5);  // rounding each length moves the mean by < 0.5
    EXPECT_NEAR(out / 500, 179, 0.5);
    std::sort(sorted.begin(), sorted.end());
    EXPECT_LT(sorted[250], 120);  // median prompt well under the mean
    EXPECT_GT(sorted[499], 800);  // and a long tail
    // Replies keep lengths conversations had: a 179-token mean with some
    // replies over 600 tokens (scaling the dataset's 472-token mean down
    // would cap every reply at 388).
    std::vector<std::int64_t> replies = b.output_lens;
    std::sort(replies.begin(), replies.end());
    EXPECT_GT(replies[499], 600);
    EXPECT_LT(replies[250], 179);  // median under the mean: a skewed spread
    EXPECT_NE(WithLengths(p, 2).input_lens, b.input_lens);  // the seed picks the sample
    ++checked;
  }
  EXPECT_EQ(checked, 1);
}

json UniformPoint(const json& uniform) {
  json doc = json::parse(R"({"points": [{"id": "u", "model": "llama-3-8b", "gpu": "h100-sxm", "tp": 1,
      "profile": "vllm-v1", "source": "x", "measured": {},
      "workload": {"input_tokens": 921.5, "output_tokens": 921.5, "num_prompts": 2000, "mode": "closed",
                   "concurrency": 8}}]})");
  doc["points"][0]["workload"]["uniform"] = uniform;
  return doc;
}

// InferenceX's random dataset at range ratio 0.8: every length uniform on
// [819, 1024], both ends reached, mean 921.5 (sd of 2,000 draws ~1.3).
TEST(ValidationTest, UniformLengthsAreDrawnOnTheirRanges) {
  auto p = ParseValidationPoints(UniformPoint(json::parse(R"({"input": [819, 1024], "output": [819, 1024]})")));
  ASSERT_TRUE(p.ok()) << p.status().message();
  const VllmBenchResult b = WithLengths(p->front(), 1);
  ASSERT_EQ(b.input_lens.size(), 2000u);
  ASSERT_EQ(b.output_lens.size(), 2000u);
  for (const auto* lens : {&b.input_lens, &b.output_lens}) {
    const auto [lo, hi] = std::minmax_element(lens->begin(), lens->end());
    EXPECT_EQ(*lo, 819);
    EXPECT_EQ(*hi, 1024);
    double sum = 0;
    for (std::int64_t n : *lens) sum += static_cast<double>(n);
    EXPECT_NEAR(sum / 2000, 921.5, 6);  // > 4 standard errors
  }
  EXPECT_NE(b.input_lens, b.output_lens);  // drawn apart
  EXPECT_EQ(WithLengths(p->front(), 1).input_lens, b.input_lens);
  EXPECT_NE(WithLengths(p->front(), 2).input_lens, b.input_lens);
}

TEST(ValidationTest, BadUniformRangesAreNamed) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"input": [819], "output": [819, 1024]})",
       "points[u].workload.uniform.input: must be [lo, hi]: two whole token counts"},
      {R"({"input": [1024, 819], "output": [819, 1024]})",
       "points[u].workload.uniform.input: needs 1 <= lo <= hi <= 10000000 (got [1024, 819])"},
      {R"({"input": [819, 1024], "output": [1, 900]})",
       "points[u].workload.uniform.output: [1, 900] does not hold the stated mean 921.5"},
      {R"([819, 1024])", "points[u].workload.uniform: must be {\"input\": [lo, hi], \"output\": [lo, hi]}"},
  };
  for (const auto& [uniform, message] : cases) {
    auto p = ParseValidationPoints(UniformPoint(json::parse(uniform)));
    ASSERT_FALSE(p.ok()) << uniform;
    EXPECT_EQ(p.status().message(), message);
  }
}

TEST(ValidationTest, AMissingDatasetIsNamed) {
  json doc = json::parse(R"({"points": [{"id": "p1", "model": "llama-3-8b", "gpu": "h100-sxm", "tp": 1,
      "profile": "vllm-v1", "source": "x", "measured": {},
      "workload": {"input_tokens": 100, "output_tokens": 10, "num_prompts": 5, "mode": "offline",
                   "dataset": "no-such-file.csv"}}]})");
  auto p = ParseValidationPoints(doc, "/nonexistent");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().message().rfind("points[p1].workload.dataset: ", 0), 0u) << p.status().message();
}

}  // namespace
}  // namespace fleetlab
