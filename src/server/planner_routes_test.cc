// POST /api/v1/sweep and /api/v1/size: the CLI's results over HTTP, under
// the server's bounds (inline scenarios only, the estimate refused before
// any work, the wall-time limit).
#include <chrono>
#include <filesystem>
#include <thread>
#include <future>

#include <gtest/gtest.h>
#include <httplib.h>

#include "fleetlab/server/lab_server.h"
#include "fleetlab/sweep/sizing.h"
#include "server/lab_server_fixture.h"
#include "server/server_test_util.h"

namespace fleetlab {
namespace {

using nlohmann::json;

class PlannerRoutesTest : public testing::LabServerFixture {
 protected:
  PlannerRoutesTest() : LabServerFixture("planner-routes") {}
  void SetUp() override {
    LabServerFixture::SetUp();
    testing::WriteFile(root_ + "/secret.csv", "0,1,1\n");
  }
  int Post(const std::string& path, const json& body, json* out) {
    return LabServerFixture::Post(path, body.dump(), out);
  }
};

json Mm1Sweep() {
  return json::parse(R"({"base": {"seed": 1, "workload": {"arrival": {"rate_per_s": 50}, "requests": 2000,
                                   "warmup_requests": 100},
                                   "station": {"service": {"distribution": "exponential", "mean_ms": 10}}},
                         "axes": [{"path": "workload.arrival.rate_per_s", "values": [20, 50, 80]}]})");
}

void ExpectError(const json& body, const std::string& code, const std::string& field) {
  ASSERT_TRUE(body.contains("error")) << body.dump();
  EXPECT_EQ(body["error"]["code"], code) << body.dump();
  EXPECT_EQ(body["error"]["field"], field) << body.dump();
}

TEST_F(PlannerRoutesTest, SweepRowsAsTheCliWritesThem) {
  Start();
  json body;
  ASSERT_EQ(Post("sweep", {{"sweep", Mm1Sweep()}}, &body), 200) << body.dump();
  ASSERT_EQ(body["points"], 3);
  const json& rows = body["rows"];
  EXPECT_EQ(rows[1]["params"]["workload.arrival.rate_per_s"], 50);
  // Busier, slower: P99 grows with the rate.
  EXPECT_LT(rows[0]["e2e_p99_ms"].get<double>(), rows[2]["e2e_p99_ms"].get<double>());
}

// 200 points of a base whose station models price 262,144 batch sizes
// (~0.3 s a point to check).
json SlowToCheckSweep() {
  json sweep = json::parse(R"({"base": {"workload": {"requests": 100, "warmup_requests": 10},
      "path": {"stages": [{"pool": {"replicas": 1, "station": {"batching": {"max_batch": 262144},
          "model": {"model": "llama-3.2-1b", "device": "b200", "dtype": "int8", "tokens": 1}}}}]}},
      "axes": [{"path": "workload.arrival.rate_per_s", "values": []}]})");
  for (int i = 0; i < 200; ++i) sweep["axes"][0]["values"].push_back(10 + i);
  return sweep;
}

// Checking a sweep's points counts against the request's wall-time limit:
// such a sweep had held a request for over a minute.
TEST_F(PlannerRoutesTest, CheckingTheSweepsPointsStopsAtTheWallLimit) {
  options_.bounds.max_wall_s = 0.2;
  Start();
  const json sweep = SlowToCheckSweep();
  json body;
  const auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(Post("sweep", {{"sweep", sweep}}, &body), 422);
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  ExpectError(body, "limit_exceeded", "sweep.axes");
  EXPECT_NE(body["error"]["message"].get<std::string>().find("wall-time limit of 0.2 s"), std::string::npos);
  EXPECT_LT(took.count(), 5.0);  // a few points' worth, not 200
}

