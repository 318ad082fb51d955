// Splitwise's prompt phases (prompt_phases.h): which rows are taken, their
// medians, and the runs they become. Hand-made rows in the file's columns.
#include "calibrate/prompt_phases.h"

#include <gtest/gtest.h>

namespace fleetlab::calibrate {
namespace {

constexpr const char* kHeader =
    "model,hardware,prompt_size,batch_size,token_size,peak_power,average_power,prompt_time,token_time,e2e_time,"
    "tensor_parallel\n";

std::string Rows(const std::string& rows) { return kHeader + rows; }

TEST(PromptPhasesTest, TakesTheBatchOneRowsOfTheModelHardwareAndTpWithTheirMedians) {
  const std::string text = Rows(
      "llama2-70b,h100-80gb,1024,1,128,0,0,160,37,5000,2\n"
      "llama2-70b,h100-80gb,512,1,128,0,0,84,37,4800,2\n"
      "llama2-70b,h100-80gb,512,1,128,0,0,90,37,4800,2\n"
      "llama2-70b,h100-80gb,512,1,128,0,0,83,37,4800,2\n"
      "llama2-70b,h100-80gb,512,1,256,0,0,86,37,9500,2\n"
      "llama2-70b,h100-80gb,512,2,128,0,0,155,37,4900,2\n"   // batched: left out
      "llama2-70b,h100-80gb,512,1,128,0,0,60,30,3800,4\n"    // another TP
      "llama2-70b,a100-80gb,512,1,128,1,0.7,196,55,7100,2\n"  // another GPU
      "bloom-176b,h100-80gb,512,1,128,0,0,99,36,4600,2\n");   // another model
  auto phases = ReadSplitwisePromptPhases(text, {"llama2-70b", "h100-80gb", 2});
  ASSERT_TRUE(phases.ok()) << phases.status().message();
  ASSERT_EQ(phases->size(), 3u);
  EXPECT_EQ((*phases)[0].prompt_tokens, 512);
  EXPECT_EQ((*phases)[0].output_tokens, 128);
  EXPECT_DOUBLE_EQ((*phases)[0].prompt_ms, 84);  // median of 84, 90, 83
  EXPECT_EQ((*phases)[0].repeats, 3);
  EXPECT_EQ((*phases)[1].output_tokens, 256);
  EXPECT_DOUBLE_EQ((*phases)[1].prompt_ms, 86);
  EXPECT_EQ((*phases)[2].prompt_tokens, 1024);
  EXPECT_DOUBLE_EQ((*phases)[2].prompt_ms, 160);
}

TEST(PromptPhasesTest, NamesWhatIsWrong) {
  auto missing = ReadSplitwisePromptPhases("model,hardware\nllama2-70b,h100-80gb\n", {"llama2-70b", "h100-80gb", 2});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("no column \"tensor_parallel\""), std::string::npos) << missing.status().message();
  auto none = ReadSplitwisePromptPhases(Rows("llama2-70b,h100-80gb,512,1,128,0,0,84,37,4800,2\n"), {"llama2-70b", "h100-80gb", 8});
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("no batch-1 rows of model \"llama2-70b\" on \"h100-80gb\" at tensor_parallel 8"),
            std::string::npos);
  auto bad = ReadSplitwisePromptPhases(Rows("llama2-70b,h100-80gb,512,1,128,0,0,fast,37,4800,2\n"),
                                       {"llama2-70b", "h100-80gb", 2});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("line 2, column prompt_time"), std::string::npos) << bad.status().message();
}

TEST(PromptPhasesTest, EachPhaseIsOneUserSendingItsFixedLengthsComparedOnTtft) {
  const nlohmann::json replica = {{"model", "llama-2-70b"}, {"gpu", "h100-sxm"}, {"tp", 2}, {"engine", "vllm-v0"}};
  const auto runs = PromptPhaseRuns({{2048, 128, 310.3, 5}}, replica, 6);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].id, "prompt 2048 + 128");
  EXPECT_EQ(runs[0].replica, replica);
  EXPECT_EQ(runs[0].bench.requests, 6u);
  EXPECT_EQ(runs[0].bench.max_concurrency, 1u);
  EXPECT_EQ(runs[0].bench.request_rate, 0);
  EXPECT_EQ(runs[0].bench.mean_input_tokens, 2048);
  EXPECT_EQ(runs[0].bench.mean_output_tokens, 128);
  EXPECT_EQ(runs[0].bench.metrics, (nlohmann::json{{"mean_ttft_ms", 310.3}}));
}

}  // namespace
}  // namespace fleetlab::calibrate
