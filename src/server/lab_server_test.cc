// API tests: a LabServer on an ephemeral loopback port, driven by
// httplib::Client.
#include "fleetlab/server/lab_server.h"

#include <chrono>
#include <filesystem>
#include <future>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>

#include "fleetlab/frontier.h"
#include "fleetlab/report/render.h"
#include "fleetlab/runner.h"
#include "fleetlab/scenario/parse.h"
#include "planner/planner_json.h"
#include "server/lab_server_fixture.h"
#include "server/server_test_util.h"

namespace fleetlab {
namespace {

using nlohmann::json;

class LabServerTest : public testing::LabServerFixture {
 protected:
  LabServerTest() : LabServerFixture("lab") {}
  void SetUp() override {
    LabServerFixture::SetUp();
    testing::WriteFile(root_ + "/static/index.html", "<h1>the lab</h1>");
    testing::WriteFile(root_ + "/static/app.js", "console.log(1)");
    testing::WriteFile(root_ + "/secret.txt", "SECRET");
  }
};

// The error object of a reply, checked for the documented shape.
void ExpectError(const json& body, const std::string& code, const std::string& field) {
  ASSERT_TRUE(body.contains("error")) << body.dump();
  const json& e = body["error"];
  EXPECT_EQ(e["code"], code) << body.dump();
  if (field.empty()) {
    EXPECT_TRUE(e["field"].is_null()) << body.dump();
  } else {
    EXPECT_EQ(e["field"], field) << body.dump();
  }
  EXPECT_TRUE(e["message"].is_string());
}

TEST_F(LabServerTest, HealthCatalogAndTracksHaveTheDocumentedFields) {
  Start();
  json body;
  ASSERT_EQ(Get("/api/v1/health", &body), 200);
  EXPECT_EQ(body, json({{"status", "ok"}, {"version", "0.1.0"}, {"api", 1}}));
  ASSERT_EQ(Get("/api/v1/catalog", &body), 200);
  ASSERT_FALSE(body["models"].empty());
  for (const char* f : {"id", "name", "architecture"}) EXPECT_TRUE(body["models"][0][f].is_string()) << f;
  for (const char* f : {"params", "kv_bytes_per_token"}) EXPECT_TRUE(body["models"][0][f].is_number()) << f;
  ASSERT_FALSE(body["gpus"].empty());
  for (const char* f : {"memory_gb", "bandwidth_gbps", "power_w", "price_per_hour_usd"}) {
    EXPECT_TRUE(body["gpus"][0][f].is_number()) << f;
  }
  for (const char* f : {"bandwidth_gbps", "latency_us"}) EXPECT_TRUE(body["links"][0][f].is_number()) << f;
  EXPECT_TRUE(body["hosts"].is_array());

  ASSERT_EQ(Get("/api/v1/tracks", &body), 200);
  ASSERT_EQ(body["tracks"].size(), 1u);
  const json& t = body["tracks"][0];
  EXPECT_EQ(t["id"], "fixture-track");
  for (const char* f : {"name", "persona", "north_star", "crisis"}) EXPECT_TRUE(t[f].is_string()) << f;
  ASSERT_EQ(t["parts"].size(), 3u);
  const json& p = t["parts"][0];
  EXPECT_EQ(p["id"], "part1");
  EXPECT_EQ(p["number"], 1);
  EXPECT_EQ(p["question_kind"], "choice");
  EXPECT_EQ(p["choices"][1], json({{"id", "exponential"}, {"label", "Faster and faster"}}));
  EXPECT_EQ(p["controls"][0]["value"], 50);
  EXPECT_EQ(p["controls"][0]["max"], 95.0);
  EXPECT_EQ(p["controls"][1]["options"], json({1, 2, 4}));
  EXPECT_EQ(p["controls"][0]["options"], json::array());  // every control field is always present
  EXPECT_EQ(p["controls"][1]["step"], 0.0);
  EXPECT_EQ(p["target"]["max"], 100);
  EXPECT_TRUE(p["challenge"].is_null());
  EXPECT_FALSE(p.contains("scenario"));
}

TEST_F(LabServerTest, APartCarriesItsScenarioWithoutTheLabObject) {
  Start();
  json body;
  ASSERT_EQ(Get("/api/v1/tracks/fixture-track/part2", &body), 200);
  EXPECT_EQ(body["title"], "Part 2");
  EXPECT_EQ(body["scenario"]["workload"]["requests"], 2000);
  EXPECT_FALSE(body["scenario"].contains("lab"));
  ASSERT_EQ(Get("/api/v1/tracks/nope/part1", &body), 404);
  ExpectError(body, "not_found", "track");
  ASSERT_EQ(Get("/api/v1/tracks/fixture-track/part9", &body), 404);
  ExpectError(body, "not_found", "part");
  ASSERT_EQ(Get("/api/v1/nothing", &body), 404);
  ExpectError(body, "not_found", "");
}

TEST_F(LabServerTest, RunReturnsExactlyTheReportTheCliPrints) {
  Start();
  json body;
  ASSERT_EQ(Post("run", R"({"track": "fixture-track", "part": "part1",
                            "overrides": {"workload.arrival.rate_per_s": 80, "seed": 3}})", &body), 200);
  auto s = LoadScenario(options_.tracks_dir + "/fixture-track/part1.json",
                        {"workload.arrival.rate_per_s=80", "seed=3"});
  ASSERT_TRUE(s.ok()) << s.status().message();
  auto report = RunScenario(*s);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(body["report"], json::parse(ReportToJson(*report).dump()));
  EXPECT_TRUE(body["wall_ms"].is_number());
  EXPECT_DOUBLE_EQ(body["report"]["offered"]["rate_per_s"].get<double>(), 80.0);  // the override took effect
}

TEST_F(LabServerTest, ARefusedConfigurationSaysWhyWithTheFigures) {
  Start();
  json body;
  // Llama-3-70B's 70.6 B bf16 weights (141 GB) on one 80 GB H100.
  ASSERT_EQ(Post("run", R"({"scenario": {"workload": {"requests": 200, "warmup_requests": 10},
                            "replica": {"model": "llama-3-70b", "gpu": "h100-sxm", "tp": 1}}})", &body), 422);
  ExpectError(body, "refused", "scenario.replica");
  const std::string m = body["error"]["message"];
  EXPECT_NE(m.find("does not fit"), std::string::npos) << m;
  EXPECT_NE(m.find("141.1 GB"), std::string::npos) << m;
  EXPECT_NE(m.find("80.0 GB"), std::string::npos) << m;
}

TEST_F(LabServerTest, BadInputGetsTheDocumentedCodeAndField) {
  Start();
  json body;
  ASSERT_EQ(Post("run", R"({"track": "fixture-track", "part": "part1", "colour": 1})", &body), 400);
  ExpectError(body, "unknown_field", "colour");
  ASSERT_EQ(Post("run", R"({"scenario": {"workload": {"rate": 3}}})", &body), 400);
  ExpectError(body, "unknown_field", "scenario.workload.rate");
  ASSERT_EQ(Post("run", R"({"track": "fixture-track", "part": "part1", "series": "yes"})", &body), 400);
  ExpectError(body, "invalid_field", "series");
  ASSERT_EQ(Post("run", R"({"track": "fixture-track", "part": "part1"})" "garbage", &body), 400);
  ExpectError(body, "bad_json", "");
  ASSERT_EQ(Post("run", "[1, 2]", &body), 400);
  ExpectError(body, "bad_json", "");
  ASSERT_EQ(Post("run", R"({"scenario": {"workload": {"arrival": {"rate_per_s": -3}}}})", &body), 422);
  ExpectError(body, "invalid_field", "scenario.workload.arrival.rate_per_s");
  EXPECT_EQ(body["error"]["message"], "scenario.workload.arrival.rate_per_s: must be a rate between 1e-06 and 1e+09 per second (got -3)");
  ASSERT_EQ(Post("run", R"({"track": "fixture-track", "part": "part1",
                            "overrides": {"workload.arrival.rate_per_s": "fast"}})", &body), 422);
  ExpectError(body, "invalid_field", "workload.arrival.rate_per_s");
  ASSERT_EQ(Post("run", R"({"track": "fixture-track", "part": "part1", "overrides": {"a..b": 1}})", &body), 400);
  ExpectError(body, "invalid_field", "overrides.a..b");
  ASSERT_EQ(Post("run", R"({"part": "part1"})", &body), 400);
  ExpectError(body, "invalid_field", "track");
  ASSERT_EQ(Post("run", R"({})", &body), 400);
  ASSERT_EQ(Post("plan", R"({"model": "llama-3-8b"})", &body), 400);
  ExpectError(body, "invalid_field", "gpu");
  ASSERT_EQ(Post("memory", R"({"model": "llama-3-8b", "gpu": "h100-sxm", "context": 0})", &body), 422);
  ExpectError(body, "invalid_field", "context");
  ASSERT_EQ(Post("memory", R"({"model": "nope", "gpu": "h100-sxm", "context": 10})", &body), 422);
  EXPECT_EQ(body["error"]["field"], "model") << body.dump();
  // The planner's messages are the CLI's ("--attention-dp: ..."); a reply
  // names the body's field in both places, and a length past the model's
  // context blames `output`.
  ASSERT_EQ(Post("memory", R"({"model": "llama-3-8b", "gpu": "h100-sxm", "context": 10, "attention_dp": 2})", &body),
            422);
  ExpectError(body, "invalid_field", "attention_dp");
  EXPECT_EQ(body["error"]["message"].get<std::string>().rfind("attention_dp: llama-3-8b has no experts", 0), 0u)
      << body.dump();
  ASSERT_EQ(Post("plan", R"({"model": "llama-3-8b", "gpu": "h100-sxm", "prompt": 8000, "output": 1000})", &body), 422);
  ExpectError(body, "invalid_field", "output");
  EXPECT_EQ(body["error"]["message"], "output: prompt + output = 9000 tokens exceed llama-3-8b's max context of 8192");
  // The server still answers.
  ASSERT_EQ(Get("/api/v1/health", &body), 200);
}

TEST_F(LabServerTest, TheServerReadsNoFileARequestNames) {
  testing::WriteFile(root_ + "/traces/week.csv", "0.0,10,5\n0.5,20,5\n");
  options_.traces_dir = root_ + "/traces";
  Start();
  json body;
  ASSERT_EQ(Post("run", R"({"scenario": {"workload": {"arrival": {"process": "trace", "trace": "/etc/passwd"}}}})",
                 &body), 422);
  ExpectError(body, "invalid_field", "scenario.workload.arrival.trace");
  // Whatever the shape: a dot path, an object-valued override, a relative path.
  for (const char* overrides : {R"({"workload.arrival.trace": "/etc/passwd", "workload.arrival.process": "trace"})",
                                R"({"workload.arrival": {"process": "trace", "trace": "/etc/passwd"}})",
                                R"({"workload": {"arrival": {"process": "trace", "trace": "../../../etc/hostname"}}})",
                                R"({"workload.arrival": {"process": "trace", "trace": "secret.txt"}})"}) {
    ASSERT_EQ(Post("run", std::string(R"({"track": "fixture-track", "part": "part1", "overrides": )") + overrides +
                              "}", &body), 422) << overrides;
    ExpectError(body, "invalid_field", "workload.arrival.trace");
    const std::string message = body["error"]["message"];
    EXPECT_EQ(message.find("root:"), std::string::npos) << message;  // no file contents
    EXPECT_EQ(message.find(root_), std::string::npos) << message;   // no server paths
    EXPECT_NE(message.find("week"), std::string::npos) << message;  // the traces it may name
  }
  ASSERT_EQ(Post("answer", R"({"track": "fixture-track", "part": "part1",
                               "overrides": {"workload.arrival": {"process": "trace", "trace": "/etc/passwd"}}})",
                 &body), 422);
  ExpectError(body, "invalid_field", "workload.arrival.trace");
  // A trace the operator put in --traces, and one the request carries.
  ASSERT_EQ(Post("run", R"({"track": "fixture-track", "part": "part1",
                            "overrides": {"workload.arrival": {"process": "trace", "trace": "week"},
                                          "workload.requests": 2, "workload.warmup_requests": 0}})", &body), 200)
      << body.dump();
  ASSERT_EQ(Post("run", R"({"track": "fixture-track", "part": "part1",
                            "overrides": {"workload.arrival": {"process": "trace", "trace_data": "0,1,1\n1,1,1\n"},
                                          "workload.requests": 2, "workload.warmup_requests": 0}})", &body), 200)
      << body.dump();
}