// Checking a sweep's points runs on its worker: on the two I/O threads it
// had held every other request, health included, for up to 10 s a sweep.
TEST_F(PlannerRoutesTest, HealthAnswersWhileASweepsPointsAreChecked) {
  options_.bounds.max_wall_s = 2;
  Start();
  const json sweep = SlowToCheckSweep();
  const int port = server_->port();
  auto send = [port, body = json{{"sweep", sweep}}.dump()] {
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(60);
    auto res = c.Post("/api/v1/sweep", body, "application/json");
    return res ? res->status : -1;
  };
  // Four at once: more than the server has I/O threads (two) or workers.
  std::vector<std::future<int>> sweeps;
  for (int i = 0; i < 4; ++i) sweeps.push_back(std::async(std::launch::async, send));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // their points are being checked
  const auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(Get("/api/v1/health"), 200);
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  EXPECT_LT(took.count(), 1.0);
  // Two run, past the 2 s limit in their checks; two wait for a worker (the
  // queue holds them) and then do the same.
  for (auto& s : sweeps) EXPECT_EQ(s.get(), 422);
}

TEST_F(PlannerRoutesTest, SweepBoundsAndFiles) {
  options_.bounds.max_sweep_points = 2;
  Start();
  json body, sweep = Mm1Sweep();
  ASSERT_EQ(Post("sweep", {{"sweep", sweep}}, &body), 422);
  ExpectError(body, "limit_exceeded", "sweep.axes");
  EXPECT_EQ(body["error"]["message"], "sweep.axes: 3 points in all after axes[0], more than 2") << body.dump();
  sweep["axes"][0]["values"] = {20};
  sweep["base"]["workload"]["requests"] = 10'000'000;
  ASSERT_EQ(Post("sweep", {{"sweep", sweep}}, &body), 422);
  EXPECT_EQ(body["error"]["code"], "limit_exceeded") << body.dump();
  EXPECT_NE(body["error"]["message"].get<std::string>().find("requests"), std::string::npos);
  sweep = Mm1Sweep();
  sweep["base"] = root_ + "/tracks/fixture-track/part1.json";
  ASSERT_EQ(Post("sweep", {{"sweep", sweep}}, &body), 422);
  ExpectError(body, "invalid_field", "sweep.base");
  sweep = Mm1Sweep();
  sweep["axes"][0]["values"] = {20};
  sweep["base"]["workload"]["arrival"] = {{"process", "trace"}, {"trace", root_ + "/secret.csv"}};
  ASSERT_EQ(Post("sweep", {{"sweep", sweep}}, &body), 422) << body.dump();
  EXPECT_NE(body["error"]["field"].get<std::string>().find("workload.arrival.trace"), std::string::npos) << body.dump();
  // A point's error names the field under sweep.base, and the point.
  sweep = Mm1Sweep();
  sweep["axes"][0] = {{"path", "station.servers"}, {"values", {1, 0}}};
  ASSERT_EQ(Post("sweep", {{"sweep", sweep}}, &body), 422) << body.dump();
  ExpectError(body, "invalid_field", "sweep.base.station.servers");
  EXPECT_NE(body["error"]["message"].get<std::string>().find("(sweep point 1: station.servers=0)"), std::string::npos)
      << body.dump();
  // Refused before its values are made: a million-point range, the server's
  // bound in samples.
  sweep = Mm1Sweep();
  sweep["axes"][0] = json::parse(R"({"path": "seed", "range": {"start": 1, "stop": 1000000, "step": 1}})");
  ASSERT_EQ(Post("sweep", {{"sweep", sweep}}, &body), 422) << body.dump();
  ExpectError(body, "limit_exceeded", "sweep.axes[0].range");
  sweep["mode"] = "sample";
  sweep["samples"] = 3;
  ASSERT_EQ(Post("sweep", {{"sweep", sweep}}, &body), 422) << body.dump();
  ExpectError(body, "limit_exceeded", "sweep.samples");
  ASSERT_EQ(Post("sweep", {{"sweep", 3}}, &body), 400);
  ASSERT_EQ(Post("sweep", {{"sweeps", Mm1Sweep()}}, &body), 400);
  ExpectError(body, "unknown_field", "sweeps");
}

