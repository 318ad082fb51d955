// `fleetlab validate` on the shipped points (data/validation/points.json,
// docs/accuracy.md). The low-batch points (vLLM 0.19's long-context sweeps
// and short-context fits, Llama-3.1-8B on H100 and B200) are the regime the
// model reproduces: docs/accuracy.md records median |error| 5.5% and worst
// 35.5% there, and this test fails if either grows past 8% / 40%. The
// loaded points (where the model is far off) are reported, not asserted.
#include "fleetlab/validation/validation.h"

#include <gtest/gtest.h>

#include "fleetlab/llm/catalog.h"
#include "fleetlab/scenario/parse.h"

namespace fleetlab {
namespace {

using nlohmann::json;

std::vector<ValidationPoint> Shipped() {
  auto doc = ReadJsonFile(Catalog::BuiltinDirectory() + "/validation/points.json");
  EXPECT_TRUE(doc.ok()) << doc.status().message();
  auto points = doc.ok() ? ParseValidationPoints(*doc) : Result<std::vector<ValidationPoint>>(doc.status());
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

TEST(ValidationTest, ABadPointNamesItselfAndTheField) {
  json doc = json::parse(R"({"points": [{"id": "p1", "model": "llama-3-8b", "gpu": "h100-sxm", "tp": 1,
      "profile": "vllm-v1", "source": "x", "measured": {},
      "workload": {"input_tokens": 100, "output_tokens": 10, "num_prompts": 5, "mode": "sometimes"}}]})");
  auto p = ParseValidationPoints(doc);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().message(), "points[p1].workload.mode: must be offline, open or closed (got \"sometimes\")");
}

}  // namespace
}  // namespace fleetlab
