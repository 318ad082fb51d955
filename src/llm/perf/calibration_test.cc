// Calibration profiles (calibration.h): the curve, the checks, what the
// roofline takes from a profile (hand-derived differences against the same
// hardware without one), and how a scenario picks one.
#include <algorithm>
#include <cmath>
#include <memory>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fleetlab/llm/calibration.h"
#include "fleetlab/llm/perf_model.h"
#include "fleetlab/scenario/parse.h"
#include "llm/catalog/test_catalog.h"

namespace fleetlab {
namespace {

using test::Hardware;

TEST(CurveTest, HoldsTheEndsAndInterpolatesBetween) {
  Curve c{{10, 20, 40}, {1, 3, 5}};
  EXPECT_DOUBLE_EQ(c.At(1), 1);     // below the first point: its value
  EXPECT_DOUBLE_EQ(c.At(15), 2);    // halfway between 10 and 20
  EXPECT_DOUBLE_EQ(c.At(30), 4);
  EXPECT_DOUBLE_EQ(c.At(80), 5);    // past the last: held
  c.linear_tail = true;
  EXPECT_DOUBLE_EQ(c.At(80), 9);    // slope 2 / 20 a unit: 5 + 40 x 0.1
  const Curve one{{5}, {7}};
  EXPECT_DOUBLE_EQ(one.At(100), 7);
}

CalibrationProfile Flat(double matmul, double memory, double floor_s) {
  CalibrationProfile p;
  p.id = "test";
  p.gpu = "h100-sxm";
  p.matmul_efficiency = {{1}, {matmul}};
  p.weight_memory_efficiency = memory;
  p.kernel_floor_s = floor_s;
  return p;
}

TEST(CalibrationTest, ChecksNameTheField) {
  CalibrationProfile p = Flat(1.2, 0.8, 0);
  EXPECT_EQ(ValidateCalibration(p).message(), "linear.matmul_efficiency.y[0]: must be in (0, 1] (got 1.2)");
  p = Flat(0.7, 0.8, 0);
  p.matmul_efficiency = {{8, 4}, {0.5, 0.6}};
  EXPECT_NE(ValidateCalibration(p).message().find("linear.matmul_efficiency.x[1]"), std::string::npos);
  p = Flat(0.7, 0.8, 0);
  p.all_reduce_s[2] = Curve{{1024}, {-1}};
  EXPECT_NE(ValidateCalibration(p).message().find("all_reduce.tp2.y[0]"), std::string::npos);
  EXPECT_TRUE(ValidateCalibration(Flat(0.7, 0.8, 2e-6)).ok());
}

StepBreakdown Step(const ReplicaHardware& hw, const IterationShape& shape) {
  auto m = MakeRooflineModel(hw);
  EXPECT_TRUE(m.ok()) << m.status().message();
  return (*m)->Iteration(shape);
}

// With the profile's efficiencies equal to PerfEfficiency's, the only
// difference is the kernel floor: 4 kernels a layer x 80 layers + the LM
// head's one, 10 us each = 3.21 ms.
TEST(CalibrationTest, TheRooflineAddsTheKernelFloorPerKernel) {
  ReplicaHardware hw = Hardware("llama-3-70b", "h200", 1, 1);
  hw.efficiency.matmul = 0.6;
  hw.efficiency.memory = 0.75;
  IterationShape decode;
  decode.decode_sequences = decode.decode_tokens = 8;
  decode.decode_context_tokens = 8 * 1024;
  const StepBreakdown base = Step(hw, decode);
  hw.calibration = std::make_shared<const CalibrationProfile>(Flat(0.6, 0.75, 10e-6));
  const StepBreakdown cal = Step(hw, decode);
  EXPECT_NEAR(cal.total_s - base.total_s, (80 * 4 + 1) * 10e-6, 1e-12);
  EXPECT_NEAR(cal.weight_memory_s - base.weight_memory_s, (80 * 4 + 1) * 10e-6, 1e-12);  // decode: weight bound
  EXPECT_DOUBLE_EQ(cal.kv_memory_s, base.kv_memory_s);
}

// Attention floors: one per layer for each kind of call an iteration
// makes. Llama-3-70B has 80 layers: a decode step pays 80 x 13 us, a prefill
// 80 x 18 us, an iteration with both 80 x 31 us; the efficiencies are the
// constants', so nothing else moves.
TEST(CalibrationTest, TheRooflineAddsAnAttentionFloorPerLayerAndKindOfCall) {
  ReplicaHardware hw = Hardware("llama-3-70b", "h200", 1, 1);
  hw.efficiency.matmul = 0.6;
  hw.efficiency.memory = 0.75;
  IterationShape decode, prefill, both;
  decode.decode_sequences = decode.decode_tokens = 8;
  decode.decode_context_tokens = 8 * 1024;
  prefill.prefill_tokens = 512;
  prefill.prefill_attention_pairs = 512.0 * 513 / 2;
  both = decode;
  both.prefill_tokens = prefill.prefill_tokens;
  both.prefill_attention_pairs = prefill.prefill_attention_pairs;
  CalibrationProfile without = Flat(0.6, 0.75, 0);
  without.attention_efficiency = hw.efficiency.attention;
  without.kv_memory_efficiency = hw.efficiency.memory;
  CalibrationProfile with = without;
  with.prefill_attention_floor_s = 18e-6;
  with.decode_attention_floor_s = 13e-6;
  for (const auto& [shape, floor_s] : {std::pair{decode, 13e-6}, {prefill, 18e-6}, {both, 31e-6}}) {
    hw.calibration = std::make_shared<const CalibrationProfile>(without);
    const StepBreakdown base = Step(hw, shape);
    hw.calibration = std::make_shared<const CalibrationProfile>(with);
    const StepBreakdown cal = Step(hw, shape);
    EXPECT_NEAR(cal.total_s - base.total_s, 80 * floor_s, 1e-12);
    EXPECT_NEAR((cal.attention_s + cal.kv_memory_s) - (base.attention_s + base.kv_memory_s), 80 * floor_s, 1e-12);
    EXPECT_DOUBLE_EQ(cal.matmul_s + cal.weight_memory_s, base.matmul_s + base.weight_memory_s);
  }
}

// With a prefill curve, a prefill's attention math runs at the curve's
// fraction at its mean context (pairs / prompt tokens): a 512-token chunk
// after 1,536 cached tokens attends to 1,536 + 256.5 tokens a token on
// average, where the curve says 0.25 (halfway from 0.2 at 1,024 to 0.3 at
// 2,561); without prefill work the curve is not used.
TEST(CalibrationTest, PrefillAttentionEfficiencyFollowsTheContextCurve) {
  ReplicaHardware hw = Hardware("llama-3-70b", "h200", 1, 1);
  IterationShape prefill;
  prefill.prefill_tokens = 512;
  prefill.prefill_context_tokens = 1536;
  prefill.prefill_attention_pairs = 512.0 * 1536 + 512.0 * 513 / 2;
  CalibrationProfile flat = Flat(0.6, 0.75, 0);
  flat.attention_efficiency = 0.25;
  CalibrationProfile curve = flat;
  curve.attention_efficiency = 0.9;  // ignored for prefill when the curve is there
  curve.prefill_attention_efficiency = {{1024, 2561}, {0.2, 0.3}};
  ASSERT_NEAR(curve.prefill_attention_efficiency.At(1536 + 256.5), 0.25, 1e-12);
  hw.calibration = std::make_shared<const CalibrationProfile>(flat);
  const StepBreakdown a = Step(hw, prefill);
  hw.calibration = std::make_shared<const CalibrationProfile>(curve);
  const StepBreakdown b = Step(hw, prefill);
  EXPECT_GT(a.attention_s, 0);
  EXPECT_NEAR(b.attention_s, a.attention_s, 1e-12 * a.attention_s);
  IterationShape decode;
  decode.decode_sequences = decode.decode_tokens = 8;
  decode.decode_context_tokens = 8 * 1024;
  CalibrationProfile ninety = flat;
  ninety.attention_efficiency = 0.9;
  hw.calibration = std::make_shared<const CalibrationProfile>(ninety);
  const StepBreakdown c = Step(hw, decode);
  hw.calibration = std::make_shared<const CalibrationProfile>(curve);
  EXPECT_DOUBLE_EQ(Step(hw, decode).total_s, c.total_s);
}

// A decode of 16 sequences of 512 tokens.
IterationShape Decode16() {
  IterationShape decode;
  decode.decode_sequences = decode.decode_tokens = 16;
  decode.decode_context_tokens = 16 * 512;
  return decode;
}

// The constants' efficiencies, and every all-reduce at TP4 taking 40 us.
CalibrationProfile AllReducesOf40us(const ReplicaHardware& hw) {
  CalibrationProfile p = Flat(hw.efficiency.matmul, hw.efficiency.memory, 0);
  p.all_reduce_s[4] = Curve{{1e3, 1e6}, {40e-6, 40e-6}};
  return p;
}

// The measured all-reduce replaces the ring: 2 a layer x 80 layers x 40 us.
TEST(CalibrationTest, MeasuredAllReduceTimesReplaceTheRing) {
  ReplicaHardware hw = Hardware("llama-3-70b", "h100-sxm", 4, 1);
  const IterationShape decode = Decode16();
  CalibrationProfile p = AllReducesOf40us(hw);
  hw.calibration = std::make_shared<const CalibrationProfile>(p);
  EXPECT_NEAR(Step(hw, decode).tp_comm_s, 80 * 2 * 40e-6, 1e-12);
  // Another TP degree, or a link that is not the GPU's scale-up link, keeps the ring.
  p.all_reduce_s.clear();
  p.all_reduce_s[8] = Curve{{1e3}, {40e-6}};
  hw.calibration = std::make_shared<const CalibrationProfile>(p);
  const double ring = Step(hw, decode).tp_comm_s;
  hw.calibration = nullptr;
  EXPECT_DOUBLE_EQ(ring, Step(hw, decode).tp_comm_s);
}

// Overlap hides the overlapped share of the all-reduces under compute, and
// only as much as the compute lasts: 160 all-reduces of 40 us (6.4 ms) on
// Llama-3-70B TP4; the 16-sequence decode computes for longer than 3.2 ms,
// so at 0.5 half the all-reduce time remains, and at 1.0 what the 6.4 ms
// outlast the compute by (nothing, if the compute is longer).
TEST(CalibrationTest, OverlapHidesAllReducesUnderCompute) {
  ReplicaHardware hw = Hardware("llama-3-70b", "h100-sxm", 4, 1);
  const IterationShape decode = Decode16();
  CalibrationProfile p = AllReducesOf40us(hw);
  hw.calibration = std::make_shared<const CalibrationProfile>(p);
  const StepBreakdown serial = Step(hw, decode);
  const double comm = 80 * 2 * 40e-6;
  const double compute = serial.matmul_s + serial.weight_memory_s + serial.attention_s + serial.kv_memory_s;
  ASSERT_NEAR(serial.tp_comm_s, comm, 1e-12);
  ASSERT_GT(compute, comm / 2);
  p.tp_overlap = 0.5;
  hw.calibration = std::make_shared<const CalibrationProfile>(p);
  const StepBreakdown half = Step(hw, decode);
  EXPECT_NEAR(half.tp_comm_s, comm / 2, 1e-12);
  EXPECT_NEAR(serial.total_s - half.total_s, comm / 2, 1e-12);
  EXPECT_EQ(half.tp_bytes, serial.tp_bytes);  // the same bytes move
  p.tp_overlap = 1.0;
  hw.calibration = std::make_shared<const CalibrationProfile>(p);
  EXPECT_NEAR(Step(hw, decode).tp_comm_s, std::max(0.0, comm - compute), 1e-12);
  p.tp_overlap = 1.5;
  EXPECT_EQ(ValidateCalibration(p).message(), "overlap.tp_all_reduce: must be in [0, 1] (got 1.5)");
}

// A compute-bound prefill at 50% of peak in the profile against 70% without.
TEST(CalibrationTest, MatmulEfficiencyByTokens) {
  ReplicaHardware hw = Hardware("llama-3-8b", "h100-sxm", 1, 1);
  IterationShape prefill;
  prefill.prefill_tokens = 4096;
  prefill.prefill_attention_pairs = 4096.0 * 4097 / 2;
  const double base = Step(hw, prefill).matmul_s;
  CalibrationProfile p = Flat(0.7, hw.efficiency.memory, 0);
  p.matmul_efficiency = {{16, 1024, 8192}, {0.1, 0.5, 0.5}};
  hw.calibration = std::make_shared<const CalibrationProfile>(p);
  const StepBreakdown cal = Step(hw, prefill);
  // Every linear layer is compute bound at 4,096 tokens; the LM head (one row) is not.
  EXPECT_NEAR(cal.matmul_s, base * 0.7 / 0.5, 1e-9 * base);
}

// The ceiling caps the curve where it is higher: at 4,096 tokens the
// products run at 0.4 of peak, not the curve's 0.5; at 16 tokens (0.1, under
// the ceiling) nothing changes.
TEST(CalibrationTest, TheMatmulCeilingCapsTheCurve) {
  ReplicaHardware hw = Hardware("llama-3-8b", "h100-sxm", 1, 1);
  CalibrationProfile p = Flat(0.7, hw.efficiency.memory, 0);
  p.matmul_efficiency = {{16, 1024, 8192}, {0.1, 0.5, 0.5}};
  hw.calibration = std::make_shared<const CalibrationProfile>(p);
  IterationShape prefill, small;
  prefill.prefill_tokens = 4096;
  prefill.prefill_attention_pairs = 4096.0 * 4097 / 2;
  small.prefill_tokens = 16;
  small.prefill_attention_pairs = 16.0 * 17 / 2;
  const StepBreakdown curve = Step(hw, prefill), curve_small = Step(hw, small);
  p.matmul_ceiling = 0.4;
  hw.calibration = std::make_shared<const CalibrationProfile>(p);
  EXPECT_NEAR(Step(hw, prefill).matmul_s, curve.matmul_s * 0.5 / 0.4, 1e-9 * curve.matmul_s);
  EXPECT_DOUBLE_EQ(Step(hw, small).total_s, curve_small.total_s);
  p.matmul_ceiling = 1.5;
  EXPECT_EQ(ValidateCalibration(p).message(), "linear.matmul_ceiling: must be in (0, 1] (got 1.5)");
  p.matmul_ceiling = 0.4;
  p.engines = {"vllm-v0"};
  p.matmul_ceiling_engines = {"vllm-v0", "sglang"};
  EXPECT_EQ(ValidateCalibration(p).message(), "linear.matmul_ceiling_engines: \"sglang\" is not one of the profile's engines");
}

Result<Scenario> Parse(nlohmann::json replica) {
  nlohmann::json doc = {{"replica", std::move(replica)},
                        {"workload", {{"arrival", {{"process", "poisson"}, {"rate_per_s", 4}}}, {"requests", 10}, {"warmup_requests", 0}}}};
  return ParseScenario(doc, "");
}

// A profile's MoE part prices the routed experts alone. DeepSeek-V3 at TP8,
// a decode of 8 tokens: they touch 256 (1 - (1 - 8/256)^8) = 57.1 experts of
// 3 x 7168 x 2048 parameters, an eighth of each on a GPU, in each of the 58
// MoE layers. Everything is weight bound, so against the same profile
// without the part the step gains 58 x (30 us + those bytes / (4.8 TB/s) x
// (1 / 0.6 - 1 / 0.8)); a dense model does not notice the part.
TEST(CalibrationTest, TheMoePartPricesTheRoutedExperts) {
  ReplicaHardware hw = Hardware("deepseek-v3", "h200", 8, 1);
  hw.weight_dtype = hw.activation_dtype = DType::kFp8;
  IterationShape decode;
  decode.decode_sequences = decode.decode_tokens = 8;
  decode.decode_context_tokens = 8 * 1024;
  CalibrationProfile plain = Flat(0.6, 0.8, 0);
  plain.gpu = "h200";
  hw.calibration = std::make_shared<const CalibrationProfile>(plain);
  const StepBreakdown base = Step(hw, decode);
  CalibrationProfile moe = plain;
  moe.moe_matmul_efficiency = {{1}, {0.3}};
  moe.moe_memory_efficiency = 0.6;
  moe.moe_floor_s = 30e-6;
  ASSERT_TRUE(ValidateCalibration(moe).ok());
  hw.calibration = std::make_shared<const CalibrationProfile>(moe);
  const StepBreakdown cal = Step(hw, decode);
  const double touched = 256 * (1 - std::pow(1 - 8.0 / 256, 8));
  const double bytes = touched * 3 * 7168 * 2048 / 8.0;  // fp8: a byte a weight
  const double bandwidth = hw.gpu.memory_bandwidth_Bps;
  const double expected = 58 * (30e-6 + bytes / bandwidth * (1 / 0.6 - 1 / 0.8));
  EXPECT_NEAR(cal.weight_memory_s - base.weight_memory_s, expected, 1e-9);
  EXPECT_NEAR(cal.total_s - base.total_s, expected, 1e-9);
  EXPECT_DOUBLE_EQ(cal.matmul_s, base.matmul_s);
  EXPECT_NEAR(cal.hbm_bytes, base.hbm_bytes, 1e-6 * base.hbm_bytes);

  ReplicaHardware dense = Hardware("llama-3-70b", "h200", 8, 1);
  dense.calibration = std::make_shared<const CalibrationProfile>(plain);
  const double dense_base = Step(dense, decode).total_s;
  dense.calibration = std::make_shared<const CalibrationProfile>(moe);
  EXPECT_DOUBLE_EQ(Step(dense, decode).total_s, dense_base);
}

// Its checks name the field.
TEST(CalibrationTest, TheMoePartIsChecked) {
  CalibrationProfile p = Flat(0.6, 0.8, 0);
  p.moe_matmul_efficiency = {{1}, {1.5}};
  EXPECT_EQ(ValidateCalibration(p).message(), "moe.matmul_efficiency.y[0]: must be in (0, 1] (got 1.5)");
  p.moe_matmul_efficiency = {{1}, {0.5}};
  p.moe_memory_efficiency = 0;
  EXPECT_EQ(ValidateCalibration(p).message(), "moe.weight_memory_efficiency: must be in (0, 1] (got 0)");
  p.moe_memory_efficiency = 0.7;
  p.moe_floor_s = 2e-3;
  EXPECT_NE(ValidateCalibration(p).message().find("moe.floor_us"), std::string::npos);
}

TEST(CalibrationTest, AScenarioTakesTheProfileOfItsGpuAndEngine) {
  auto s = Parse({{"model", "llama-3-8b"}, {"gpu", "h100-sxm"}, {"engine", "vllm-v1"}});
  ASSERT_TRUE(s.ok()) << s.status().message();
  ASSERT_NE(s->replica()->hardware.calibration, nullptr);
  EXPECT_EQ(s->replica()->hardware.calibration->gpu, "h100-sxm");
  // No engine, "none", or an engine whose kernels no profile has: the roofline's constants.
  for (const auto& r : {nlohmann::json{{"model", "llama-3-8b"}, {"gpu", "h100-sxm"}},
                        nlohmann::json{{"model", "llama-3-8b"}, {"gpu", "h100-sxm"}, {"engine", "vllm-v1"}, {"calibration", "none"}},
                        nlohmann::json{{"model", "llama-3-8b"}, {"gpu", "h100-sxm"}, {"engine", "trtllm"}}}) {
    auto n = Parse(r);
    ASSERT_TRUE(n.ok()) << n.status().message();
    EXPECT_EQ(n->replica()->hardware.calibration, nullptr) << r.dump();
  }
  auto wrong = Parse({{"model", "llama-3-8b"}, {"gpu", "l4"}, {"calibration", s->replica()->hardware.calibration->id}});
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.status().message().find("replica.calibration: "), std::string::npos) << wrong.status().message();
  // The shipped H100 profile's ceiling was measured on a V0-era engine and
  // holds for the engines it names only (docs/calibration.md).
  const CalibrationProfile& shipped = *s->replica()->hardware.calibration;
  EXPECT_FALSE(shipped.matmul_ceiling.has_value());
  auto v0 = Parse({{"model", "llama-3-8b"}, {"gpu", "h100-sxm"}, {"engine", "vllm-v0-6"}});
  ASSERT_TRUE(v0.ok()) << v0.status().message();
  ASSERT_NE(v0->replica()->hardware.calibration, nullptr);
  EXPECT_EQ(v0->replica()->hardware.calibration->id, shipped.id);
  EXPECT_TRUE(v0->replica()->hardware.calibration->matmul_ceiling.has_value());
  auto unknown = Parse({{"model", "llama-3-8b"}, {"gpu", "h100-sxm"}, {"calibration", "nope"}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("replica.calibration"), std::string::npos);
}

}  // namespace
}  // namespace fleetlab