TEST_F(LabServerTest, BodiesOverTheLimitGet413) {
  options_.max_body_bytes = 1024;
  Start();
  json body;
  const std::string big = R"({"scenario": {"name": ")" + std::string(4000, 'x') + R"("}})";
  ASSERT_EQ(Post("run", big, &body), 413);
  ExpectError(body, "too_large", "");
  ASSERT_EQ(Get("/api/v1/health"), 200);
}

TEST_F(LabServerTest, BoundsGiveLimitExceeded) {
  options_.bounds.max_events = 1000;  // the part's 2,000 requests need about 4,000
  Start();
  json body;
  ASSERT_EQ(Post("run", R"({"track": "fixture-track", "part": "part1",
                            "overrides": {"workload.requests": 10000000}})", &body), 422);
  ExpectError(body, "limit_exceeded", "workload.requests");
  ASSERT_EQ(Post("run", R"({"track": "fixture-track", "part": "part1"})", &body), 422);
  ExpectError(body, "limit_exceeded", "limits.max_events");
  // Memory: 10,000 LLM replicas with prefix caches (an entry for each of
  // their ~26,000 KV blocks: ~14 GiB) are refused before they are built.
  ASSERT_EQ(Post("run", R"({"scenario": {"workload": {"requests": 200000, "arrival": {"rate_per_s": 5}},
                            "replica": {"model": "llama-3-8b", "gpu": "h100-sxm", "kv": {"prefix_caching": true}},
                            "fleet": {"replicas": 10000}}})", &body), 422) << body.dump();
  EXPECT_EQ(body["error"]["code"], "limit_exceeded") << body.dump();
  EXPECT_NE(body["error"]["message"].get<std::string>().find("memory"), std::string::npos) << body.dump();
  ASSERT_EQ(Post("frontier", R"({"track": "fixture-track", "part": "part1",
                                 "rates": {"low": 1, "high": 9, "points": 1000}})", &body), 422);
  ExpectError(body, "invalid_field", "rates.points");
}