// An axis over limits.max_events cannot lift the server's bound: each
// point runs under it, and the row says it stopped there.
TEST_F(PlannerRoutesTest, SweepPointsRunUnderTheServersEventBound) {
  options_.bounds.max_events = 1000;  // the point needs about 4,000
  Start();
  json body, sweep = Mm1Sweep();
  sweep["axes"][0] = {{"path", "limits.max_events"}, {"values", {1'000'000'000}}};
  ASSERT_EQ(Post("sweep", {{"sweep", sweep}}, &body), 200) << body.dump();
  const json& row = body["rows"][0];
  ASSERT_TRUE(row["error"].is_string()) << row.dump();
  EXPECT_NE(row["error"].get<std::string>().find("max_events"), std::string::npos) << row.dump();
}

json SmallQuestion() {
  return json::parse(R"({"model": "llama-3-8b", "gpus": ["h100-sxm"], "rate_per_s": 20,
    "workload": {"prompt_tokens": {"distribution": "deterministic", "mean": 256},
                 "output_tokens": {"distribution": "deterministic", "mean": 64}},
    "slo": {"ttft_ms": 400, "tpot_ms": 40}, "search": {"tp": [1, 2], "pp": [1], "pd_ratios": []},
    "requests": 200})");
}

TEST_F(PlannerRoutesTest, SizeAnswersAsTheCli) {
  Start();
  json body;
  ASSERT_EQ(Post("size", {{"question", SmallQuestion()}}, &body), 200) << body.dump();
  EXPECT_EQ(body["kind"], "sizing");
  ASSERT_FALSE(body["fleets"].empty()) << body.dump();
  auto spec = ParseSizing(SmallQuestion(), ParseOptions{});
  ASSERT_TRUE(spec.ok());
  spec->base["limits"]["max_events"] = options_.bounds.max_events;  // as the server lowers it
  SizingOptions o;
  auto cli = RunSizing(*spec, o);
  ASSERT_TRUE(cli.ok());
  EXPECT_EQ(body["fleets"], SizingToJson(*spec, *cli)["fleets"]);
}

TEST_F(PlannerRoutesTest, SizeBounds) {
  options_.bounds.max_size_requests = 1000;
  Start();
  json body, q = SmallQuestion();
  ASSERT_EQ(Post("size", {{"question", q}}, &body), 422);
  ExpectError(body, "limit_exceeded", "question.requests");
  q["gpus"] = {"h100"};
  ASSERT_EQ(Post("size", {{"question", q}}, &body), 422) << body.dump();
  EXPECT_EQ(body["error"]["field"], "question.gpus[0]") << body.dump();
  q = SmallQuestion();
  q["base"] = "scenarios/llama3-70b-h100.json";
  ASSERT_EQ(Post("size", {{"question", q}}, &body), 422);
  ExpectError(body, "invalid_field", "question.base");
}

TEST_F(PlannerRoutesTest, ASweepPastTheWallLimitIsCancelled) {
  options_.bounds.max_wall_s = 0.02;
  Start();
  json body, sweep = Mm1Sweep();
  sweep["base"]["workload"]["requests"] = 150'000;  // about 50 ms a point here
  ASSERT_EQ(Post("sweep", {{"sweep", sweep}}, &body), 422) << body.dump();
  EXPECT_EQ(body["error"]["code"], "limit_exceeded");
  EXPECT_NE(body["error"]["message"].get<std::string>().find("wall-time limit"), std::string::npos) << body.dump();
}

TEST_F(PlannerRoutesTest, ASearchPastTheWallLimitIsCancelled) {
  options_.bounds.max_wall_s = 0.02;
  Start();
  json body, q = SmallQuestion();
  q["requests"] = 2000;
  ASSERT_EQ(Post("size", {{"question", q}}, &body), 422) << body.dump();
  EXPECT_EQ(body["error"]["code"], "limit_exceeded");
  EXPECT_NE(body["error"]["message"].get<std::string>().find("wall-time limit"), std::string::npos) << body.dump();
}

}  // namespace
}  // namespace fleetlab
