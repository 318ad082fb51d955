// The fused-MoE part of a calibration fit (fit.h, roofline_fit.h): the
// floor, streaming efficiency and compute efficiency recovered from timings
// a known roofline made, the error when the timings cannot show them, and
// the part read back by the catalog's parser.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "calibrate/fit.h"
#include "calibrate/profile_json.h"
#include "calibrate/roofline_fit.h"
#include "llm/catalog/catalog_calibration.h"
#include "llm/catalog/test_catalog.h"

namespace fleetlab::calibrate {
namespace {

const GpuSpec& H200() { return *test::Shipped().FindGpu("h200"); }

TimedProduct ProductOf(const MoeSample& m) { return {m.TokensPerExpert(), m.Flops(), m.Bytes(1), m.seconds}; }

// DeepSeek-V3's experts at TP8 (fp8), balanced routing, timed by a fused
// kernel with a 30 us floor, weights at 75% of HBM and products at 10% of
// peak at 16 tokens an expert, 40% from 512.
KernelSamples Timings() {
  ProductRoofline truth;
  truth.efficiency = {{16, 512}, {0.1, 0.4}};
  truth.memory_efficiency = 0.75;
  truth.floor_s = 30e-6;
  const double peak = *H200().PeakFlops(DType::kFp8), bandwidth = H200().memory_bandwidth_Bps;
  KernelSamples s;
  // Three GEMMs, so that the linear part fits (it is not under test here).
  s.gemm = {{"g", 1, 4096, 4096, 10e-6}, {"g", 8, 8192, 8192, 30e-6}, {"g", 4096, 8192, 8192, 300e-6}};
  for (double t : {1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 4096.0, 16384.0, 65536.0}) {
    MoeSample m{t, 256, 8, 7168, 256, std::min(256.0, 8 * t), 0};
    m.seconds = truth.Predict(ProductOf(m), peak, bandwidth);
    s.moe.push_back(m);
  }
  return s;
}

TEST(MoeFitTest, RecoversTheKernelThatMadeTheTimings) {
  FitOptions o;
  o.dtype = DType::kFp8;
  auto p = FitProfile(Timings(), H200(), o);
  ASSERT_TRUE(p.ok()) << p.status().message();
  ASSERT_TRUE(p->HasMoe());
  EXPECT_NEAR(p->moe_floor_s, 30e-6, 1e-10);
  EXPECT_NEAR(p->moe_memory_efficiency, 0.75, 1e-6);
  // 4096 tokens: 128 an expert; 16384: 512; 65536: 2048. Compute bound
  // there, so the efficiency shows: the truth's curve at each.
  EXPECT_NEAR(p->moe_matmul_efficiency.At(128), 0.1 + 0.3 * 112 / 496, 1e-6);
  EXPECT_NEAR(p->moe_matmul_efficiency.At(512), 0.4, 1e-6);
  EXPECT_NEAR(p->moe_matmul_efficiency.At(2048), 0.4, 1e-6);
  const CalibrationFit& moe = p->fit.back();
  EXPECT_EQ(moe.part, "moe");
  EXPECT_EQ(moe.points, 9);
  EXPECT_LT(moe.worst_abs_error, 1e-6);
}

TEST(MoeFitTest, NeedsCallsOfOneTokenAnExpertAndLargerOnes) {
  KernelSamples s = Timings();
  s.moe.erase(s.moe.begin(), s.moe.begin() + 5);  // keep 32 tokens (one an expert) and the large ones
  FitOptions o;
  o.dtype = DType::kFp8;
  auto p = FitProfile(s, H200(), o);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().message(), "needs >= 2 fused MoE timings at <= 1 tokens an expert (memory bound) to fit the "
                                  "kernel floor and HBM efficiency (got 1)");
  s = Timings();
  s.moe.resize(6);  // only one token an expert
  EXPECT_NE(FitProfile(s, H200(), o).status().message().find("no fused MoE timing above 1 tokens an expert"),
            std::string::npos);
  s.moe.clear();
  p = FitProfile(s, H200(), o);
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p->HasMoe());  // no MoE timings: the experts stay the linear layers' weights
}

TEST(MoeFitTest, ThePartIsWhatTheCatalogReads) {
  FitOptions o;
  o.dtype = DType::kFp8;
  auto p = FitProfile(Timings(), H200(), o);
  ASSERT_TRUE(p.ok());
  p->sources = {{"linear", "test"}, {"moe", "test"}, {"fit", "test"}};
  const nlohmann::json j = nlohmann::json::parse(ProfileToJson(*p).dump());
  ASSERT_TRUE(j.contains("moe"));
  EXPECT_EQ(j["sources"]["moe"], "test");
  CalibrationProfile back;
  FieldReader r(j, "");
  ASSERT_TRUE(catalog_internal::ParseCalibrationFields(r, &back).ok());
  EXPECT_NEAR(back.moe_floor_s, p->moe_floor_s, 1e-11);
  EXPECT_NEAR(back.moe_memory_efficiency, p->moe_memory_efficiency, 1e-6);
  EXPECT_NEAR(back.moe_matmul_efficiency.At(512), p->moe_matmul_efficiency.At(512), 1e-6);
  nlohmann::json bad = j;
  bad["moe"]["floor_us"] = -1;
  FieldReader rb(bad, "");
  CalibrationProfile none;
  EXPECT_NE(catalog_internal::ParseCalibrationFields(rb, &none).message().find("moe.floor_us"), std::string::npos);
}

}  // namespace
}  // namespace fleetlab::calibrate
