// MLA, sliding windows and expert parallelism against hand-derived numbers:
// the per-layer attention work (attention_cost.h), the memory plan and the
// roofline's all-to-all.
#include <cmath>

#include <gtest/gtest.h>

#include "fleetlab/analytic/parallelism.h"
#include "fleetlab/llm/memory_plan.h"
#include "llm/catalog/test_catalog.h"
#include "llm/perf/attention_cost.h"
#include "llm/perf/moe_cost.h"

namespace fleetlab {
namespace {

using test::Hardware;
using test::Shipped;

attention_cost::Share Decode(double sequences, double context) {
  IterationShape s;
  s.decode_sequences = s.decode_tokens = static_cast<std::int64_t>(sequences);
  s.decode_context_tokens = static_cast<std::int64_t>(sequences * context);
  return attention_cost::ShareOf(s, 1);
}

// MLA's latent is shared by every head, so every TP rank holds all of it:
// (512 + 64) x 2 B = 1,152 B a token a layer, against Llama-3-70B's 2 x 1 KV
// head x 128 x 2 = 512 B at TP8.
TEST(AttentionVariantsTest, KvBytesPerTokenPerLayerPerGpu) {
  const ModelSpec& ds = *Shipped().FindModel("deepseek-v3");
  EXPECT_DOUBLE_EQ(attention_cost::KvBytesPerTokenPerLayerPerGpu(ds, 1, DType::kBf16), 1152);
  EXPECT_DOUBLE_EQ(attention_cost::KvBytesPerTokenPerLayerPerGpu(ds, 8, DType::kBf16), 1152);
  EXPECT_DOUBLE_EQ(attention_cost::KvBytesPerTokenPerLayerPerGpu(*Shipped().FindModel("llama-3-70b"), 8, DType::kBf16),
                   512);
}

// 32 sequences decoding one token each at 4,096 tokens of context on TP8
// (16 heads a GPU): 131,072 query-key pairs. Absorbed: 2 (512 + 64) + 2 x
// 512 = 2,176 FLOPs a pair a head, 4.5634e9 a layer. Naive: 2 (128 + 64) +
// 2 x 128 = 640 a pair a head, plus projecting the 131,072 cached latents
// up, 2 x 16,777,216 / 8 FLOPs each: 1.3422e9 + 5.4976e11. Both read the
// same latents: 131,104 tokens (the new 32 written) x 1,152 B.
TEST(AttentionVariantsTest, MlaAbsorbedAndNaiveDecodeByHand) {
  const ModelSpec& ds = *Shipped().FindModel("deepseek-v3");
  const auto share = Decode(32, 4096);
  const auto absorbed = attention_cost::Layer(ds, 8, DType::kBf16, MlaDecode::kAbsorbed, share);
  const auto naive = attention_cost::Layer(ds, 8, DType::kBf16, MlaDecode::kNaive, share);
  EXPECT_DOUBLE_EQ(absorbed.flops, 16.0 * 2176 * 131072);
  EXPECT_DOUBLE_EQ(naive.flops, 16.0 * 640 * 131072 + 2.0 * 16777216 / 8 * 131072);
  EXPECT_DOUBLE_EQ(absorbed.bytes, (131072.0 + 32) * 1152);
  EXPECT_DOUBLE_EQ(naive.bytes, absorbed.bytes);
  EXPECT_GT(naive.flops / absorbed.flops, 100);  // why engines decode absorbed
}

// A prefill chunk runs MHA-style (naive) whatever the decode mode; cached
// prefix tokens it reads are projected up first.
TEST(AttentionVariantsTest, MlaPrefillIsNaive) {
  const ModelSpec& ds = *Shipped().FindModel("deepseek-v3");
  IterationShape s;
  s.prefill_tokens = 1024;
  s.prefill_attention_pairs = 1024.0 * 1025 / 2;
  s.prefill_context_tokens = 512;
  const auto w = attention_cost::Layer(ds, 1, DType::kBf16, MlaDecode::kAbsorbed, attention_cost::ShareOf(s, 1));
  EXPECT_DOUBLE_EQ(w.flops, 128.0 * 640 * (1024.0 * 1025 / 2) + 2.0 * 16777216 * 512);
}

// GQA keeps the 4 d FLOPs a pair a head: Llama-3-70B TP8, 8 heads a GPU.
TEST(AttentionVariantsTest, GqaUnchanged) {
  const ModelSpec& m = *Shipped().FindModel("llama-3-70b");
  const auto w = attention_cost::Layer(m, 8, DType::kBf16, MlaDecode::kAbsorbed, Decode(4, 1000));
  EXPECT_DOUBLE_EQ(w.flops, 4.0 * 8 * 128 * 4000);
  EXPECT_DOUBLE_EQ(w.bytes, (4000.0 + 4) * 512);
}

// A 128-token window: 32 sequences at 4,096 read 32 x 128 = 4,096 tokens,
// not 131,072; a sequence shorter than the window reads all of it.
TEST(AttentionVariantsTest, WindowBoundsWhatALocalLayerReads) {
  const auto w = attention_cost::Windowed(Decode(32, 4096), 128);
  EXPECT_DOUBLE_EQ(w.decode_context, 4096);
  EXPECT_DOUBLE_EQ(attention_cost::Windowed(Decode(32, 100), 128).decode_context, 3200);
  IterationShape p;
  p.prefill_tokens = 2048;
  p.prefill_attention_pairs = 2048.0 * 2049 / 2;
  EXPECT_DOUBLE_EQ(attention_cost::Windowed(attention_cost::ShareOf(p, 1), 128).prefill_pairs, 2048.0 * 128);
}

// DeepSeek-V3 on 8 H200s, fp8 weights, TP8: the cache is 61 x 1,152 =
// 70,272 B a token on every GPU. Ordinary attention with its 128 KV heads
// of 192 would cost 61 x 2 x 16 x 192 x 2 = 749,568 B a token per GPU at
// TP8: 10.7x fewer tokens (85x the whole model's bytes, split 8 ways).
TEST(AttentionVariantsTest, DeepSeekMemoryPlanOnEightH200) {
  ReplicaHardware hw = Hardware("deepseek-v3", "h200", 8, 1);
  hw.weight_dtype = DType::kFp8;
  const MemoryPlan p = PlanMemory(hw, MemoryOptions{});
  ASSERT_TRUE(p.fits) << p.reason;
  EXPECT_DOUBLE_EQ(p.kv_bytes_per_token_per_gpu, 70272);
  // Weights: 671.0 B parameters in fp8 over 8 GPUs, about 83.9 GB each.
  EXPECT_NEAR(p.weights_bytes_per_gpu / 1e9, 671.03 / 8, 0.05);
  ReplicaHardware gqa = hw;
  gqa.model.kv_lora_rank = 0;
  const MemoryPlan q = PlanMemory(gqa, MemoryOptions{});
  EXPECT_DOUBLE_EQ(q.kv_bytes_per_token_per_gpu, 749568);
}

// Expert parallelism, EP8 = TP1 x attention DP8: each GPU holds 256 / 8 = 32
// experts whole, the shared one, and all of the attention; every group
// holds its own sequences, so the capacity is 8 GPUs' KV.
TEST(AttentionVariantsTest, ExpertParallelMemoryPlan) {
  ReplicaHardware hw = Hardware("deepseek-v3", "h200", 1, 1);
  hw.weight_dtype = DType::kFp8;
  hw.ep = 8;
  hw.attention_dp = 8;
  const ModelSpec& m = hw.model;
  const MemoryPlan p = PlanMemory(hw, MemoryOptions{});
  const double expert = 44040192, attention = static_cast<double>(m.AttentionParamsPerLayer());
  const double moe_layer = attention + 33 * expert + 7168.0 * 256;
  const double dense_layer = attention + 396361728.0;
  const double ends = 2.0 * 129280 * 7168;
  EXPECT_DOUBLE_EQ(p.weights_bytes_per_gpu, 58 * moe_layer + 3 * dense_layer + ends);
  // 85 GB of weights leave 1 GPU's worth of KV; 8 groups hold 8 times it.
  const double per_gpu_tokens = std::floor(p.kv_bytes_per_gpu / 70272);
  EXPECT_EQ(p.kv_capacity.value(), static_cast<std::int64_t>(per_gpu_tokens) * 8);
}

// The dispatch and the combine of one MoE layer are each an all-to-all of
// T / ep x k x hidden x 2 B per GPU: 256 tokens on EP8 send 32 x 8 x 7168 x
// 2 = 3,670,016 B, 7/8 of it to the other 7 GPUs over NVLink 4 (450 GB/s x
// 0.8) with 7 start-ups of 1.5 us: 8.921 + 10.5 = 19.421 us, twice a layer,
// 58 MoE layers: 2.253 ms.
TEST(AttentionVariantsTest, ExpertParallelAllToAllByHand) {
  ReplicaHardware hw = Hardware("deepseek-v3", "h200", 1, 1);
  hw.weight_dtype = DType::kFp8;
  hw.ep = hw.attention_dp = 8;
  hw.ep_link = *Shipped().FindLink("nvlink4");
  auto model = MakeRooflineModel(hw);
  ASSERT_TRUE(model.ok()) << model.status().message();
  IterationShape s;
  s.decode_sequences = s.decode_tokens = 256;
  s.decode_context_tokens = 256 * 1024;
  const StepBreakdown b = (*model)->Iteration(s);
  EXPECT_DOUBLE_EQ(moe_cost::DispatchBytesPerGpu(hw.model, 8, 1.0, 256, DType::kBf16), 3670016);
  const double a2a = 7.0 / 8 * 3670016 / 360e9 + 7 * 1.5e-6;
  EXPECT_NEAR(analytic::AllToAllTime(3670016, 8, 360e9, 1.5e-6), a2a, 1e-18);
  EXPECT_NEAR(b.ep_comm_s, 58 * 2 * a2a, 1e-15);
  EXPECT_NEAR(b.ep_comm_s, 2.2529e-3, 1e-6);
  EXPECT_DOUBLE_EQ(b.tp_comm_s, 0);  // TP1: no all-reduce
  // Skewed routing: the most loaded GPU gets 1.5x the tokens, so 1.5x the bytes.
  hw.moe_imbalance = 1.5;
  auto skewed = MakeRooflineModel(hw);
  ASSERT_TRUE(skewed.ok());
  const double a2a_skewed = analytic::AllToAllTime(3670016 * 1.5, 8, 360e9, 1.5e-6);
  EXPECT_NEAR((*skewed)->Iteration(s).ep_comm_s, 58 * 2 * a2a_skewed, 1e-15);
}

// The most loaded GPU's expert work: 256 tokens x top-8 / 8 GPUs = 256
// routed tokens plus its own 32 on the shared expert, 2 x 44,040,192 FLOPs
// each; with imbalance 1.5, 384 routed.
TEST(AttentionVariantsTest, ExpertsOnOneGpuByHand) {
  const ModelSpec& ds = *Shipped().FindModel("deepseek-v3");
  const auto e = moe_cost::ExpertsOnOneGpu(ds, 8, 1.0, 256, DType::kFp8);
  EXPECT_DOUBLE_EQ(e.flops, 2.0 * (256 + 32) * 44040192);
  EXPECT_DOUBLE_EQ(moe_cost::ExpertsOnOneGpu(ds, 8, 1.5, 256, DType::kFp8).flops, 2.0 * (384 + 32) * 44040192);
  // 256 tokens touch 256 (1 - (1 - 8/256)^256) = 255.99 of the experts; a GPU streams its 32 and the shared one.
  EXPECT_NEAR(e.bytes, 33 * 44040192.0, 44040192.0 * 0.01);
}

TEST(AttentionVariantsTest, ExpertParallelismIsChecked) {
  ReplicaHardware hw = Hardware("deepseek-v3", "h200", 8, 1);
  hw.ep_link = hw.tp_link;
  hw.ep = 4;
  EXPECT_EQ(MakeRooflineModel(hw).status().message(),
            "replica.ep: must equal tp x attention_dp = 8 x 1 = 8: the experts are spread over every GPU of a "
            "stage (got 4)");
  hw.ep = 8;
  EXPECT_TRUE(MakeRooflineModel(hw).ok());
  ReplicaHardware dense = Hardware("llama-3-70b", "h200", 8, 1);
  dense.ep = 8;
  EXPECT_EQ(MakeRooflineModel(dense).status().message(),
            "replica.ep: llama-3-70b has no experts; expert and attention data parallelism apply to MoE models (for "
            "copies of a dense model use fleet.replicas)");
  ReplicaHardware mixtral = Hardware("mixtral-8x7b", "h100-sxm", 4, 1);
  mixtral.ep_link = mixtral.tp_link;
  mixtral.ep = 16;
  mixtral.attention_dp = 4;
  EXPECT_NE(MakeRooflineModel(mixtral).status().message().find("must divide mixtral-8x7b's 8 experts"),
            std::string::npos);
}

// Sliding-window layers reserve a window for every sequence that may run:
// gpt-oss-120b on one H200, 256 sequences x 18 layers x 128 tokens x 2 x 8 x
// 64 x 2 B = 1.208 GB before the growing layers' token slots.
TEST(AttentionVariantsTest, WindowReservedPerSequence) {
  ReplicaHardware hw = Hardware("gpt-oss-120b", "h200", 1, 1);
  hw.weight_dtype = DType::kMxFp4;
  const MemoryPlan p = PlanMemory(hw, MemoryOptions{});
  ASSERT_TRUE(p.fits) << p.reason;
  EXPECT_DOUBLE_EQ(p.window_kv_bytes_per_gpu, 256.0 * 18 * 128 * 2048);
  EXPECT_DOUBLE_EQ(p.kv_bytes_per_token_per_gpu, 36864);
}

}  // namespace
}  // namespace fleetlab