// A frontier's points run at their own rates: with workload.duration_s a
// rate sets the requests. The base was admitted at its own rate (0.001/s
// for 1e6 s: 1,000 requests) and the points at 1e3..1e9/s were not checked
// at all: 4.9 GB and a 500 after 8 s, or 16 s with loads.
TEST_F(LabServerTest, EveryFrontierPointIsBoundedAtItsOwnRate) {
  Start();
  json body;
  const std::string timed = R"("scenario": {"workload": {"arrival": {"rate_per_s": 0.001}, "duration_s": 1000000,
                                                          "warmup_requests": 0}, "station": {}})";
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(Post("frontier", "{" + timed + R"(, "rates": {"low": 1000, "high": 1e9, "points": 2}})", &body), 422);
  ExpectError(body, "limit_exceeded", "scenario.workload.duration_s");
  EXPECT_NE(body["error"]["message"].get<std::string>().find("(the frontier's point at 1000 req/s)"),
            std::string::npos) << body.dump();
  // Loads: the rates are known once the capacity is (100/s: 500 and 1000/s).
  ASSERT_EQ(Post("frontier", "{" + timed + R"(, "rates": {"low_load": 5, "high_load": 10, "points": 2}})", &body), 422);
  ExpectError(body, "limit_exceeded", "scenario.workload.duration_s");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
  // Each point within the per-run bound, together over the frontier's.
  ASSERT_EQ(Post("frontier", "{" + timed + R"(, "rates": {"low": 0.1, "high": 0.19, "points": 10}})", &body), 422);
  ExpectError(body, "limit_exceeded", "scenario.workload.duration_s");
  EXPECT_NE(body["error"]["message"].get<std::string>().find("in all"), std::string::npos) << body.dump();
}

