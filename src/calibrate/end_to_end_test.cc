// End-to-end fitting of host overheads (end_to_end.h): "measurements" made by
// simulating with known overheads are fitted back to exactly those
// overheads, with zero error, from a grid that holds them among others.
#include <gtest/gtest.h>

#include "calibrate/end_to_end.h"
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

}  // namespace
}  // namespace fleetlab::calibrate
