// The scenario's trace fields: formats, window, speedup, datasets, and a
// Mooncake trace's hash ids feeding prefix caching end to end.
#include "scenario/trace_parse.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "fleetlab/runner.h"
#include "fleetlab/scenario/parse.h"

namespace fleetlab {
namespace {

using nlohmann::json;

Result<Scenario> Parse(const json& doc) { return ParseScenario(doc, ""); }

std::string ErrorOf(const json& doc) {
  auto s = Parse(doc);
  return s.ok() ? "" : s.status().message();
}

json TraceArrival(const std::string& format, const std::string& data) {
  return {{"workload", {{"arrival", {{"process", "trace"}, {"trace_format", format}, {"trace_data", data}}}}}};
}

TEST(TraceParseTest, ReadsEveryTimedFormatInline) {
  const std::pair<const char*, const char*> cases[] = {
      {"fleetlab", "0,5,1\n2,6,1\n"},
      {"azure", "TIMESTAMP,ContextTokens,GeneratedTokens\n2024-05-10 00:00:00+00:00,5,1\n2024-05-10 00:00:02+00:00,6,1\n"},
      {"burstgpt", "Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n10,ChatGPT,5,1,6,x\n12,ChatGPT,6,1,7,x\n"},
      {"mooncake", "{\"timestamp\": 0, \"input_length\": 5, \"output_length\": 1}\n"
                   "{\"timestamp\": 2000, \"input_length\": 6, \"output_length\": 1}\n"}};
  for (const auto& [format, data] : cases) {
    auto s = Parse(TraceArrival(format, data));
    ASSERT_TRUE(s.ok()) << format << ": " << s.status().message();
    ASSERT_EQ(s->trace.size(), 2u) << format;
    EXPECT_DOUBLE_EQ(s->trace[1].arrival_s - s->trace[0].arrival_s, 2.0) << format;
    EXPECT_EQ(s->trace[1].prompt_tokens, 6) << format;
  }
}

TEST(TraceParseTest, WindowAndSpeedupApplyAtParse) {
  json doc = TraceArrival("fleetlab", "0,1,1\n10,2,1\n20,3,1\n30,4,1\n");
  doc["workload"]["arrival"]["trace_window"] = {{"start_s", 10}, {"end_s", 30}};
  doc["workload"]["arrival"]["speedup"] = 4;
  auto s = Parse(doc);
  ASSERT_TRUE(s.ok()) << s.status().message();
  ASSERT_EQ(s->trace.size(), 2u);
  EXPECT_EQ(s->trace[0].prompt_tokens, 2);
  EXPECT_DOUBLE_EQ(s->trace[1].arrival_s, 2.5);  // (20 - 10) / 4
}

TEST(TraceParseTest, FieldsAreCheckedWithTheirRanges) {
  json doc = TraceArrival("fleetlab", "0,1,1\n");
  doc["workload"]["arrival"]["speedup"] = 0;
  EXPECT_EQ(ErrorOf(doc), "workload.arrival.speedup: must be a number between 1e-06 and 1000000 (got 0)");
  doc["workload"]["arrival"]["speedup"] = 2;
  doc["workload"]["arrival"]["rate_per_s"] = 5;
  EXPECT_EQ(ErrorOf(doc), "workload.arrival.speedup: give either speedup or rate_per_s (which rescales the trace to "
                          "that mean rate), not both");
  doc = TraceArrival("fleetlab", "0,1,1\n");
  doc["workload"]["arrival"]["trace_window"] = {{"start_s", 5}, {"end_s", 5}};
  EXPECT_EQ(ErrorOf(doc), "workload.arrival.trace_window.end_s: must be greater than start_s (5) (got 5)");
  doc["workload"]["arrival"]["trace_window"] = {{"start_s", 5}};
  EXPECT_EQ(ErrorOf(doc), "workload.arrival.trace_window: no request arrives in the window [5, inf) s after the "
                          "trace's first");
  doc = TraceArrival("fleetlab", "0,1,1\n");
  doc["workload"]["arrival"]["hash_block_tokens"] = 64;
  EXPECT_EQ(ErrorOf(doc), "workload.arrival.hash_block_tokens: applies only when trace_format is \"mooncake\"");
  EXPECT_EQ(ErrorOf(TraceArrival("sharegpt", "[]")),
            "workload.arrival.trace_format: \"sharegpt\" has no arrival times; replay one of \"fleetlab\", \"azure\", "
            "\"burstgpt\", \"mooncake\", or take its lengths with workload.dataset");
  EXPECT_EQ(ErrorOf(json{{"workload", {{"arrival", {{"speedup", 2}}}}}}),
            "workload.arrival.speedup: applies only when process is \"trace\"");
  // An error inside the trace names the field, then input:line:column.
  EXPECT_EQ(ErrorOf(TraceArrival("azure", "TIMESTAMP,ContextTokens\n")),
            "workload.arrival.trace_data: workload.arrival.trace_data:1:1: the header must name the columns TIMESTAMP, "
            "ContextTokens, GeneratedTokens (in any order); \"GeneratedTokens\" is missing (got \"TIMESTAMP,ContextTokens\")");
}

TEST(TraceParseTest, DatasetLengthsAreDrawnFromItsRecords) {
  const json doc = {{"seed", 3},
                    {"workload",
                     {{"arrival", {{"rate_per_s", 2}}},
                      {"requests", 400},
                      {"warmup_requests", 0},
                      {"dataset", {{"format", "vllm_jsonl"}, {"trace_data", "{\"prompt_tokens\": 100}\n{\"prompt_tokens\": 300, \"output_tokens\": 7}\n"}}}}},
                    {"replica", {{"model", "llama-3-8b"}, {"gpu", "h100-sxm"}}}};
  auto s = Parse(doc);
  ASSERT_TRUE(s.ok()) << s.status().message();
  ASSERT_NE(s->workload.sizes.dataset, nullptr);
  ASSERT_EQ(s->workload.sizes.dataset->size(), 2u);
  EXPECT_EQ((*s->workload.sizes.dataset)[0].output_tokens, 256);  // vLLM's --custom-output-len default
  auto report = RunScenario(*s, {});
  ASSERT_TRUE(report.ok()) << report.status().message();
  // Half the prompts are 100 tokens and half 300: the mean is 200 (binomial
  // sd of the share over 400 draws is 2.5%, so within +-15 tokens at 3 sd).
  const double mean_prompt = report->llm->prompt_tokens_per_s / report->throughput_rps;
  EXPECT_NEAR(mean_prompt, 200, 15);
}

TEST(TraceParseTest, DatasetConflictsAreNamed) {
  json doc = {{"workload", {{"prompt_tokens", {{"distribution", "deterministic"}, {"mean", 5}}},
                            {"dataset", {{"format", "vllm_jsonl"}, {"trace_data", "{\"prompt_tokens\": 1}\n"}}}}}};
  EXPECT_EQ(ErrorOf(doc), "workload.prompt_tokens: the lengths come from workload.dataset; give one or the other");
  doc = {{"workload", {{"dataset", {{"format", "fleetlab"}, {"trace_data", "0,1,1\n"}, {"output_tokens", 5}}}}}};
  EXPECT_EQ(ErrorOf(doc), "workload.dataset.output_tokens: applies only when format is \"vllm_jsonl\"");
  doc = {{"workload", {{"dataset", {{"format", "sharegpt"}, {"trace_data", "[]"}}}}}};
  EXPECT_EQ(ErrorOf(doc), "workload.dataset.trace_data: workload.dataset.trace_data: the trace holds no requests "
                          "(sharegpt format)");
}

// Two conversations share a 1,024-token system prompt (hash ids 1, 2) and
// differ after it; the third request repeats the first. Hash ids cover 4 x
// 512 = 2,048 tokens, more than the 1,600-token prompts, so each request
// looks up its prompt's 100 full 16-token blocks; the second finds the 64
// blocks of the shared 1,024 tokens (block 64 ends in hash block 2: 5, not
// 3), the third all 100 blocks of the first.
TEST(TraceParseTest, MooncakeHashIdsFeedPrefixCaching) {
  const std::string data =
      "{\"timestamp\": 0, \"input_length\": 1600, \"output_length\": 4, \"hash_ids\": [1, 2, 3, 4]}\n"
      "{\"timestamp\": 1000, \"input_length\": 1600, \"output_length\": 4, \"hash_ids\": [1, 2, 5, 6]}\n"
      "{\"timestamp\": 2000, \"input_length\": 1600, \"output_length\": 4, \"hash_ids\": [1, 2, 3, 4]}\n";
  json doc = TraceArrival("mooncake", data);
  doc["workload"]["requests"] = 3;
  doc["workload"]["warmup_requests"] = 0;
  doc["replica"] = {{"model", "llama-3-8b"}, {"gpu", "h100-sxm"}, {"kv", {{"prefix_caching", true}}}};
  auto s = Parse(doc);
  ASSERT_TRUE(s.ok()) << s.status().message();
  ASSERT_NE(s->trace_hashes, nullptr);
  auto report = RunScenario(*s, {});
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(report->llm->prefix_lookup_tokens, 3u * 1600);
  EXPECT_EQ(report->llm->prefix_hit_tokens, 1024u + 1600u);
  doc["workload"]["prefix"] = {{"groups", 2}, {"tokens", 10}};
  EXPECT_EQ(ErrorOf(doc), "workload.prefix.groups: the trace's hash_ids give each request's shared prefix; remove "
                          "workload.prefix");
}

}  // namespace
}  // namespace fleetlab