// A request path's unloaded P99 is a run of its own (5,000 requests), which
// ignored the wall limit (a 4,000-member path held a request 39 s) and read
// a failed run as a P99 of 0.
TEST_F(LabServerTest, APathFrontiersUnloadedRunIsCancelledAtTheWallLimit) {
  options_.bounds.max_wall_s = 0.2;
  Start();
  json body;
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(Post("frontier", R"({"scenario": {"workload": {"requests": 2, "warmup_requests": 0},
      "path": {"stages": [{"fanout": {"branches": [{"name": "s", "repeat": 64, "stages": [{"fanout": {"branches": [
        {"name": "p", "repeat": 62, "replicas": 2, "station": {"service": {"distribution": "exponential", "mean_ms": 1}}}
      ]}}]}]}}]}}, "rates": {"low": 0.5, "high": 1, "points": 2}})", &body), 422) << body.dump();
  ExpectError(body, "limit_exceeded", "");
  EXPECT_NE(body["error"]["message"].get<std::string>().find("wall-time limit"), std::string::npos) << body.dump();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(3));
}

TEST_F(LabServerTest, ARunPastTheWallLimitIsCancelled) {
  options_.bounds.max_wall_s = 0.02;
  Start();
  json body;
  // 200,000 LLM requests take far longer than 20 ms.
  ASSERT_EQ(Post("run", R"({"scenario": {"workload": {"requests": 200000, "arrival": {"rate_per_s": 5}},
                            "replica": {"model": "llama-3-8b", "gpu": "h100-sxm"}}})", &body), 422);
  ExpectError(body, "limit_exceeded", "");
  EXPECT_NE(body["error"]["message"].get<std::string>().find("wall-time limit"), std::string::npos);
  ASSERT_EQ(Get("/api/v1/health"), 200);
}

