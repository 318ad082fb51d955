// Multi-step scheduling (replica.scheduler.steps_per_schedule, vLLM V0's
// --num-scheduler-steps): a prompt that arrives inside a group of decode
// iterations waits for the group to end. Hand-derived on the roofline: A
// (100-token prompt, 1,000 tokens out) arrives at 0 and is prefilled in
// P_A; its decode iterations of length d follow. B (100 tokens, 10 out)
// arrives at P_A + 2.5 d. Every iteration schedules: B's prefill starts at
// the next boundary, P_A + 3 d, so TTFT_B = 0.5 d + P_B. Groups of 8: the
// group's first step schedules (d), its other seven reuse that decision and
// charge no host time (d' = d - the 0.5 ms per iteration), so the first
// group ends at P_A + d + 7 d' and TTFT_B = d + 7 d' - 2.5 d + P_B.
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "fleetlab/llm/perf_model.h"
#include "fleetlab/runner.h"
#include "fleetlab/scenario/parse.h"

namespace fleetlab {
namespace {

struct Steps {
  double prefill_s = 0, decode_s = 0, follower_s = 0;
};

Steps StepTimes(const Scenario& s) {
  auto model = MakeRooflineModel(s.replica()->hardware);
  EXPECT_TRUE(model.ok()) << model.status().message();
  IterationShape prefill;
  prefill.prefill_tokens = 100;
  prefill.prefill_attention_pairs = 100 * 101 / 2.0;
  IterationShape decode;
  decode.decode_sequences = decode.decode_tokens = 1;
  decode.decode_context_tokens = 103;  // A's context over its first steps (101 ... 106)
  IterationShape follower = decode;
  follower.scheduled = false;
  return {(*model)->Iteration(prefill).total_s, (*model)->Iteration(decode).total_s,
          (*model)->Iteration(follower).total_s};
}

nlohmann::json Doc(int steps_per_schedule, double b_arrival_s) {
  return {{"seed", 1},
          {"workload",
           {{"arrival", {{"process", "trace"}, {"trace_data", fmt::format("0,100,1000\n{:.9f},100,10\n", b_arrival_s)}}},
            {"warmup_requests", 0}}},
          {"replica",
           {{"model", "llama-3-8b"},
            {"gpu", "h100-sxm"},
            {"scheduler", {{"policy", "continuous"}, {"steps_per_schedule", steps_per_schedule}}}}}};
}

// Mean TTFT (ms) of A and B with B arriving 2.5 decode steps into A's decode.
double MeanTtftMs(int steps_per_schedule, Steps* steps) {
  auto probe = ParseScenario(Doc(1, 1), "");
  EXPECT_TRUE(probe.ok()) << probe.status().message();
  *steps = StepTimes(*probe);
  auto scenario = ParseScenario(Doc(steps_per_schedule, steps->prefill_s + 2.5 * steps->decode_s), "");
  EXPECT_TRUE(scenario.ok()) << scenario.status().message();
  auto report = RunScenario(*scenario);
  EXPECT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(report->completed, 2u);
  return report->llm->ttft_ms.mean;
}

TEST(MultiStepTest, APromptArrivingInsideAGroupWaitsForItsEnd) {
  Steps steps;
  const double every = MeanTtftMs(1, &steps), grouped = MeanTtftMs(8, &steps);
  const double d_ms = 1e3 * steps.decode_s, p_ms = 1e3 * steps.prefill_s, f_ms = 1e3 * steps.follower_s;
  // Mean of A (P_A) and B: (P_A + 0.5 d + P_B) / 2 and (P_A + 7 d' - 1.5 d + P_B) / 2.
  EXPECT_NEAR(every, (2 * p_ms + 0.5 * d_ms) / 2, 0.01 * every);
  EXPECT_NEAR(grouped, (2 * p_ms + 7 * f_ms - 1.5 * d_ms) / 2, 0.01 * grouped);
  EXPECT_NEAR(grouped - every, (7 * f_ms - 2 * d_ms) / 2, 0.02 * d_ms);
}

// The host time (here the default 0.5 ms an iteration) is charged on the
// step that schedules, not on the later steps of its group; the GPU's part
// is the same.
TEST(MultiStepTest, LaterStepsOfAGroupChargeNoHostTime) {
  auto probe = ParseScenario(Doc(8, 1), "");
  ASSERT_TRUE(probe.ok()) << probe.status().message();
  auto model = MakeRooflineModel(probe->replica()->hardware);
  ASSERT_TRUE(model.ok()) << model.status().message();
  IterationShape decode;
  decode.decode_sequences = decode.decode_tokens = 32;
  decode.decode_context_tokens = 32 * 500;
  IterationShape follower = decode;
  follower.scheduled = false;
  const StepBreakdown first = (*model)->Iteration(decode), later = (*model)->Iteration(follower);
  EXPECT_DOUBLE_EQ(first.overhead_s, 0.5e-3);
  EXPECT_EQ(later.overhead_s, 0.0);
  EXPECT_DOUBLE_EQ(first.total_s - later.total_s, 0.5e-3);
  EXPECT_EQ(first.matmul_s + first.weight_memory_s, later.matmul_s + later.weight_memory_s);
}

TEST(MultiStepTest, OnlyTheContinuousPolicyTakesIt) {
  nlohmann::json doc = Doc(4, 1);
  doc["replica"]["scheduler"]["policy"] = "chunked_prefill";
  auto scenario = ParseScenario(doc, "");
  ASSERT_FALSE(scenario.ok());
  EXPECT_EQ(scenario.status().message().rfind("replica.scheduler.steps_per_schedule: 4 applies only to policy", 0), 0u)
      << scenario.status().message();
  doc["replica"]["scheduler"] = {{"steps_per_schedule", 0}};
  EXPECT_FALSE(ParseScenario(doc, "").ok());
}

}  // namespace
}  // namespace fleetlab
