// End-to-end fitting (end_to_end.h): "measurements" made by simulating with
// known host overheads, or a known matmul ceiling, are fitted back to
// exactly those, with zero error, from a grid that holds them among others.
#include <gtest/gtest.h>

#include "calibrate/end_to_end.h"
#include "calibrate/prompt_phases.h"
#include "llm/catalog/test_catalog.h"

namespace fleetlab::calibrate {
namespace {

CalibrationProfile Profile() {
  CalibrationProfile p;
  p.id = "e2e-test";
  p.gpu = "h100-sxm";
  p.engines = {"vllm-v1"};
  p.matmul_efficiency = {{1, 4096}, {0.3, 0.7}};
  p.weight_memory_efficiency = 0.85;
  p.kernel_floor_s = 5e-6;
  return p;
}

ValidationPoint MeasuredRun() {
  ValidationPoint r;
  r.id = "closed-8";
  r.replica = {{"model", "llama-3-8b"}, {"gpu", "h100-sxm"}, {"tp", 1}, {"engine", "vllm-v1"}, {"calibration", "e2e-test"}};
  r.bench.model_id = "llama-3-8b";
  r.bench.requests = 60;
  r.bench.max_concurrency = 8;
  r.bench.mean_input_tokens = 512;
  r.bench.mean_output_tokens = 64;
  r.bench.metrics = {{"mean_ttft_ms", 1.0}, {"mean_tpot_ms", 1.0}, {"request_throughput", 1.0}};
  return r;
}

TEST(CalibrateEndToEndTest, RecoversTheOverheadsThatMadeTheMeasurements) {
  CalibrationProfile truth = Profile();
  truth.iteration_overhead_s = 2e-3;
  truth.sequence_overhead_s = 0.05e-3;
  Catalog catalog = test::Shipped();
  ASSERT_TRUE(catalog.AddCalibration(truth).ok());
  ValidationPoint measured = MeasuredRun();
  const ValidationOutcome o = RunValidation({measured}, 1, &catalog);
  ASSERT_EQ(o.rows.size(), 3u) << (o.refused.empty() ? "" : o.refused.front());
  for (const ValidationRow& row : o.rows) measured.bench.metrics[row.metric] = row.simulated;

  EndToEndOptions options;
  options.per_iteration_ms = {0, 1, 2, 4};
  options.per_sequence_ms = {0, 0.05, 0.2};
  auto fitted = FitOverheads(Profile(), {measured}, test::Shipped(), options);
  ASSERT_TRUE(fitted.ok()) << fitted.status().message();
  EXPECT_DOUBLE_EQ(*fitted->iteration_overhead_s, 2e-3);
  EXPECT_DOUBLE_EQ(*fitted->sequence_overhead_s, 0.05e-3);
  ASSERT_EQ(fitted->fit.size(), 3u);
  for (const CalibrationFit& f : fitted->fit) {
    EXPECT_EQ(f.part.rfind("end_to_end.", 0), 0u);
    EXPECT_LT(f.worst_abs_error, 1e-9) << f.part;
  }
}

TEST(CalibrateEndToEndTest, NeedsRunsAndKnownIds) {
  EXPECT_FALSE(FitOverheads(Profile(), {}, test::Shipped(), {}).ok());
  CalibrationProfile p = Profile();
  p.gpu = "no-such-gpu";
  auto bad = FitOverheads(p, {MeasuredRun()}, test::Shipped(), {});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("unknown GPU"), std::string::npos) << bad.status().message();
}

// Single prompts of 256 to 4,096 tokens (Llama-3-8B at TP1): at 0.5 the
// ceiling caps the curve (0.3 at 1 token to 0.7 at 4,096) from ~2,000 tokens
// on, so the longer prompts tell the candidates apart.
std::vector<ValidationPoint> PromptRuns(const CalibrationProfile& truth) {
  Catalog catalog = test::Shipped();
  EXPECT_TRUE(catalog.AddCalibration(truth).ok());
  const nlohmann::json replica = {{"model", "llama-3-8b"}, {"gpu", "h100-sxm"}, {"tp", 1}, {"engine", "vllm-v1"}};
  std::vector<ValidationPoint> runs = PromptPhaseRuns({{256, 16, 1, 1}, {2048, 16, 1, 1}, {4096, 16, 1, 1}}, replica);
  for (ValidationPoint& r : runs) r.replica["calibration"] = truth.id;
  const ValidationOutcome o = RunValidation(runs, 1, &catalog);
  EXPECT_EQ(o.rows.size(), runs.size()) << (o.refused.empty() ? "" : o.refused.front());
  for (std::size_t i = 0; i < o.rows.size(); ++i) runs[i].bench.metrics["mean_ttft_ms"] = o.rows[i].simulated;
  return runs;
}

TEST(CalibrateEndToEndTest, RecoversTheMatmulCeilingThatMadeThePromptPhases) {
  CalibrationProfile truth = Profile();
  truth.matmul_ceiling = 0.5;
  CeilingOptions options;
  options.lowest = 0.25, options.step = 0.125;  // 0.25, 0.375, 0.5, 0.625: exact in binary
  auto fitted = FitMatmulCeiling(Profile(), PromptRuns(truth), test::Shipped(), options);
  ASSERT_TRUE(fitted.ok()) << fitted.status().message();
  ASSERT_TRUE(fitted->matmul_ceiling.has_value());
  EXPECT_DOUBLE_EQ(*fitted->matmul_ceiling, 0.5);
  ASSERT_EQ(fitted->fit.size(), 1u);
  EXPECT_EQ(fitted->fit[0].part, "end_to_end.prompt_phase");
  EXPECT_EQ(fitted->fit[0].points, 3);
  EXPECT_LT(fitted->fit[0].worst_abs_error, 1e-9);
}

TEST(CalibrateEndToEndTest, KeepsNoCeilingWhereTheKernelsAloneMadeThePhases) {
  CeilingOptions options;
  options.lowest = 0.25, options.step = 0.125;
  auto fitted = FitMatmulCeiling(Profile(), PromptRuns(Profile()), test::Shipped(), options);
  ASSERT_TRUE(fitted.ok()) << fitted.status().message();
  EXPECT_FALSE(fitted->matmul_ceiling.has_value());
  ASSERT_EQ(fitted->fit.size(), 1u);
  EXPECT_LT(fitted->fit[0].worst_abs_error, 1e-9);
  EXPECT_FALSE(FitMatmulCeiling(Profile(), {}, test::Shipped(), options).ok());
}

}  // namespace
}  // namespace fleetlab::calibrate
