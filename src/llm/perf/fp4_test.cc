// FP4 (NVFP4, MXFP4) through the roofline on one B200, against hand numbers
// (docs/model.md, "Dtypes: FP4"): an element costs 4 bits plus its block's
// scale, 0.5625 B (one E4M3 per 16) or 0.53125 B (one E8M0 per 32); the
// matrix products run at the FP4 rate only when the activations are FP4.
#include <gtest/gtest.h>

#include "fleetlab/llm/perf_model.h"
#include "llm/catalog/test_catalog.h"

namespace fleetlab {
namespace {

using test::Hardware;
using test::Shipped;

ReplicaHardware B200(DType weights, DType activations) {
  ReplicaHardware hw = Hardware("llama-3.1-8b", "b200", 1, 1);
  hw.weight_dtype = weights;
  hw.activation_dtype = activations;
  return hw;
}

StepBreakdown Step(const ReplicaHardware& hw, const IterationShape& s) {
  auto model = MakeRooflineModel(hw);
  EXPECT_TRUE(model.ok()) << model.status().message();
  return model.ok() ? (*model)->Iteration(s) : StepBreakdown{};
}

// Llama-3.1-8B: 2 x 32 layers x 8 KV heads x 128 x 0.5625 B = 36,864 B a
// token (bf16: 131,072 B; the scales add 12.5% to fp4's 32,768 B).
TEST(Fp4Test, KvBytesPerTokenCarryTheScales) {
  const ModelSpec& m = *Shipped().FindModel("llama-3.1-8b");
  EXPECT_EQ(m.KvBytesPerToken(DType::kBf16).value(), 131072);
  EXPECT_EQ(m.KvBytesPerToken(DType::kNvFp4).value(), 36864);
  EXPECT_EQ(m.KvBytesPerToken(DType::kMxFp4).value(), 34816);  // 2 x 32 x 8 x 128 x 0.53125
}

// One decoding sequence is bound by streaming the weights: the same step
// with FP4 weights reads 0.5625 (NVFP4) and 0.53125 (MXFP4) of FP8's bytes.
TEST(Fp4Test, DecodeStreamsFp4WeightsWithTheirScales) {
  IterationShape s;
  s.decode_sequences = s.decode_tokens = 1;
  s.decode_context_tokens = 128;
  const StepBreakdown fp8 = Step(B200(DType::kFp8, DType::kFp8), s);
  const StepBreakdown nv = Step(B200(DType::kNvFp4, DType::kFp8), s);
  const StepBreakdown mx = Step(B200(DType::kMxFp4, DType::kFp8), s);
  ASSERT_GT(fp8.weight_memory_s, 0);
  EXPECT_NEAR(nv.weight_memory_s / fp8.weight_memory_s, 0.5625, 1e-9);
  EXPECT_NEAR(mx.weight_memory_s / fp8.weight_memory_s, 0.53125, 1e-9);
}

// A long prefill is bound by the matrix products: FP4 activations run at the
// B200's 9,000 dense TFLOPS against FP8's 4,500, so half the time; FP4
// weights with FP8 activations gain nothing there.
TEST(Fp4Test, PrefillRunsAtTheFp4RateOnlyWithFp4Activations) {
  IterationShape s;
  s.prefill_tokens = 8192;
  s.prefill_attention_pairs = 8192.0 * 8193 / 2;
  const StepBreakdown fp8 = Step(B200(DType::kFp8, DType::kFp8), s);
  const StepBreakdown weights_only = Step(B200(DType::kNvFp4, DType::kFp8), s);
  const StepBreakdown fp4 = Step(B200(DType::kNvFp4, DType::kNvFp4), s);
  ASSERT_GT(fp8.matmul_s, 0);
  EXPECT_NEAR(weights_only.matmul_s / fp8.matmul_s, 1.0, 1e-9);
  EXPECT_NEAR(fp4.matmul_s / fp8.matmul_s, 0.5, 1e-9);
}

// Hopper has no FP4 math: FP4 activations are refused with what it has; FP4
// weights alone (dequantised to the activation dtype) are allowed.
TEST(Fp4Test, HopperRefusesFp4Math) {
  ReplicaHardware hw = Hardware("llama-3.1-8b", "h100-sxm", 1, 1);
  hw.weight_dtype = DType::kNvFp4;
  hw.activation_dtype = DType::kNvFp4;
  auto refused = MakeRooflineModel(hw);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("h100-sxm has no nvfp4 math"), std::string::npos)
      << refused.status().message();
  hw.activation_dtype = DType::kBf16;
  EXPECT_TRUE(MakeRooflineModel(hw).ok());
}

}  // namespace
}  // namespace fleetlab
