// RunHooks::kv_heatmap: the KV block map is sampled only when asked for (off
// by default), and leaving it off empties the heatmap and changes nothing else.
#include <gtest/gtest.h>

#include "fleetlab/report/render.h"
#include "fleetlab/runner.h"
#include "fleetlab/scenario/parse.h"

namespace fleetlab {
namespace {

using nlohmann::json;

json Workload() {
  return json::parse(R"({"arrival": {"process": "poisson", "rate_per_s": 4},
                         "prompt_tokens": {"distribution": "deterministic", "mean": 512},
                         "output_tokens": {"distribution": "deterministic", "mean": 64},
                         "requests": 120, "warmup_requests": 20})");
}

json Replica() { return json::parse(R"({"model": "llama-3-8b", "gpu": "h100-sxm"})"); }

// The series-rendered report of `doc` with and without the heatmap hook.
struct Pair {
  json on, off;
};
Pair RunBoth(const json& doc) {
  auto s = ParseScenario(doc, "");
  EXPECT_TRUE(s.ok()) << s.status().message();
  if (!s.ok()) return {};
  auto on = RunScenario(*s, RunHooks{.kv_heatmap = true});
  auto off = RunScenario(*s);
  EXPECT_TRUE(on.ok() && off.ok());
  if (!on.ok() || !off.ok()) return {};
  return {ReportToJson(*on, true), ReportToJson(*off, true)};
}

void ExpectOnlyTheHeatmapDiffers(Pair p) {
  const json& on = p.on["series"]["kv_heatmap"];
  const json& off = p.off["series"]["kv_heatmap"];
  EXPECT_GT(on["time_s"].size(), 0u);
  EXPECT_EQ(on["states"].size(), on["time_s"].size() * on["cells"].get<std::size_t>());
  EXPECT_EQ(off["time_s"].size(), 0u);
  EXPECT_EQ(off["states"].size(), 0u);
  EXPECT_EQ(off["owners"].size(), 0u);
  EXPECT_GT(p.off["series"]["queue"]["time_s"].size(), 0u);  // the other series stay
  p.on["series"].erase("kv_heatmap");
  p.off["series"].erase("kv_heatmap");
  EXPECT_EQ(p.on, p.off);
}

TEST(KvHeatmapHookTest, OneReplica) {
  ExpectOnlyTheHeatmapDiffers(RunBoth({{"workload", Workload()}, {"replica", Replica()}}));
}

TEST(KvHeatmapHookTest, AFleet) {
  const json fleet = json::parse(R"({"replicas": 2, "router": {"policy": "round_robin"}})");
  ExpectOnlyTheHeatmapDiffers(RunBoth({{"workload", Workload()}, {"replica", Replica()}, {"fleet", fleet}}));
}

TEST(KvHeatmapHookTest, Disaggregated) {
  const json pool = {{"replicas", 1}, {"replica", Replica()}};
  const json d = {{"prefill", pool}, {"decode", pool}, {"link", "nvlink4"}};
  ExpectOnlyTheHeatmapDiffers(RunBoth({{"workload", Workload()}, {"disaggregation", d}}));
}

}  // namespace
}  // namespace fleetlab
