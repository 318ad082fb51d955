// Rate profiles, workload classes and the replica's parallel layout as a
// scenario gives them: fields, ranges and messages, and per-class reports
// from a run.
#include "scenario/workload_shape_parse.h"

#include <gtest/gtest.h>

#include "fleetlab/report/render.h"
#include "fleetlab/runner.h"
#include "fleetlab/scenario/parse.h"

namespace fleetlab {
namespace {

using nlohmann::json;

std::string ErrorOf(const json& doc) {
  auto s = ParseScenario(doc, "");
  return s.ok() ? "" : s.status().message();
}

json Arrival(const json& arrival) { return {{"workload", {{"arrival", arrival}}}}; }

TEST(WorkloadShapeParseTest, ProfilesAreRead) {
  auto s = ParseScenario(Arrival({{"rate_per_s", 20}, {"profile", {{"shape", "sinusoid"}, {"period_s", 3600},
                                                                    {"amplitude", 0.25}}}}), "");
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->workload.arrival.profile.kind, RateProfileOptions::Kind::kSinusoid);
  EXPECT_DOUBLE_EQ(s->workload.arrival.profile.period_s, 3600);
  // A ramp gives its own rates; rate_per_s becomes the mean over the ramp.
  s = ParseScenario(Arrival({{"profile", {{"shape", "ramp"}, {"from_per_s", 10}, {"to_per_s", 30}, {"duration_s", 60}}}}), "");
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_DOUBLE_EQ(s->workload.arrival.rate_per_s, 20);
  s = ParseScenario(Arrival({{"process", "gamma"}, {"cv", 2},
                             {"profile", {{"shape", "piecewise"}, {"points", {{0, 5}, {60, 50}, {120, 5}}}, {"repeat", true}}}}), "");
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->workload.arrival.profile.points.size(), 3u);
}

TEST(WorkloadShapeParseTest, ProfileErrorsNameTheFieldAndRange) {
  EXPECT_EQ(ErrorOf(Arrival({{"profile", {{"shape", "sinusoid"}, {"amplitude", 1.5}}}})),
            "workload.arrival.profile.amplitude: must be a number between 0 and 1 (got 1.5)");
  EXPECT_EQ(ErrorOf(Arrival({{"profile", {{"shape", "sinusoid"}, {"period_s", 0}}}})),
            "workload.arrival.profile.period_s: must be a time > 0 and at most 1e+06 s (1e6 s: the longest time a "
            "scenario may give) (got 0)");
  EXPECT_EQ(ErrorOf(Arrival({{"profile", {{"shape", "piecewise"}, {"points", {{5, 1}}}}}})),
            "workload.arrival.profile.points[0][0]: the first point must be at time 0 (got 5)");
  EXPECT_EQ(ErrorOf(Arrival({{"profile", {{"shape", "piecewise"}, {"points", {{0, 1}, {10, 2}, {10, 3}}}}}})),
            "workload.arrival.profile.points[2][0]: times must increase: 10 after 10");
  EXPECT_EQ(ErrorOf(Arrival({{"profile", {{"shape", "piecewise"}, {"points", {{0, 1}, {10, 2e9}}}}}})),
            "workload.arrival.profile.points[1][1]: must be 0 or a rate between 1e-06 and 1e+09 per second (got "
            "2000000000.0)");
  EXPECT_EQ(ErrorOf(Arrival({{"rate_per_s", 4}, {"profile", {{"shape", "ramp"}, {"from_per_s", 1}, {"to_per_s", 2},
                                                              {"duration_s", 9}}}})),
            "workload.arrival.rate_per_s: the profile gives the rates; remove rate_per_s (it is the profile's mean)");
  EXPECT_EQ(ErrorOf(Arrival({{"profile", {{"shape", "piecewise"}, {"points", {{0, 0}}}}}})),
            "workload.arrival.profile: the mean rate would be 0 per second; at least 1e-06 (some rate must be above 0)");
  EXPECT_EQ(ErrorOf(Arrival({{"process", "deterministic"}, {"profile", {{"shape", "sinusoid"}}}})),
            "workload.arrival.profile: applies only when process is \"poisson\" or \"gamma\"");
  EXPECT_EQ(ErrorOf(Arrival({{"profile", {{"shape", "triangle"}}}})),
            "workload.arrival.profile.shape: must be one of \"sinusoid\", \"piecewise\", \"ramp\" (got \"triangle\")");
}

