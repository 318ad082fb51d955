// The aiconfigurator tables `fleetlab calibrate --aic-*` reads
// (aiconfigurator_samples.h), on excerpts of its public H200 SGLang 0.5.9
// database (tests/data/calibration/aic-h200-sglang-0.5.9-*.csv, rows
// copied as published): which rows are kept, the units, the shapes and
// touched experts derived by hand, and the errors.
#include <gtest/gtest.h>

#include "calibrate/aiconfigurator_samples.h"
#include "fleetlab/util/file.h"
#include "fleetlab/util/share_dir.h"

namespace fleetlab::calibrate {
namespace {

std::string Data(const std::string& name) {
  auto text = ReadTextFile(ShareDirectory() + "/tests/data/calibration/" + name, "test data");
  EXPECT_TRUE(text.ok()) << text.status().message();
  return text.ok() ? *text : "";
}

std::string Excerpt(const std::string& table) { return Data("aic-h200-sglang-0.5.9-" + table + "-excerpt.csv"); }

// 13 fp8_block rows and one bfloat16 row; m x k by k x n, ms to s.
TEST(AicSamplesTest, GemmRowsOfTheDtype) {
  auto s = ReadAicGemm(Excerpt("gemm"), "fp8_block");
  ASSERT_TRUE(s.ok()) << s.status().message();
  ASSERT_EQ(s->gemm.size(), 13u);
  const GemmSample& first = s->gemm[0];  // m 16, n 7168, k 2048, 0.009296889106432596 ms
  EXPECT_DOUBLE_EQ(first.tokens, 16);
  EXPECT_DOUBLE_EQ(first.k, 2048);
  EXPECT_DOUBLE_EQ(first.n, 7168);
  EXPECT_DOUBLE_EQ(first.seconds, 0.009296889106432596e-3);
  EXPECT_EQ(ReadAicGemm(Excerpt("gemm"), "bfloat16")->gemm.size(), 1u);
  EXPECT_EQ(ReadAicGemm(Excerpt("gemm"), "fp8").status().message(), "no row is a timed GEMM of gemm_dtype \"fp8\"");
}

// DeepSeek-V3 at moe_tp 8: 256 experts, top 8, 7168 x 2048 / 8. Balanced
// routing touches min(256, 8 T): 8 at one token, 64 at 8, all from 32.
TEST(AicSamplesTest, MoeCallsUnderBalancedRouting) {
  auto s = ReadAicMoe(Excerpt("moe"), "fp8_block");
  ASSERT_TRUE(s.ok()) << s.status().message();
  ASSERT_EQ(s->moe.size(), 11u);  // not the power-law row, not the bfloat16 Mixtral row
  const MoeSample& one = s->moe[0];
  EXPECT_DOUBLE_EQ(one.tokens, 1);
  EXPECT_DOUBLE_EQ(one.inter, 256);
  EXPECT_DOUBLE_EQ(one.hidden, 7168);
  EXPECT_DOUBLE_EQ(one.touched, 8);
  EXPECT_DOUBLE_EQ(one.TokensPerExpert(), 1);
  EXPECT_DOUBLE_EQ(one.Bytes(1), 8 * 3 * 7168 * 256.0);
  EXPECT_DOUBLE_EQ(one.seconds, 0.051893758773803714e-3);
  EXPECT_DOUBLE_EQ(s->moe[3].touched, 64);  // 8 tokens
  EXPECT_DOUBLE_EQ(s->moe[5].touched, 256);  // 32 tokens
  EXPECT_DOUBLE_EQ(s->moe[10].TokensPerExpert(), 16384 * 8 / 256.0);
  EXPECT_DOUBLE_EQ(s->moe[10].Flops(), 2.0 * 16384 * 8 * 3 * 7168 * 256);
  auto mixtral = ReadAicMoe(Excerpt("moe"), "bfloat16");  // 8 experts, top 2, 8 tokens: all 8
  ASSERT_TRUE(mixtral.ok());
  EXPECT_DOUBLE_EQ(mixtral->moe[0].touched, 8);
}

// Graph rows only; bf16 elements to bytes.
TEST(AicSamplesTest, AllReducesCapturedInGraphs) {
  auto s = ReadAicAllReduce(Excerpt("allreduce"));
  ASSERT_TRUE(s.ok()) << s.status().message();
  ASSERT_EQ(s->all_reduce.size(), 4u);
  EXPECT_EQ(s->all_reduce[0].tp, 8);
  EXPECT_DOUBLE_EQ(s->all_reduce[0].bytes, 16384);
  EXPECT_DOUBLE_EQ(s->all_reduce[0].seconds, 0.005155519843101501e-3);
}

// A bf16 cache of 576 values a token: 64 sequences of 1 + 1023 tokens read
// 64 x 1024 x 1152 bytes.
TEST(AicSamplesTest, MlaDecodeReadsTheLatents) {
  auto s = ReadAicMlaDecode(Excerpt("mla-decode"), "bfloat16");
  ASSERT_TRUE(s.ok()) << s.status().message();
  ASSERT_EQ(s->attention.size(), 4u);
  const AttentionSample& a = s->attention[2];
  EXPECT_FALSE(a.prefill);
  EXPECT_DOUBLE_EQ(a.kv_bytes, 64 * 1024 * 1152.0);
  EXPECT_DOUBLE_EQ(a.seconds, 0.03826879858970642e-3);
  EXPECT_DOUBLE_EQ(ReadAicMlaDecode(Excerpt("mla-decode"), "fp8")->attention[2].kv_bytes, 64 * 1024 * 576.0);
}

std::string B200Attention(const std::string& kind) {
  return Data("aic-b200-vllm-0.19.0-" + kind + "-attention-excerpt.csv");
}

// Llama-3-8B's attention on one B200 (32 query, 8 KV heads of 128): a
// decode of 64 sequences over 1 + 1023 tokens reads 64 x 1024 x 2 x 8 x
// 128 x 2 bytes of K and V; a prefill of 1,024 tokens makes 1024 x 1025 /
// 2 pairs at 4 x 128 x 32 FLOPs each, a mean context of 512.5. The fp8
// cache row and the sliding-window row are not taken.
TEST(AicSamplesTest, AttentionPrefillsAndDecodes) {
  auto decode = ReadAicAttention(B200Attention("generation"), "bfloat16");
  ASSERT_TRUE(decode.ok()) << decode.status().message();
  ASSERT_EQ(decode->attention.size(), 3u);
  const AttentionSample& d = decode->attention[2];
  EXPECT_FALSE(d.prefill);
  EXPECT_DOUBLE_EQ(d.kv_bytes, 64 * 1024 * 2 * 8 * 128 * 2.0);
  EXPECT_DOUBLE_EQ(d.seconds, 0.045498669147491455e-3);
  auto prefill = ReadAicAttention(B200Attention("context"), "bfloat16");
  ASSERT_TRUE(prefill.ok()) << prefill.status().message();
  ASSERT_EQ(prefill->attention.size(), 3u);
  const AttentionSample& p = prefill->attention[2];
  EXPECT_TRUE(p.prefill);
  EXPECT_DOUBLE_EQ(p.flops, 4 * 128 * 32 * (1024 * 1025 / 2.0));
  EXPECT_DOUBLE_EQ(p.context, 512.5);
  EXPECT_EQ(ReadAicAttention(B200Attention("context"), "fp8").status().message(),
            "no row is a full-window attention call with kv_cache_dtype \"fp8\"");
}

TEST(AicSamplesTest, ErrorsNameTheColumnOrWhatWasMissing) {
  auto s = ReadAicMoe("moe_dtype,num_tokens\nfp8_block,1\n", "fp8_block");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("hidden_size"), std::string::npos) << s.status().message();
  s = ReadAicAllReduce("kernel_source,num_gpus,message_size,latency\nX_eager,8,1024,0.02\n");
  EXPECT_EQ(s.status().message(), "no row is an all-reduce captured in a CUDA graph");
  s = ReadAicGemm("gemm_dtype,m,n,k,latency\nfp8_block,8,x,2048,0.01\n", "fp8_block");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("line 2"), std::string::npos) << s.status().message();
}

}  // namespace
}  // namespace fleetlab::calibrate
