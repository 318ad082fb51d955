// The memory plan against hand-computed numbers (GB = 1e9 bytes).
//   Llama-3-70B: 70,552,387,584 params = 141,104,775,168 B in bf16;
//   one layer 855,638,016 params; embedding = head = 1,050,673,152 params.
//   H100: 80e9 B x 0.90 = 72e9 B usable.
// Byte counts are exact in double (integers < 2^53); tolerance 1 byte.
#include "fleetlab/llm/memory_plan.h"

#include <gtest/gtest.h>

#include "llm/catalog/test_catalog.h"

namespace fleetlab {
namespace {

using test::Shipped;

using test::Hardware;

TEST(MemoryPlanTest, Llama70BDoesNotFitOneH100) {
  const MemoryPlan p = PlanMemory(Hardware("llama-3-70b", "h100-sxm", 1, 1), MemoryOptions{});
  EXPECT_FALSE(p.fits);
  EXPECT_DOUBLE_EQ(p.weights_bytes_per_gpu, 141104775168.0);
  EXPECT_DOUBLE_EQ(p.usable_bytes, 72e9);
  EXPECT_EQ(p.kv_capacity.value(), 0);
  EXPECT_EQ(p.reason,
            "weights need 141.1 GB per GPU (llama-3-70b bf16, TP1 PP1) but one h100-sxm offers 72.0 GB "
            "(80.0 GB x 0.90)");
}

// Nor one H200 in bf16 (141.1 GB > 141 GB x 0.9 = 126.9 GB), but it does in
// fp8: weights 70,552,387,584 B; activations (bf16) 8,192 x (8,192 + 28,672)
// x 2 B x 2 = 1,207,959,552 B; KV left 126.9e9 - both = 55,139,652,864 B;
// / 327,680 B per token = 168,272.9 -> 168,272 tokens.
TEST(MemoryPlanTest, Llama70BOnOneH200NeedsFp8Weights) {
  ReplicaHardware hw = Hardware("llama-3-70b", "h200", 1, 1);
  EXPECT_FALSE(PlanMemory(hw, MemoryOptions{}).fits);
  hw.weight_dtype = DType::kFp8;
  const MemoryPlan p = PlanMemory(hw, MemoryOptions{});
  EXPECT_TRUE(p.fits) << p.reason;
  EXPECT_DOUBLE_EQ(p.weights_bytes_per_gpu, 70552387584.0);
  EXPECT_DOUBLE_EQ(p.activation_bytes_per_gpu, 1207959552.0);
  EXPECT_NEAR(p.kv_bytes_per_gpu, 55139652864.0, 1);
  EXPECT_EQ(p.kv_capacity.value(), 168272);
}

// TP2: weights 141,104,775,168 / 2 = 70,552,387,584 B (70.6 GB);
// activations 8,192 x (8,192 + 28,672/2) x 2 B x 2 = 738,197,504 B;
// KV left 72e9 - 70,552,387,584 - 738,197,504 = 709,414,912 B; per token per
// GPU 2 x 80 layers x 4 KV heads x 128 x 2 B = 163,840 B; 4,329.9 -> 4,329
// tokens: it fits, barely (about 4 requests of 1k tokens).
TEST(MemoryPlanTest, Llama70BOnTwoH100sFitsBarely) {
  const MemoryPlan p = PlanMemory(Hardware("llama-3-70b", "h100-sxm", 2, 1), MemoryOptions{});
  EXPECT_TRUE(p.fits) << p.reason;
  EXPECT_TRUE(p.reason.empty());
  EXPECT_DOUBLE_EQ(p.weights_bytes_per_gpu, 70552387584.0);
  EXPECT_DOUBLE_EQ(p.weights_bytes_total, 141104775168.0);
  EXPECT_DOUBLE_EQ(p.activation_bytes_per_gpu, 738197504.0);
  EXPECT_NEAR(p.kv_bytes_per_gpu, 709414912.0, 1);
  EXPECT_DOUBLE_EQ(p.kv_bytes_per_token_per_gpu, 163840.0);
  EXPECT_EQ(p.kv_capacity.value(), 4329);
}

// TP8: weights 141,104,775,168 / 8 = 17,638,096,896 B; activations 8,192 x
// (8,192 + 3,584) x 4 = 385,875,968 B; KV 72e9 - both = 53,976,027,136 B;
// one KV head per GPU: 2 x 80 x 1 x 128 x 2 = 40,960 B per token;
// 1,317,774.1 -> 1,317,774 tokens (~1,287 requests of 1,024 tokens).
TEST(MemoryPlanTest, Llama70BOnEightH100s) {
  const MemoryPlan p = PlanMemory(Hardware("llama-3-70b", "h100-sxm", 8, 1), MemoryOptions{});
  EXPECT_TRUE(p.fits);
  EXPECT_DOUBLE_EQ(p.weights_bytes_per_gpu, 17638096896.0);
  EXPECT_DOUBLE_EQ(p.activation_bytes_per_gpu, 385875968.0);
  EXPECT_NEAR(p.kv_bytes_per_gpu, 53976027136.0, 1);
  EXPECT_DOUBLE_EQ(p.kv_bytes_per_token_per_gpu, 40960.0);
  EXPECT_EQ(p.kv_capacity.value(), 1317774);
}

TEST(MemoryPlanTest, Fp8KvDoublesTheCapacity) {
  ReplicaHardware hw = Hardware("llama-3-70b", "h100-sxm", 8, 1);
  hw.kv_dtype = DType::kFp8;
  const MemoryPlan p = PlanMemory(hw, MemoryOptions{});
  EXPECT_DOUBLE_EQ(p.kv_bytes_per_token_per_gpu, 20480.0);
  EXPECT_EQ(p.kv_capacity.value(), 2635548);  // floor(53,976,027,136 / 20,480) = floor(2,635,548.2)
}

// TP16: the 8 KV heads replicate, so a GPU still holds one per layer.
TEST(MemoryPlanTest, KvHeadsReplicateBeyondTheirCount) {
  const MemoryPlan p = PlanMemory(Hardware("llama-3-70b", "h100-sxm", 16, 1), MemoryOptions{});
  EXPECT_DOUBLE_EQ(p.kv_bytes_per_token_per_gpu, 40960.0);
}

// PP2 x TP4: a stage holds 40 layers and either the embedding or the head:
// (40 x 855,638,016 + 1,050,673,152) x 2 B / 4 = 17,638,096,896 B per GPU;
// KV per token per GPU 2 x 40 x 2 x 128 x 2 = 40,960 B.
TEST(MemoryPlanTest, PipelineStagesHoldTheirLayers) {
  const MemoryPlan p = PlanMemory(Hardware("llama-3-70b", "h100-sxm", 4, 2), MemoryOptions{});
  EXPECT_DOUBLE_EQ(p.weights_bytes_per_gpu, 17638096896.0);
  EXPECT_DOUBLE_EQ(p.weights_bytes_total, 141104775168.0);
  EXPECT_DOUBLE_EQ(p.kv_bytes_per_token_per_gpu, 40960.0);
}

// Llama-3.2-1B ties its head to the embedding: one copy at PP1, but the last
// stage needs its own at PP2. Layer 60,817,408 params (attention 10,485,760
// + MLP 50,331,648); embedding 262,668,288.
TEST(MemoryPlanTest, TiedHeadNeedsACopyOnTheLastStage) {
  const MemoryPlan pp1 = PlanMemory(Hardware("llama-3.2-1b", "h100-sxm", 1, 1), MemoryOptions{});
  EXPECT_DOUBLE_EQ(pp1.weights_bytes_total, (16 * 60817408.0 + 262668288.0) * 2);
  const MemoryPlan pp2 = PlanMemory(Hardware("llama-3.2-1b", "h100-sxm", 1, 2), MemoryOptions{});
  EXPECT_DOUBLE_EQ(pp2.weights_bytes_total, (16 * 60817408.0 + 2 * 262668288.0) * 2);
  EXPECT_DOUBLE_EQ(pp2.weights_bytes_per_gpu, (8 * 60817408.0 + 262668288.0) * 2);
}

// TP2 with a 32,768-token workspace: 32,768 x 22,528 x 4 = 2,952,790,016 B;
// with 70,552,387,584 B of weights that is 73.5 GB > 72.0 GB.
TEST(MemoryPlanTest, ActivationWorkspaceCanBeWhatDoesNotFit) {
  MemoryOptions o;
  o.max_batch_tokens = 32768;
  const MemoryPlan p = PlanMemory(Hardware("llama-3-70b", "h100-sxm", 2, 1), o);
  EXPECT_FALSE(p.fits);
  EXPECT_EQ(p.reason,
            "weights (70.6 GB) and activation workspace (3.0 GB for 32768 batch tokens) need 73.5 GB per GPU "
            "(llama-3-70b bf16, TP2 PP1) but one h100-sxm offers 72.0 GB (80.0 GB x 0.90)");
}

// utilization 0.89114: usable 71,291,200,000 B; KV left 71,291,200,000 -
// 70,552,387,584 - 738,197,504 = 614,912 B = 3.75 tokens of 163,840 B.
TEST(MemoryPlanTest, ACacheSmallerThanOneBlockDoesNotFit) {
  MemoryOptions o;
  o.gpu_memory_utilization = 0.89114;
  const MemoryPlan p = PlanMemory(Hardware("llama-3-70b", "h100-sxm", 2, 1), o);
  EXPECT_FALSE(p.fits);
  EXPECT_EQ(p.kv_capacity.value(), 3);
  EXPECT_EQ(p.reason,
            "only 3 tokens of KV cache fit (0.0 GB per GPU left after 70.6 GB of weights and 0.7 GB of activation "
            "workspace; at least 16 needed) (llama-3-70b bf16, TP2 PP1) on h100-sxm");
}

TEST(MemoryPlanTest, BadOptionsAreAReasonNotACrash) {
  MemoryOptions o;
  o.gpu_memory_utilization = 1.5;
  const MemoryPlan p = PlanMemory(Hardware("llama-3-8b", "h100-sxm", 1, 1), o);
  EXPECT_FALSE(p.fits);
  EXPECT_EQ(p.reason, "gpu_memory_utilization must be in (0, 1] (got 1.5)");
}

}  // namespace
}  // namespace fleetlab