json Classes() {
  return json::parse(R"([
    {"name": "chat", "share": 3, "prompt_tokens": {"distribution": "deterministic", "mean": 200},
     "output_tokens": {"distribution": "deterministic", "mean": 100}, "slo": {"ttft_ms": 500, "tpot_ms": 50}},
    {"name": "summarise", "share": 1, "prompt_tokens": {"distribution": "deterministic", "mean": 4000},
     "output_tokens": {"distribution": "deterministic", "mean": 20}, "slo": {"ttft_ms": 2000}}])");
}

TEST(WorkloadShapeParseTest, ClassesAreReadAndChecked) {
  auto s = ParseScenario(json{{"workload", {{"classes", Classes()}}}}, "");
  ASSERT_TRUE(s.ok()) << s.status().message();
  ASSERT_EQ(s->workload.sizes.classes.size(), 2u);
  EXPECT_DOUBLE_EQ(s->workload.sizes.classes[0].ttft_slo_s, 0.5);
  json dup = Classes();
  dup[1]["name"] = "chat";
  EXPECT_EQ(ErrorOf(json{{"workload", {{"classes", dup}}}}), "workload.classes[1].name: \"chat\" is taken");
  json bad = Classes();
  bad[0]["share"] = 0;
  EXPECT_EQ(ErrorOf(json{{"workload", {{"classes", bad}}}}),
            "workload.classes[0].share: must be a number between 0 and 1000000000000 (exclusive of the lower) (got 0)");
  EXPECT_EQ(ErrorOf(json{{"workload", {{"classes", Classes()}, {"prompt_tokens", {{"distribution", "deterministic"},
                                                                                   {"mean", 5}}}}}}),
            "workload.prompt_tokens: each of workload.classes has its own lengths; give them there");
}

// Chat (3 of 4 requests, 200-token prompts) and summarisation (1 of 4,
// 4,000-token prompts) on one Llama-3-8B replica: each class reports its
// own TTFT and attainment against its own objectives, and the shares hold.
TEST(WorkloadShapeParseTest, ClassesAreReportedOneByOne) {
  json doc = {{"seed", 5},
              {"workload", {{"arrival", {{"rate_per_s", 4}}}, {"requests", 800}, {"warmup_requests", 0},
                            {"classes", Classes()}}},
              {"replica", {{"model", "llama-3-8b"}, {"gpu", "h100-sxm"}}}};
  auto s = ParseScenario(doc, "");
  ASSERT_TRUE(s.ok()) << s.status().message();
  auto r = RunScenario(*s);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->classes.size(), 2u);
  const ClassReport& chat = r->classes[0];
  const ClassReport& sum = r->classes[1];
  EXPECT_EQ(chat.completed + sum.completed, r->completed);
  // Binomial share 3/4 of 800: sd 12.2.
  EXPECT_NEAR(static_cast<double>(chat.completed), 600, 50);
  // A 4,000-token prompt takes longer to prefill than a 200-token one.
  EXPECT_GT(sum.ttft_ms.p50, chat.ttft_ms.p50);
  EXPECT_EQ(chat.tpot_ms.count, chat.completed);
  EXPECT_GT(chat.slo_attainment, 0.9);  // lightly loaded
  const json j = ReportToJson(*r);
  EXPECT_EQ(j["classes"][1]["name"], "summarise");
  EXPECT_EQ(j["classes"][1]["slo"]["tpot_ms"], nullptr);
  EXPECT_DOUBLE_EQ(j["classes"][0]["slo"]["ttft_ms"].get<double>(), 500);
}