TEST_F(LabServerTest, FrontierPlanAndMemoryMatchTheCli) {
  Start();
  json body;
  ASSERT_EQ(Post("frontier", R"({"track": "fixture-track", "part": "part1", "requests": 3000,
                                 "rates": {"low": 10, "high": 90, "points": 5}})", &body), 200);
  auto s = LoadScenario(options_.tracks_dir + "/fixture-track/part1.json", {"workload.requests=3000"});
  ASSERT_TRUE(s.ok());
  FrontierOptions o;
  o.rate_low_per_s = 10;
  o.rate_high_per_s = 90;
  o.points = 5;
  auto f = RunFrontier(*s, o);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(body, json::parse(FrontierToJson(*f).dump()));

  auto catalog = Catalog::LoadDefault();
  ASSERT_TRUE(catalog.ok());
  ASSERT_EQ(Post("memory", R"({"model": "llama-3-70b", "gpu": "h100-sxm", "tp": 4, "context": 4096})", &body), 200);
  MemoryRequest m;
  m.model = "llama-3-70b";
  m.gpu = "h100-sxm";
  m.tp = 4;
  m.context = 4096;
  auto users = PlanUsers(m, *catalog);
  ASSERT_TRUE(users.ok());
  EXPECT_EQ(body, json::parse(MemoryToJson(m, *users).dump()));

  ASSERT_EQ(Post("memory", R"({"model": "llama-3-70b", "gpu": "h100-sxm", "tp": 1, "context": 4096})", &body), 422);
  ExpectError(body, "refused", "");
  EXPECT_NE(body["error"]["message"].get<std::string>().find("does not fit"), std::string::npos);
  // Expert parallelism (docs/api.md): DeepSeek-V3 over EP8 = TP1 x DP8.
  ASSERT_EQ(Post("memory", R"({"model": "deepseek-v3", "gpu": "h200", "ep": 8, "attention_dp": 8, "gpus": 8,
                               "weight_dtype": "fp8", "context": 4096})", &body), 200);
  m = MemoryRequest{};
  m.model = "deepseek-v3";
  m.gpu = "h200";
  m.ep = m.attention_dp = 8;
  m.weight_dtype = DType::kFp8;
  m.context = 4096;
  users = PlanUsers(m, *catalog);
  ASSERT_TRUE(users.ok());
  EXPECT_EQ(body, json::parse(MemoryToJson(m, *users).dump()));
  EXPECT_EQ(body["gpus"], 8);
  ASSERT_EQ(Post("memory", R"({"model": "deepseek-v3", "gpu": "h200", "ep": 8, "attention_dp": 8, "gpus": 16,
                               "context": 4096})", &body), 422);
  ExpectError(body, "invalid_field", "gpus");
  EXPECT_EQ(body["error"]["message"], "gpus: must equal tp x attention_dp x pp = 8 (got 16)");

  ASSERT_EQ(Post("plan", R"({"model": "llama-3-8b", "gpu": "h100-sxm", "gpus": 2, "prompt": 256, "output": 64})",
                 &body), 200);
  PlanRequest p;
  p.model = "llama-3-8b";
  p.gpu = "h100-sxm";
  p.gpus = 2;
  p.prompt = 256;
  p.output = 64;
  auto plans = PlanSplits(p, *catalog);
  ASSERT_TRUE(plans.ok());
  EXPECT_EQ(body, json::parse(PlanToJson(*plans).dump()));
  for (const json& row : body) EXPECT_EQ(row["replicas"], 1);  // the lab's splits: no replica search by default
  // search_replicas: true is the CLI's default search (1 or 2 x TP1, TP2, PP2).
  ASSERT_EQ(Post("plan", R"({"model": "llama-3-8b", "gpu": "h100-sxm", "gpus": 2, "prompt": 256, "output": 64,
                             "search_replicas": true})", &body), 200);
  p.search_replicas = true;
  plans = PlanSplits(p, *catalog);
  ASSERT_TRUE(plans.ok());
  EXPECT_EQ(body, json::parse(PlanToJson(*plans).dump()));
  EXPECT_EQ(body.size(), 4u);
  ASSERT_EQ(Post("plan", R"({"model": "llama-3-8b", "gpu": "h100-sxm", "search_replicas": "yes"})", &body), 400);
  ExpectError(body, "invalid_field", "search_replicas");
  EXPECT_EQ(body["error"]["message"], "search_replicas: must be true or false (got \"yes\")");
  // search_disaggregation: the CLI's --disaggregation, judged at a rate (1 prefill + 1 decode replica of TP1 on 2).
  ASSERT_EQ(Post("plan", R"({"model": "llama-3-8b", "gpu": "h100-sxm", "gpus": 2, "search_disaggregation": true})",
                 &body), 422);
  ExpectError(body, "invalid_field", "search_disaggregation");
  ASSERT_EQ(Post("plan", R"({"model": "llama-3-8b", "gpu": "h100-sxm", "gpus": 2, "prompt": 256, "output": 64,
                             "rate_per_s": 4, "search_replicas": true, "search_disaggregation": true})", &body), 200);
  p.rate_per_s = 4;
  p.search_disaggregation = true;
  plans = PlanSplits(p, *catalog);
  ASSERT_TRUE(plans.ok()) << plans.status().message();
  EXPECT_EQ(body, json::parse(PlanToJson(*plans, true).dump()));
  int pools = 0;
  for (const json& row : body) pools += row.value("disaggregated", false) ? 1 : 0;
  EXPECT_EQ(pools, 1);
  // engine: the CLI's --engine, its replicas on the catalog's calibration profile.
  ASSERT_EQ(Post("plan", R"({"model": "llama-3-8b", "gpu": "h100-sxm", "gpus": 1, "engine": "vllm-v1"})", &body), 200);
  ASSERT_EQ(body.size(), 1u);
  EXPECT_EQ(body[0]["calibration"], "h100-sxm-bf16-vllm");
  EXPECT_EQ(body[0]["max_running"], 256);  // the lab's bound, where the CLI would take vLLM V1's 1,024
  p = PlanRequest{};
  p.model = "llama-3-8b";
  p.gpu = "h100-sxm";
  p.gpus = 1;
  p.engine = "vllm-v1";
  p.max_running_per_engine = 256;
  plans = PlanSplits(p, *catalog);
  ASSERT_TRUE(plans.ok());
  EXPECT_EQ(body, json::parse(PlanToJson(*plans).dump()));
  ASSERT_EQ(Post("plan", R"({"model": "llama-3-8b", "gpu": "h100-sxm", "engine": "vllm-v9"})", &body), 422);
  ExpectError(body, "invalid_field", "engine");
  ASSERT_EQ(Post("memory", R"({"model": "llama-3-8b", "gpu": "h100-sxm", "context": 768, "engine": "vllm-v9"})",
                 &body), 422);
  ExpectError(body, "invalid_field", "engine");
}

