// The roofline model against hand-computed numbers. Shared figures:
//   Llama-3-70B layer: attention 150,994,944 + MLP 704,643,072
//                      = 855,638,016 params = 1,711,276,032 bytes in bf16;
//   LM head 128,256 x 8,192 = 1,050,673,152 params = 2,101,346,304 bytes.
//   H100: 989e12 x 0.70 = 692.3e12 FLOP/s for matmuls, x 0.50 = 494.5e12
//   for attention; 3.35e12 x 0.80 = 2.68e12 B/s. H200: 4.8e12 x 0.8 =
//   3.84e12 B/s. NVLink 4: 450e9 x 0.8 = 360e9 B/s, alpha 1.5 us.
// Default overhead 0.5 ms per stage. Tolerances: 1e-9 relative where the
// expectation is the model's own formula evaluated by hand.
#include <cmath>

#include <gtest/gtest.h>

#include "llm/catalog/test_catalog.h"

#include "fleetlab/llm/perf_model.h"

namespace fleetlab {
namespace {

constexpr double kLayerParams = 855638016, kHeadParams = 1050673152;
constexpr double kH100Matmul = 989e12 * 0.7, kH100Attention = 989e12 * 0.5, kH100Hbm = 3.35e12 * 0.8;
constexpr double kNvlink = 450e9 * 0.8, kAlpha = 1.5e-6;

using test::Shipped;

using test::Hardware;

std::unique_ptr<PerfModel> Make(const ReplicaHardware& hw) {
  auto m = MakeRooflineModel(hw);
  EXPECT_TRUE(m.ok()) << m.status().message();
  return m.ok() ? std::move(m).value() : nullptr;
}

std::string ErrorOf(const ReplicaHardware& hw) {
  auto m = MakeRooflineModel(hw);
  return m.ok() ? "" : m.status().message();
}

IterationShape Decode(std::int64_t sequences, std::int64_t context_each) {
  IterationShape s;
  s.decode_sequences = sequences;
  s.decode_tokens = sequences;
  s.decode_context_tokens = sequences * context_each;
  return s;
}

IterationShape Prefill(std::int64_t tokens) {
  IterationShape s;
  s.prefill_tokens = tokens;
  s.prefill_attention_pairs = tokens * (tokens + 1) / 2.0;  // one chunk from position 0
  return s;
}

double Sum(const StepBreakdown& b) {
  return b.matmul_s + b.weight_memory_s + b.attention_s + b.kv_memory_s + b.tp_comm_s + b.pp_comm_s + b.bubble_s +
         b.overhead_s;
}

void ExpectRel(double actual, double expected, double rel = 1e-9) {
  EXPECT_NEAR(actual, expected, rel * std::abs(expected)) << "expected " << expected;
}

// Batch-1 decode at 1,000 tokens of context, one H200 (roofline only: the
// bf16 weights do not fit in 141 GB x 0.9, see MemoryPlanTest).
//   weights streamed: 80 x 1,711,276,032 + 2,101,346,304 (head; the input
//   embedding is a row lookup) = 139,003,428,864 B / 3.84e12 = 36.1988 ms;
//   KV: (1,000 read + 1 written) x 2*8*128*2 B x 80 layers = 328,007,680 B
//   / 3.84e12 = 85.42 us; overhead 0.5 ms; total 36.784 ms.
// The rule of thumb (all 141e9 weight bytes / 3.84e12 + overhead = 37.2 ms) is within 2%.
TEST(RooflineTest, Decode70BBatch1OnOneH200IsMemoryBound) {
  auto model = Make(Hardware("llama-3-70b", "h200", 1, 1));
  const StepBreakdown b = model->Iteration(Decode(1, 1000));
  EXPECT_EQ(b.matmul_s, 0);
  EXPECT_EQ(b.attention_s, 0);
  EXPECT_EQ(b.tp_comm_s, 0);
  ExpectRel(b.weight_memory_s, 139003428864.0 / 3.84e12);
  ExpectRel(b.kv_memory_s, 328007680.0 / 3.84e12);
  ExpectRel(b.total_s, 139003428864.0 / 3.84e12 + 328007680.0 / 3.84e12 + 0.5e-3);
  EXPECT_NEAR(b.total_s, 141e9 / 3.84e12 + 0.5e-3, 0.02 * b.total_s);
  ExpectRel(b.hbm_bytes, 139003428864.0 + 328007680.0);
  // FLOPs: 2 x 855,638,016 x 80 + 4 x 64 x 128 x 1,000 x 80 + 2 x head.
  ExpectRel(b.flops, 2 * kLayerParams * 80 + 4.0 * 64 * 128 * 1000 * 80 + 2 * kHeadParams);
  EXPECT_EQ(model->name(), "roofline");
}

// TP8 on H100: 1/8 of the weights per GPU, plus 160 all-reduces of one
// token's activations (8,192 x 2 B): each 2*7/8*16,384/360e9 + 14*1.5 us
// = 21.08 us, 3.373 ms in all. Weights 139,003,428,864/8/2.68e12 = 6.483 ms.
// Step ~10.37 ms.
TEST(RooflineTest, Decode70BBatch1OnEightH100s) {
  const StepBreakdown tp1 = Make(Hardware("llama-3-70b", "h100-sxm", 1, 1))->Iteration(Decode(1, 1000));
  const StepBreakdown b = Make(Hardware("llama-3-70b", "h100-sxm", 8, 1))->Iteration(Decode(1, 1000));
  ExpectRel(b.weight_memory_s, 139003428864.0 / 8 / kH100Hbm);
  ExpectRel(b.weight_memory_s, tp1.weight_memory_s / 8);
  const double all_reduce = 2.0 * 7 / 8 * 16384 / kNvlink + 2.0 * 7 * kAlpha;
  ExpectRel(b.tp_comm_s, 160 * all_reduce);
  ExpectRel(b.kv_memory_s, 1001.0 * 2 * 1 * 128 * 2 * 80 / kH100Hbm);  // one KV head per GPU
  ExpectRel(b.total_s, 139003428864.0 / 8 / kH100Hbm + 160 * all_reduce + 1001.0 * 40960 / kH100Hbm + 0.5e-3);
  EXPECT_NEAR(b.total_s, 10.37e-3, 0.01e-3);
}

// 2,048 prompt tokens, TP1 H100: per layer 2 x 2,048 x 855,638,016 = 3.505e12
// FLOPs / 692.3e12 = 5.06 ms against 1,711,276,032 B / 2.68e12 = 0.64 ms:
// compute bound. Attention: 2,048*2,049/2 pairs x 4*64*128 FLOPs / 494.5e12
// = 0.139 ms per layer, compute bound. The LM head (one row: the last
// prompt token) is bound by its 2.1 GB of weights.
TEST(RooflineTest, Prefill2048IsComputeBound) {
  const StepBreakdown b = Make(Hardware("llama-3-70b", "h100-sxm", 1, 1))->Iteration(Prefill(2048));
  ExpectRel(b.matmul_s, 80 * 2 * 2048 * kLayerParams / kH100Matmul);
  ExpectRel(b.weight_memory_s, 2 * kHeadParams / kH100Hbm);
  ExpectRel(b.attention_s, 80 * 4.0 * 64 * 128 * (2048.0 * 2049 / 2) / kH100Attention);
  EXPECT_EQ(b.kv_memory_s, 0);
  EXPECT_GT(b.matmul_s, 0.9 * b.total_s);
}

TEST(RooflineTest, BreakdownSumsToTotal) {
  IterationShape mixed = Decode(37, 1500);
  mixed.prefill_tokens = 512;
  mixed.prefill_attention_pairs = 512.0 * 1024 + 512.0 * 513 / 2;  // chunk at position 1,024
  mixed.prefill_context_tokens = 1024;
  for (int tp : {1, 2, 8}) {
    for (int pp : {1, 2, 4}) {
      for (bool gathered : {false, true}) {
        ReplicaHardware hw = Hardware("llama-3-70b", "h100-sxm", tp, pp);
        hw.weight_gathered = gathered;
        hw.pp_link = *Shipped().FindLink("infiniband-ndr");
        for (const IterationShape& s : {Decode(1, 100), Decode(256, 3000), Prefill(8192), mixed}) {
          const StepBreakdown b = Make(hw)->Iteration(s);
          EXPECT_NEAR(Sum(b), b.total_s, 1e-12 * b.total_s);
          EXPECT_NEAR(b.stage_s, (b.total_s - b.pp_comm_s) / pp, 1e-12 * b.total_s);
          EXPECT_EQ(b.bubble_s, 0);
          EXPECT_DOUBLE_EQ(b.overhead_s, 0.5e-3 * pp);
        }
      }
    }
  }
}

// One 512-token prompt on 8 H100s. TP8: per layer 2 x 512 x 855,638,016 / 8
// FLOPs / 692.3e12 = 0.158 ms (compute bound), 80 layers = 12.66 ms, plus 160
// all-reduces of 512 x 8,192 x 2 B = 8.39 MB: 2*7/8*8.39e6/360e9 + 21 us =
// 61.8 us each, 9.88 ms; total ~23.2 ms. PP8: the request passes the 8
// stages in turn, so compute = TP1's (101.2 ms) + 7 transfers of 8.39 MB
// (23.3 us + 1.5 us each) + 8 overheads: ~106.9 ms.
TEST(RooflineTest, TensorParallelCutsOneRequestsLatencyPipelineDoesNot) {
  const StepBreakdown tp1 = Make(Hardware("llama-3-70b", "h100-sxm", 1, 1))->Iteration(Prefill(512));
  const StepBreakdown tp8 = Make(Hardware("llama-3-70b", "h100-sxm", 8, 1))->Iteration(Prefill(512));
  const StepBreakdown pp8 = Make(Hardware("llama-3-70b", "h100-sxm", 1, 8))->Iteration(Prefill(512));
  ExpectRel(tp8.matmul_s, 80 * 2 * 512 * kLayerParams / 8 / kH100Matmul + 0);
  ExpectRel(tp8.tp_comm_s, 160 * (2.0 * 7 / 8 * (512 * 8192 * 2) / kNvlink + 14 * kAlpha));
  const auto compute = [](const StepBreakdown& b) { return b.matmul_s + b.weight_memory_s + b.attention_s + b.kv_memory_s; };
  ExpectRel(compute(pp8), compute(tp1), 1e-12);
  ExpectRel(pp8.pp_comm_s, 7 * ((512 * 8192 * 2) / kNvlink + kAlpha));
  ExpectRel(pp8.total_s, tp1.total_s + pp8.pp_comm_s + 7 * 0.5e-3);
  EXPECT_NEAR(tp8.total_s, 23.2e-3, 0.1e-3);
  EXPECT_NEAR(pp8.total_s, 106.9e-3, 0.1e-3);
  EXPECT_LT(tp8.total_s, pp8.total_s / 4);
}

// Llama-3-70B has 8 KV heads: at TP16 each GPU still holds one (replicated),
// so the KV read per GPU stays at TP8's while the weights halve again.
TEST(RooflineTest, KvHeadsReplicateBeyondTheirCount) {
  const StepBreakdown tp8 = Make(Hardware("llama-3-70b", "h100-sxm", 8, 1))->Iteration(Decode(32, 4000));
  const StepBreakdown tp16 = Make(Hardware("llama-3-70b", "h100-sxm", 16, 1))->Iteration(Decode(32, 4000));
  // (32 x 4,000 read + 32 written) x 2 x 1 x 128 x 2 B x 80 layers / 2.68e12.
  ExpectRel(tp8.kv_memory_s, (32.0 * 4000 + 32) * 40960 / kH100Hbm);
  ExpectRel(tp16.kv_memory_s, tp8.kv_memory_s);
  ExpectRel(tp16.weight_memory_s, tp8.weight_memory_s / 2);
  ExpectRel(tp16.hbm_bytes - tp16.weight_memory_s * kH100Hbm * 16, 2 * (tp8.hbm_bytes - tp8.weight_memory_s * kH100Hbm * 8));
}

// Weight-gathered (Pope et al. 2022) against weight-stationary, TP8 H100.
// 32,768 prompt tokens: weight-stationary moves 2 x 80 all-reduces of
// 32,768 x 8,192 x 2 B = 537 MB: 80 x 2 x (2*7/8*537e6/360e9 + 21 us) =
// 0.4209 s; weight-gathered moves 80 all-gathers of 1.711 GB:
// 80 x (7/8 x 1.711e9/360e9 + 7 x 1.5 us) = 0.3336 s, and the same FLOPs.
// Decode of 64 tokens: the activations are 1 MB, the weights still 1.7 GB.
TEST(RooflineTest, WeightGatheredWinsForLargePrefillLosesForDecode) {
  ReplicaHardware hw = Hardware("llama-3-70b", "h100-sxm", 8, 1);
  auto stationary = Make(hw);
  hw.weight_gathered = true;
  auto gathered = Make(hw);

  const IterationShape big = Prefill(32768);
  const StepBreakdown ws = stationary->Iteration(big), wg = gathered->Iteration(big);
  ExpectRel(ws.tp_comm_s, 80 * 2 * (2.0 * 7 / 8 * (32768.0 * 8192 * 2) / kNvlink + 14 * kAlpha));
  ExpectRel(wg.tp_comm_s, 80 * (7.0 / 8 * (2 * kLayerParams) / kNvlink + 7 * kAlpha));
  ExpectRel(wg.matmul_s, ws.matmul_s, 1e-12);
  ExpectRel(wg.flops, ws.flops, 1e-12);
  EXPECT_LT(wg.total_s, ws.total_s);
  EXPECT_NEAR(ws.total_s - wg.total_s, 0.4209 - 0.3336, 0.001);

  const IterationShape small = Decode(64, 1000);
  const StepBreakdown ws_d = stationary->Iteration(small), wg_d = gathered->Iteration(small);
  EXPECT_LT(ws_d.total_s, wg_d.total_s / 10);
  // Each GPU streams the full layer: 8x the weight bytes.
  ExpectRel(wg_d.weight_memory_s, 80 * 2 * kLayerParams / kH100Hbm + 2 * kHeadParams / 8 / kH100Hbm);
}

// Mixtral (8 experts, top 2): T tokens touch 8 (1 - (6/8)^T) experts on
// average. Per layer: attention 41,943,040 + router 32,768 + touched x
// 176,160,768 params. T = 1: 2 experts, 394,297,344 params; T = 2: 3.5
// experts, 658,538,496; T = 4,096: all 8, 1,451,261,952.
TEST(RooflineTest, MoeTouchesFewerExpertsAtSmallBatches) {
  auto model = Make(Hardware("mixtral-8x7b", "h100-sxm", 1, 1));
  const double head = 32000.0 * 4096 * 2, kv_token = 2.0 * 8 * 128 * 2 * 32;
  const auto weight_bytes = [&](const IterationShape& s) {
    return model->Iteration(s).hbm_bytes -
           (s.decode_context_tokens + s.prefill_context_tokens + s.tokens()) * kv_token - head;
  };
  ExpectRel(weight_bytes(Decode(1, 100)), 32 * 394297344.0 * 2);
  ExpectRel(weight_bytes(Decode(2, 100)), 32 * 658538496.0 * 2);
  ExpectRel(weight_bytes(Prefill(4096)), 32 * 1451261952.0 * 2);
  // Decode FLOPs use the two active experts whatever the batch.
  const StepBreakdown one = model->Iteration(Decode(1, 100));
  ExpectRel(one.flops, 2 * 32 * 394297344.0 + 4.0 * 32 * 128 * 100 * 32 + 2 * 32000.0 * 4096);
}

TEST(RooflineTest, SpeculativeVerificationReadsKvOncePerSequence) {
  auto model = Make(Hardware("llama-3-8b", "h100-sxm", 1, 1));
  IterationShape verify = Decode(4, 2000);
  verify.decode_tokens = 4 * 5;  // gamma = 4 drafts + 1
  const StepBreakdown b = model->Iteration(verify);
  // KV bytes: (8,000 read + 20 written) x 2*8*128*2 B x 32 layers.
  const double weights = (32 * 218103808.0 + 525336576.0) * 2;  // 8B layers + head
  ExpectRel(b.hbm_bytes, weights + (8000.0 + 20) * 131072);
  // Attention FLOPs: each of the 5 tokens of a sequence attends its context.
  const double linear = 2 * 20 * (32 * 218103808.0 + 525336576.0);
  ExpectRel(b.flops, linear + 4.0 * 32 * 128 * (8000.0 * 5) * 32);
}

TEST(RooflineTest, EmptyIterationCostsNothing) {
  const StepBreakdown b = Make(Hardware("llama-3-8b", "h100-sxm", 1, 1))->Iteration(IterationShape{});
  EXPECT_EQ(b.total_s, 0);
  EXPECT_EQ(b.flops, 0);
}

TEST(RooflineTest, RefusesLayoutsThatDoNotDivideTheModel) {
  EXPECT_EQ(ErrorOf(Hardware("llama-3-70b", "h100-sxm", 3, 1)),
            "replica.tp: must divide llama-3-70b's 64 attention heads; allowed: 1, 2, 4, 8, 16, 32, 64 (got 3)");
  EXPECT_EQ(ErrorOf(Hardware("llama-3-70b", "h100-sxm", 1, 3)),
            "replica.pp: must divide llama-3-70b's 80 layers; allowed: 1, 2, 4, 5, 8, 10, 16, 20, 40, 80 (got 3)");
  EXPECT_EQ(ErrorOf(Hardware("llama-3-70b", "h100-sxm", 0, 1)), "replica.tp: must be >= 1 (got 0)");
  EXPECT_EQ(ErrorOf(Hardware("llama-3-70b", "h100-sxm", 16, 1)), "");  // KV heads replicate
  ReplicaHardware a100 = Hardware("llama-3-8b", "a100-80gb", 1, 1);
  a100.activation_dtype = DType::kFp8;
  EXPECT_EQ(ErrorOf(a100), "replica.activation_dtype: a100-80gb has no fp8 math (it has: fp32, bf16, fp16, int8); "
                           "the matrix products run in the activation dtype");
  a100.activation_dtype = DType::kBf16;
  a100.weight_dtype = DType::kFp8;  // weight-only fp8, upcast to bf16: allowed
  EXPECT_EQ(ErrorOf(a100), "");
  a100.efficiency.memory = 0;
  EXPECT_EQ(ErrorOf(a100), "replica.efficiency.memory: must be a fraction in (0, 1] (got 0)");
}

TEST(RooflineTest, Fp8WeightsHalveTheStreamedBytes) {
  ReplicaHardware hw = Hardware("llama-3-70b", "h100-sxm", 8, 1);
  const StepBreakdown bf16 = Make(hw)->Iteration(Decode(1, 1000));
  hw.weight_dtype = DType::kFp8;
  const StepBreakdown fp8 = Make(hw)->Iteration(Decode(1, 1000));
  ExpectRel(fp8.weight_memory_s, bf16.weight_memory_s / 2);
}

TEST(StepBreakdownTest, AddIsComponentWise) {
  // matmul, weights, attention, KV, TP comm, EP comm, PP comm, bubble, overhead, total, stage, FLOPs, bytes
  StepBreakdown a{1, 2, 3, 4, 5, 0.5, 6, 7, 8, 36.5, 9, 10, 11};
  const StepBreakdown b{10, 20, 30, 40, 50, 5, 60, 70, 80, 365, 90, 100, 110};
  a.Add(b);
  EXPECT_EQ(a.matmul_s, 11);
  EXPECT_EQ(a.weight_memory_s, 22);
  EXPECT_EQ(a.attention_s, 33);
  EXPECT_EQ(a.kv_memory_s, 44);
  EXPECT_EQ(a.tp_comm_s, 55);
  EXPECT_EQ(a.ep_comm_s, 5.5);
  EXPECT_EQ(a.pp_comm_s, 66);
  EXPECT_EQ(a.bubble_s, 77);
  EXPECT_EQ(a.overhead_s, 88);
  EXPECT_EQ(a.total_s, 401.5);
  EXPECT_EQ(a.stage_s, 99);
  EXPECT_EQ(a.flops, 110);
  EXPECT_EQ(a.hbm_bytes, 121);
  a.AddScaled(b, 2);
  EXPECT_EQ(a.ep_comm_s, 15.5);
}

}  // namespace
}  // namespace fleetlab