// TP inside a node unless asked; EP and attention DP parsed and checked.
TEST(WorkloadShapeParseTest, ParallelLayoutAndPlacement) {
  json doc = {{"replica", {{"model", "llama-3.1-405b"}, {"gpu", "h100-sxm"}, {"tp", 16}}}};
  EXPECT_EQ(ErrorOf(doc),
            "replica.tp: 16 GPUs of tensor parallelism would span 2 nodes of h100-sxm (8 per node); TP all-reduces "
            "the activations twice a layer, and across nodes over infiniband-ndr at 50 GB/s instead of nvlink4 at 450 "
            "GB/s. Keep tp <= 8 and put pp, ep or fleet replicas across nodes, or set replica.tp_across_nodes to true");
  doc["replica"]["tp_across_nodes"] = true;
  auto s = ParseScenario(doc, "");
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->replica()->hardware.tp_link.id, "infiniband-ndr");
  // PP across two nodes takes the scale-out link; TP stays on NVLink.
  s = ParseScenario(json{{"replica", {{"model", "llama-3.1-405b"}, {"gpu", "h100-sxm"}, {"tp", 8}, {"pp", 2}}}}, "");
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->replica()->hardware.tp_link.id, "nvlink4");
  EXPECT_EQ(s->replica()->hardware.pp_link.id, "infiniband-ndr");
  // DeepSeek-V3 with EP16 = TP1 x DP16 spans two nodes: the all-to-all goes over InfiniBand.
  s = ParseScenario(json{{"replica", {{"model", "deepseek-v3"}, {"gpu", "h200"}, {"ep", 16}, {"attention_dp", 16},
                                      {"dtype", {{"weights", "fp8"}}}}}}, "");
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->replica()->hardware.ep_link.id, "infiniband-ndr");
  EXPECT_EQ(s->replica()->gpus(), 16);
  // Gaudi 3's nodes are joined by its own RoCE ports (scale_out_link), not InfiniBand.
  s = ParseScenario(json{{"replica", {{"model", "llama-3.1-405b"}, {"gpu", "gaudi3"}, {"tp", 8}, {"pp", 2}}}}, "");
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->replica()->hardware.tp_link.id, "gaudi3-roce-scaleup");
  EXPECT_EQ(s->replica()->hardware.pp_link.id, "gaudi3-roce-scaleout");
  EXPECT_NE(ErrorOf(json{{"replica", {{"model", "llama-3.1-405b"}, {"gpu", "gaudi3"}, {"tp", 16}}}})
                .find("across nodes over gaudi3-roce-scaleout at 75 GB/s instead of gaudi3-roce-scaleup at 525 GB/s"),
            std::string::npos);
  EXPECT_EQ(ErrorOf(json{{"replica", {{"model", "llama-3-8b"}, {"gpu", "h100-sxm"}, {"mla_decode", "naive"}}}}),
            "replica.mla_decode: llama-3-8b has no latent attention (MLA)");
  EXPECT_EQ(ErrorOf(json{{"replica", {{"model", "deepseek-v3"}, {"gpu", "h200"}, {"ep", 8}, {"moe_imbalance", 0.5}}}}),
            "replica.moe_imbalance: must be a number between 1 and 1024 (got 0.5)");
}

// max_context comes from the model: Llama-3.1 takes a 100,000-token prompt
// that Llama-3 refuses, and a scenario may lower but not raise it.
TEST(WorkloadShapeParseTest, LongContextFromTheModel) {
  json doc = {{"workload", {{"requests", 3}, {"warmup_requests", 0}, {"arrival", {{"rate_per_s", 0.1}}},
                            {"prompt_tokens", {{"distribution", "deterministic"}, {"mean", 100000}}},
                            {"output_tokens", {{"distribution", "deterministic"}, {"mean", 8}}}}},
              {"replica", {{"model", "llama-3.1-8b"}, {"gpu", "h200"}, {"scheduler", {{"policy", "chunked_prefill"}}}}}};
  auto s = ParseScenario(doc, "");
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->replica()->scheduler.max_model_len, 131072);
  auto r = RunScenario(*s);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->completed, 3u);
  EXPECT_EQ(r->llm->rejected, 0u);
  doc["replica"]["model"] = "llama-3-8b";
  s = ParseScenario(doc, "");
  ASSERT_TRUE(s.ok());
  r = RunScenario(*s);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->llm->rejected, 3u);
  doc["replica"]["model"] = "llama-3.1-8b";
  doc["replica"]["scheduler"]["max_model_len"] = 200000;
  EXPECT_EQ(ErrorOf(doc), "replica.scheduler.max_model_len: must be at most the model's max_context 131072 (got 200000)");
}

}  // namespace
}  // namespace fleetlab