TEST_F(LabServerTest, AnswerCallsTheAnswererWithTheOverrides) {
  std::vector<std::string> seen;
  options_.answer = [&seen](const TrackPart& part, const std::vector<std::string>& overrides,
                           const AnswerHooks&) -> Result<TrackAnswer> {
    seen = overrides;
    TrackAnswer a;
    a.choice = "exponential";
    a.reason = "P99 grew fast in " + part.id;
    a.evidence = {{"runs", 2}};
    return a;
  };
  Start();
  json body;
  ASSERT_EQ(Post("answer", R"({"track": "fixture-track", "part": "part3",
                               "overrides": {"workload.arrival.rate_per_s": 20}})", &body), 200);
  EXPECT_EQ(body, json({{"choice", "exponential"}, {"value", 0.0}, {"reason", "P99 grew fast in part3"},
                        {"evidence", {{"runs", 2}}}}));
  EXPECT_EQ(seen, std::vector<std::string>{"workload.arrival.rate_per_s=20"});
  ASSERT_EQ(Post("answer", R"({"scenario": {}})", &body), 400);
  ExpectError(body, "unknown_field", "scenario");
  ASSERT_EQ(Post("answer", R"({"track": "fixture-track", "part": "part1", "overrides": {"seed": -1}})", &body), 422);
  ExpectError(body, "invalid_field", "seed");
}

