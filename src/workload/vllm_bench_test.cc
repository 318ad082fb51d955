#include "fleetlab/workload/vllm_bench.h"

#include <cmath>

#include <gtest/gtest.h>

#include "fleetlab/report/render.h"
#include "fleetlab/runner.h"
#include "fleetlab/scenario/parse.h"

namespace fleetlab {
namespace {

using nlohmann::json;

json Minimal() {
  return json{{"model_id", "meta-llama/Llama-3.1-8B-Instruct"}, {"num_prompts", 3}, {"request_rate", 2.0},
              {"completed", 3}, {"input_lens", {100, 200, 300}}, {"output_lens", {10, 20, 30}},
              {"mean_ttft_ms", 20.0}, {"request_throughput", 2.0}};
}

std::string Error(const json& doc) {
  auto r = ParseVllmBenchResult(doc);
  return r.ok() ? "(parsed)" : r.status().message();
}

TEST(VllmBenchTest, ParseErrorsNameTheField) {
  json doc = Minimal();
  doc["request_rate"] = -1;
  EXPECT_NE(Error(doc).find("request_rate: must be a rate between 1e-06 and 1e+09 per second, or \"inf\""),
            std::string::npos) << Error(doc);
  doc = Minimal();
  doc["output_lens"] = {10, 20};
  EXPECT_NE(Error(doc).find("output_lens: 2 entries, but input_lens has 3"), std::string::npos) << Error(doc);
  doc = Minimal();
  doc["input_lens"][1] = "long";
  EXPECT_NE(Error(doc).find("input_lens[1]: must be an integer between 0 and 1e7"), std::string::npos);
  doc = Minimal();
  doc.erase("input_lens");
  doc.erase("output_lens");
  EXPECT_NE(Error(doc).find("save the result with --save-detailed"), std::string::npos) << Error(doc);
  doc = Minimal();
  doc["max_concurrency"] = 0;
  EXPECT_NE(Error(doc).find("max_concurrency: must be null or an integer between 1 and 1e6"), std::string::npos);
  EXPECT_NE(Error(json::array()).find("one JSON object"), std::string::npos);
}

// A finite rate becomes a trace of the requests in order, each with its own
// lengths; "inf" sends them all at once; with max_concurrency, a closed loop.
TEST(VllmBenchTest, WorkloadKeepsEachRequestsLengths) {
  auto r = ParseVllmBenchResult(Minimal());
  ASSERT_TRUE(r.ok()) << r.status().message();
  const json w = VllmWorkload(*r, 1);
  EXPECT_EQ(w["requests"], 3);
  EXPECT_EQ(w["warmup_requests"], 0);
  const std::string trace = w["arrival"]["trace_data"].get<std::string>();
  EXPECT_NE(trace.find("0.000000000,100,10\n"), std::string::npos) << trace;
  EXPECT_NE(trace.find(",200,20\n"), std::string::npos);
  EXPECT_NE(trace.find(",300,30\n"), std::string::npos);
  json doc = Minimal();
  doc["request_rate"] = "inf";
  auto at_once = ParseVllmBenchResult(doc);
  ASSERT_TRUE(at_once.ok());
  EXPECT_EQ(VllmWorkload(*at_once, 1)["arrival"]["trace_data"].get<std::string>(),
            "arrival_s,prompt_tokens,output_tokens\n0.000000000,100,10\n0.000000000,200,20\n0.000000000,300,30\n");
  doc["max_concurrency"] = 2;
  auto capped = ParseVllmBenchResult(doc);
  ASSERT_TRUE(capped.ok());
  const json closed = VllmWorkload(*capped, 1);
  EXPECT_EQ(closed["mode"], "closed");
  EXPECT_EQ(closed["closed"]["users"], 2);
  EXPECT_EQ(closed["prompt_tokens"]["values"], json({100, 200, 300}));
}

// vLLM's gaps are gamma with shape `burstiness` (CV 1/sqrt(b)) and mean
// 1/rate: 2,000 gaps at 10 req/s and burstiness 4 have mean 0.1 s (within
// 3 standard errors, 3 x 0.05 / sqrt(2000) = 0.0034) and CV 0.5 (+-0.05).
TEST(VllmBenchTest, ArrivalsFollowVllmsGammaLaw) {
  json doc = Minimal();
  doc["num_prompts"] = 2001;
  doc.erase("input_lens");
  doc.erase("output_lens");
  doc["completed"] = 2001;
  doc["total_input_tokens"] = 2001 * 100;
  doc["total_output_tokens"] = 2001 * 10;
  doc["request_rate"] = 10;
  doc["burstiness"] = 4;
  auto r = ParseVllmBenchResult(doc);
  ASSERT_TRUE(r.ok()) << r.status().message();
  auto s = ParseScenario(json{{"workload", VllmWorkload(*r, 3)}}, "");
  ASSERT_TRUE(s.ok()) << s.status().message();
  ASSERT_EQ(s->trace.size(), 2001u);
  double sum = 0, sum2 = 0;
  for (std::size_t i = 1; i < s->trace.size(); ++i) {
    const double gap = s->trace[i].arrival_s - s->trace[i - 1].arrival_s;
    sum += gap;
    sum2 += gap * gap;
  }
  const double mean = sum / 2000, sd = std::sqrt(sum2 / 2000 - mean * mean);
  EXPECT_NEAR(mean, 0.1, 0.0034);
  EXPECT_NEAR(sd / mean, 0.5, 0.05);
  EXPECT_EQ(s->trace[5].prompt_tokens, 100);
}

// Round trip: the vllm_bench fields of a simulated run, read back as a
// vLLM result, give a workload whose simulation on the same system lands
// near them (only the arrival draws differ): means within 10%.
TEST(VllmBenchTest, ASimulatedResultComparesCloseToItself) {
  const json system = {{"model", "llama-3-8b"}, {"gpu", "h100-sxm"}, {"tp", 1}};
  const json first = {{"seed", 5}, {"replica", system},
                      {"workload", {{"arrival", {{"process", "poisson"}, {"rate_per_s", 8}}},
                                    {"prompt_tokens", {{"distribution", "deterministic"}, {"mean", 256}}},
                                    {"output_tokens", {{"distribution", "deterministic"}, {"mean", 64}}},
                                    {"requests", 1500}, {"warmup_requests", 0}}}};
  auto a = ParseScenario(first, "");
  ASSERT_TRUE(a.ok());
  const json measured = ReportToJson(*RunScenario(*a, RunHooks{.kv_heatmap = false}));
  json result = measured["vllm_bench"];
  // As vLLM counts them: every completed request's prompt and output, over the duration.
  const double completed = result["completed"].get<double>(), duration = result["duration"].get<double>();
  EXPECT_EQ(result["total_input_tokens"].get<double>(), 256 * completed);
  EXPECT_NEAR(result["total_token_throughput"].get<double>(), (256 + 64) * completed / duration, 1e-9 * completed);
  result["model_id"] = "meta-llama/Meta-Llama-3-8B";
  result["num_prompts"] = 1500;
  result["request_rate"] = 8;
  result["total_output_tokens"] = 64 * result["completed"].get<int>();
  auto r = ParseVllmBenchResult(result);
  ASSERT_TRUE(r.ok()) << r.status().message();
  auto b = ParseScenario(json{{"seed", 9}, {"replica", system}, {"workload", VllmWorkload(*r, 9)}}, "");
  ASSERT_TRUE(b.ok()) << b.status().message();
  const json rows = CompareWithVllm(*r, ReportToJson(*RunScenario(*b, RunHooks{.kv_heatmap = false})));
  int means = 0;
  for (const json& row : rows) {
    const std::string m = row["metric"].get<std::string>();
    if (m.rfind("mean_", 0) != 0 && m != "request_throughput" && m != "output_throughput") continue;
    ++means;
    EXPECT_LT(std::fabs(row["error"].get<double>()), 0.10) << row.dump();
  }
  EXPECT_EQ(means, 6);  // 2 throughputs, mean TTFT, TPOT, ITL, e2el
}

}  // namespace
}  // namespace fleetlab
