// The per-request log (RunHooks::requests) against the report of the same
// run: every request leaves once, and the measured ones give the report's
// own statistics back.
#include "fleetlab/request_log.h"

#include <map>
#include <vector>

#include <gtest/gtest.h>

#include "fleetlab/report/render.h"
#include "fleetlab/runner.h"
#include "fleetlab/scenario/parse.h"

namespace fleetlab {
namespace {

using nlohmann::json;

class Collect final : public RequestLog {
 public:
  void OnRequest(const RequestRecord& r) override { records.push_back(r); }
  std::vector<RequestRecord> records;
};

struct Checked {
  json report;
  std::vector<RequestRecord> records;
};

Checked RunLogged(const json& doc) {
  auto s = ParseScenario(doc, "");
  EXPECT_TRUE(s.ok()) << s.status().message();
  Collect log;
  RunHooks hooks;
  hooks.kv_heatmap = false;
  hooks.requests = &log;
  auto r = RunScenario(*s, hooks);
  EXPECT_TRUE(r.ok());
  return {ReportToJson(*r), std::move(log.records)};
}

json Llm() {
  return json::parse(R"({"seed": 3,
    "workload": {"arrival": {"process": "poisson", "rate_per_s": 6}, "requests": 600, "warmup_requests": 60},
    "replica": {"model": "llama-3-70b", "gpu": "h100-sxm", "tp": 4}})");
}

// Each request id appears once; completed measured rows = requests.completed;
// their mean TTFT and e2e are the report's (the same observations).
void ExpectMatches(const Checked& c) {
  std::map<std::uint64_t, int> seen;
  double ttft = 0, e2e = 0;
  std::uint64_t completed = 0;
  for (const RequestRecord& r : c.records) {
    ++seen[r.id];
    if (!r.measured || !r.completed) continue;
    ++completed;
    e2e += static_cast<double>(r.end - r.arrival) / 1e6;
    if (r.first_token >= 0) ttft += static_cast<double>(r.first_token - r.arrival) / 1e6;
  }
  EXPECT_EQ(seen.size(), c.report["requests"]["arrived"].get<std::size_t>());
  for (const auto& [id, n] : seen) EXPECT_EQ(n, 1) << "request " << id;
  ASSERT_EQ(completed, c.report["requests"]["completed"].get<std::uint64_t>());
  EXPECT_NEAR(e2e / completed, c.report["latency_ms"]["e2e"]["mean"].get<double>(), 1e-6);
  if (c.report["latency_ms"].contains("ttft")) {
    EXPECT_NEAR(ttft / completed, c.report["latency_ms"]["ttft"]["mean"].get<double>(), 1e-6);
  }
}

TEST(RequestLogTest, OneReplica) { ExpectMatches(RunLogged(Llm())); }

TEST(RequestLogTest, FleetRowsNameTheirReplica) {
  json doc = Llm();
  doc["fleet"] = {{"replicas", 3}, {"router", {{"policy", "least_outstanding"}}}};
  const Checked c = RunLogged(doc);
  ExpectMatches(c);
  std::vector<std::uint64_t> per(3, 0);
  for (const RequestRecord& r : c.records) {
    ASSERT_GE(r.replica, 0);
    ASSERT_LT(r.replica, 3);
    if (r.measured && r.completed) ++per[static_cast<std::size_t>(r.replica)];
  }
  for (int i = 0; i < 3; ++i) EXPECT_EQ(per[i], c.report["fleet"]["per_replica"]["requests"][i].get<std::uint64_t>());
}

TEST(RequestLogTest, DisaggregatedRequestsLeaveFromTheDecodePool) {
  json doc = Llm();
  const json replica = doc["replica"];
  doc.erase("replica");
  doc["disaggregation"] = {{"prefill", {{"replica", replica}}}, {"decode", {{"replica", replica}}}};
  const Checked c = RunLogged(doc);
  ExpectMatches(c);
  for (const RequestRecord& r : c.records) {
    if (r.completed && r.output_tokens > 1) EXPECT_EQ(r.pool, RequestPool::kDecode) << r.id;
  }
}

TEST(RequestLogTest, StationRowsComeFromTheRun) {
  const Checked c = RunLogged(json::parse(R"({"seed": 2, "workload": {"arrival": {"rate_per_s": 50}, "requests": 3000,
    "warmup_requests": 100}, "station": {"servers": 1, "queue_capacity": 2}})"));
  ExpectMatches(c);
  std::uint64_t dropped = 0;
  for (const RequestRecord& r : c.records) dropped += r.completed ? 0 : 1;
  EXPECT_EQ(dropped, c.report["requests"]["dropped"].get<std::uint64_t>());
  EXPECT_GT(dropped, 0u);
}

}  // namespace
}  // namespace fleetlab