TEST_F(LabServerTest, AFullPoolAnswers503WithRetryAfter) {
  options_.workers = 1;
  options_.queue = 0;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> entered;
  options_.answer = [&](const TrackPart&, const std::vector<std::string>&, const AnswerHooks&) -> Result<TrackAnswer> {
    entered.set_value();
    released.wait();
    return TrackAnswer{};
  };
  Start();
  auto slow = std::async(std::launch::async, [this] {
    httplib::Client c("127.0.0.1", server_->port());
    c.set_read_timeout(60);
    auto res = c.Post("/api/v1/answer", R"({"track": "fixture-track", "part": "part1"})", "application/json");
    return res ? res->status : -1;
  });
  entered.get_future().wait();  // the only worker is now busy
  auto res = client_->Post("/api/v1/run", R"({"track": "fixture-track", "part": "part1"})", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 503);
  EXPECT_EQ(res->get_header_value("Retry-After"), "1");
  ExpectError(json::parse(res->body), "busy", "");
  EXPECT_EQ(Get("/api/v1/health"), 200);  // light requests do not need a worker
  release.set_value();
  EXPECT_EQ(slow.get(), 200);
  EXPECT_EQ(Post("run", R"({"track": "fixture-track", "part": "part1"})"), 200);  // the worker is free again
}

TEST_F(LabServerTest, ServesOnlyFilesInsideTheStaticFolder) {
  Start();
  auto res = client_->Get("/");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "<h1>the lab</h1>");
  EXPECT_EQ(res->get_header_value("X-Fleetlab-Api"), "1");  // a site page's sign that a server is there
  res = client_->Get("/app.js");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  for (const char* path : {"/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/%2E%2E%2Fsecret.txt",
                           "/app.js/../../secret.txt", "/./../secret.txt", "/..\\secret.txt", "//secret.txt",
                           "/%252e%252e/secret.txt"}) {
    res = client_->Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_TRUE(res->status == 404 || res->status == 400) << path << " -> " << res->status;
    EXPECT_EQ(res->body.find("SECRET"), std::string::npos) << path;
  }
  EXPECT_EQ(Get("/api/v1/health"), 200);
}

