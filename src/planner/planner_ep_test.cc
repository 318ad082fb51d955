// `fleetlab memory --ep --attention-dp`: the users a MoE replica with expert
// parallelism holds, per GPU, with hand numbers for DeepSeek-V3 on 8 H200s
// (docs/model.md, "Expert parallelism and attention data parallelism").
#include <gtest/gtest.h>

#include "planner/planner.h"
#include "llm/catalog/test_catalog.h"

namespace fleetlab {
namespace {

MemoryRequest DeepSeek(int tp, int dp) {
  MemoryRequest r;
  r.model = "deepseek-v3";
  r.gpu = "h200";
  r.tp = tp;
  r.attention_dp = dp;
  r.ep = dp > 1 ? tp * dp : 1;
  r.context = 4096;
  r.weight_dtype = DType::kFp8;
  return r;
}

// Parameters of one GPU at EP8 = TP1 x DP8 (DeepSeek-V3's config.json):
//   attention (MLA) per layer: q 7168*1536 + 1536*128*192 = 48,758,784;
//     kv down 7168*576 = 4,128,768; kv up 512*128*256 = 16,777,216;
//     out 128*128*7168 = 117,440,512; 187,105,280 x 61 layers = 11,413,422,080
//   3 dense layers: 3 * 7168 * 18432 = 396,361,728 each -> 1,189,085,184
//   58 MoE layers: (256/8 routed + 1 shared) * 3*7168*2048 + router 7168*256
//     = 1,455,161,344 each -> 84,399,357,952
//   embeddings + head: 2 * 129280 * 7168 = 1,853,358,080
//   total 98,855,223,296 B in fp8 = 98.86 GB.
// At TP8 the same GPUs hold 1/8 of everything (671.0 B / 8 = 83.88 GB) but
// every rank keeps the whole 70,272 B latent of every token: the DP groups
// hold 8 times the tokens in less free memory.
TEST(PlannerExpertParallel, DeepSeekV3Ep8HoldsExpertsPerGpuAndEightTimesTheKv) {
  auto ep = PlanUsers(DeepSeek(1, 8), test::Shipped());
  ASSERT_TRUE(ep.ok()) << ep.status().message();
  ASSERT_TRUE(ep->plan.fits) << ep->plan.reason;
  EXPECT_NEAR(ep->plan.weights_bytes_per_gpu, 98'855'223'296.0, 1e3);
  EXPECT_DOUBLE_EQ(ep->plan.kv_bytes_per_token_per_gpu, 70'272);
  const auto per_gpu = static_cast<std::int64_t>(ep->plan.kv_bytes_per_gpu / 70'272);
  EXPECT_NEAR(static_cast<double>(ep->plan.kv_capacity.value()), 8.0 * per_gpu, 8.0);

  auto tp = PlanUsers(DeepSeek(8, 1), test::Shipped());
  ASSERT_TRUE(tp.ok()) << tp.status().message();
  EXPECT_NEAR(tp->plan.weights_bytes_per_gpu, 83.88e9, 0.01e9);
  EXPECT_DOUBLE_EQ(tp->plan.kv_bytes_per_token_per_gpu, 70'272);  // replicated, not split
  EXPECT_NEAR(static_cast<double>(tp->plan.kv_capacity.value()), tp->plan.kv_bytes_per_gpu / 70'272, 1.0);
  EXPECT_GT(ep->users_paged, 4 * tp->users_paged);  // 756 against 148 at 4,096 tokens
}

TEST(PlannerExpertParallel, BadDegreesNameTheFlag) {
  MemoryRequest r = DeepSeek(2, 8);
  r.ep = 8;  // not tp x attention_dp = 16
  auto mismatch = PlanUsers(r, test::Shipped());
  ASSERT_FALSE(mismatch.ok());
  EXPECT_EQ(mismatch.status().message().rfind("--ep: must equal tp x attention_dp = 2 x 8 = 16", 0), 0u)
      << mismatch.status().message();
  r = DeepSeek(1, 8);
  r.attention_dp = 0;
  auto zero = PlanUsers(r, test::Shipped());
  ASSERT_FALSE(zero.ok());
  EXPECT_EQ(zero.status().message().rfind("--attention-dp: must be between 1 and 1024", 0), 0u)
      << zero.status().message();
  r = DeepSeek(1, 3);  // 3 does not divide 256 experts
  auto uneven = PlanUsers(r, test::Shipped());
  ASSERT_FALSE(uneven.ok());
  EXPECT_EQ(uneven.status().message().rfind("--ep: must divide deepseek-v3's 256 experts", 0), 0u)
      << uneven.status().message();
  r = DeepSeek(1, 2);
  r.model = "llama-3-70b";
  auto dense = PlanUsers(r, test::Shipped());
  ASSERT_FALSE(dense.ok());
  EXPECT_NE(dense.status().message().find("has no experts"), std::string::npos) << dense.status().message();
}

}  // namespace
}  // namespace fleetlab
