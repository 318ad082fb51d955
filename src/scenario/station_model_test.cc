// A station running a catalog model: its batch times are EstimateInference
// for every batch size, with the calibration profile it names.
#include "scenario/station_model.h"

#include <gtest/gtest.h>

#include "fleetlab/llm/inference_cost.h"
#include "llm/catalog/test_catalog.h"

namespace fleetlab {
namespace {

using nlohmann::json;

Result<StationOptions> Parse(const json& model) {
  ParseScope catalog(&test::Shipped());
  StationOptions st;
  st.batching.max_batch = 4;
  FLEETLAB_RETURN_IF_ERROR(ParseStationModel(model, "station.model", catalog, true, &st));
  return st;
}

TEST(StationModelTest, ACalibratedDecoderTakesTheProfilesBatchTimes) {
  const json model = {{"model", "llama-3-8b"}, {"device", "h100-sxm"}, {"dtype", "bf16"}, {"tokens", 512},
                      {"calibration", "h100-sxm-bf16-vllm"}};
  auto st = Parse(model);
  ASSERT_TRUE(st.ok()) << st.status().message();
  const Catalog& c = test::Shipped();
  const auto profile = ProfileAsServed(*c.FindCalibration("h100-sxm-bf16-vllm"));
  ASSERT_EQ(st->batching.batch_time_s.size(), 4u);
  for (int k = 1; k <= 4; ++k) {
    InferenceShape s;
    s.batch = k;
    s.dtype = DType::kBf16;
    s.tokens = 512;
    auto calibrated = EstimateInference(*c.FindModel("llama-3-8b"), *c.FindGpu("h100-sxm"), nullptr, s,
                                        PerfEfficiency{}, profile);
    auto plain = EstimateInference(*c.FindModel("llama-3-8b"), *c.FindGpu("h100-sxm"), nullptr, s, PerfEfficiency{});
    ASSERT_TRUE(calibrated.ok() && plain.ok());
    EXPECT_DOUBLE_EQ(st->batching.batch_time_s[static_cast<std::size_t>(k - 1)], calibrated->seconds);
    EXPECT_NE(calibrated->seconds, plain->seconds);
  }
}

TEST(StationModelTest, TheCalibrationIsChecked) {
  json model = {{"model", "llama-3-8b"}, {"device", "h100-sxm"}, {"dtype", "bf16"}, {"tokens", 512},
                {"calibration", "h100-sxm-bf16-sglang"}};
  const std::string unknown = Parse(model).status().message();
  EXPECT_EQ(unknown.rfind("station.model.calibration: unknown profile \"h100-sxm-bf16-sglang\"; must be one of ", 0),
            0u) << unknown;
  EXPECT_NE(unknown.find("h100-sxm-bf16-vllm"), std::string::npos) << unknown;
  model["calibration"] = "h100-sxm-bf16-vllm";
  model["dtype"] = "fp8";
  EXPECT_EQ(Parse(model).status().message(),
            "station.model: calibration: h100-sxm-bf16-vllm is for h100-sxm in bf16; this placement is h100-sxm in "
            "fp8");
}

// Each model prices every batch size up to its max_batch, so one parse's
// models share a budget of ParseScope::kMaxModelBatches sizes: 2,048
// stations of max_batch 1e6 would take half an hour and 16 GB.
TEST(StationModelTest, OneParsesModelsShareABudgetOfBatchSizes) {
  ParseScope catalog(&test::Shipped());
  const json model = {{"model", "rnnoise"}, {"device", "h200"}, {"dtype", "int8"}};
  StationOptions st;
  st.batching.max_batch = 200'000;
  ASSERT_TRUE(ParseStationModel(model, "path.stages[0].pool.station.model", catalog, true, &st).ok());
  EXPECT_EQ(st.batching.batch_time_s.size(), 200'000u);
  EXPECT_EQ(catalog.model_batches_left(), ParseScope::kMaxModelBatches - 200'000);
  EXPECT_EQ(ParseStationModel(model, "path.stages[1].pool.station.model", catalog, true, &st).message(),
            "path.stages[1].pool.station.model: prices every batch size up to batching.max_batch (200000), and the "
            "scenario's station models may price at most 262144 in all (62144 left here)");
  st.batching.max_batch = 62'144;
  EXPECT_TRUE(ParseStationModel(model, "path.stages[1].pool.station.model", catalog, true, &st).ok());
  EXPECT_EQ(catalog.model_batches_left(), 0u);
}

}  // namespace
}  // namespace fleetlab