TEST_F(LabServerTest, NoSymlinkLeadsOutOfTheStaticFolderAndTypesComeFromTheName) {
  std::filesystem::create_symlink(root_ + "/secret.txt", root_ + "/static/leak.txt");
  std::filesystem::create_directory_symlink("/etc", root_ + "/static/etc");
  std::filesystem::create_symlink(root_ + "/static/app.js", root_ + "/static/alias.js");  // inside: fine
  Start();
  for (const char* path : {"/leak.txt", "/etc/passwd", "/etc/hostname"}) {
    auto res = client_->Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 404) << path;
    EXPECT_EQ(res->body.find("SECRET"), std::string::npos) << path;
    EXPECT_EQ(res->body.find("root:"), std::string::npos) << path;
  }
  auto res = client_->Get("/alias.js");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(res->get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_NE(res->get_header_value("Content-Security-Policy").find("default-src 'self'"), std::string::npos);
  res = client_->Get("/index.html%00.png");  // not served as an image, not served at all
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  res = client_->Post("/", "{}", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 405);
  EXPECT_EQ(res->get_header_value("Allow"), "GET, HEAD");
}

TEST_F(LabServerTest, OneGetWithInvalidUtf8DoesNotKillTheServer) {
  Start();
  for (const char* path : {"/%ff", "/%c0%ae%c0%ae/x", "/api/v1/tracks/%ff/part1", "/api/v1/%ff"}) {
    json body;
    EXPECT_EQ(Get(path, &body), 400) << path;
    ExpectError(body, "invalid_field", "");
  }
  EXPECT_EQ(Get("/api/v1/health"), 200);
}

TEST_F(LabServerTest, AnswerRunsAreBoundedLikeRun) {
  options_.tracks_dir = testing::SourceDir() + "/tracks";
  options_.answer = &AnswerPart;
  options_.bounds.max_wall_s = 1;
  Start();
  const auto start = std::chrono::steady_clock::now();
  json body;
  // A closed loop for 100 simulated seconds (up to 8e7 requests): refused
  // not run for minutes.
  ASSERT_EQ(Post("answer", R"({"track": "cloud-titan", "part": "part3",
                               "overrides": {"workload.duration_s": 100}})", &body), 422) << body.dump();
  ExpectError(body, "limit_exceeded", "workload.duration_s");
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 5.0);
  ASSERT_EQ(Post("answer", R"({"track": "cloud-titan", "part": "part1",
                               "overrides": {"workload.requests": 100000000}})", &body), 422);
  ExpectError(body, "limit_exceeded", "workload.requests");
  EXPECT_EQ(Get("/api/v1/health"), 200);
}

TEST_F(LabServerTest, WithoutABuiltFrontEndTheRootSaysHowToBuildIt) {
  options_.static_dir = root_ + "/no-such-folder";
  Start();
  auto res = client_->Get("/");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_NE(res->body.find("not built"), std::string::npos);
  EXPECT_NE(res->body.find("make lab"), std::string::npos);
}

TEST_F(LabServerTest, AMalformedTrackFileFailsCreateNamingTheFile) {
  testing::WriteFile(options_.tracks_dir + "/fixture-track/part2.json", "{");
  auto server = LabServer::Create(options_);
  ASSERT_FALSE(server.ok());
  EXPECT_NE(server.status().message().find("part2.json"), std::string::npos) << server.status().message();
}

TEST_F(LabServerTest, APortInUseIsAnErrorNotACrash) {
  Start();
  LabServerOptions again = options_;
  again.port = server_->port();
  auto second = LabServer::Create(again);
  ASSERT_TRUE(second.ok());
  const Status s = (*second)->Start();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("cannot listen"), std::string::npos);
}

}  // namespace
}  // namespace fleetlab
