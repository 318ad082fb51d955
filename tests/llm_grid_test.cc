// The grid: every shipped model x every datacenter GPU x TP in {1,2,4,8} x
// PP in {1,2,4,8}, through the planner (what `fleetlab plan` calls) and
// through a short run of a scenario (what `fleetlab run` calls). No
// combination may crash: a refusal (an error, or a split that does not
// fit) is fine; an answer must have finite, non-negative headline figures.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "fleetlab/llm/catalog.h"
#include "fleetlab/report/render.h"
#include "fleetlab/runner.h"
#include "fleetlab/scenario/parse.h"
#include "planner/planner.h"

namespace fleetlab {
namespace {

using nlohmann::json;

constexpr int kDegrees[] = {1, 2, 4, 8};

struct Tally {
  int tried = 0, refused = 0, ok = 0;
};

const Catalog& Shipped() {
  static const Catalog catalog = [] {
    auto c = Catalog::LoadDefault();
    EXPECT_TRUE(c.ok()) << c.status().message();
    return c.ok() ? *c : Catalog();
  }();
  return catalog;
}

std::vector<std::string> DatacenterGpus() {
  std::vector<std::string> ids;
  for (const GpuSpec& g : Shipped().gpus()) {
    if (g.device_class == "datacenter-gpu") ids.push_back(g.id);
  }
  return ids;
}

// Paths of the numbers in `v` that are not finite, or negative (but for the
// heatmap's owners: request ids, -1 for none).
void FindBadNumbers(const json& v, const std::string& path, std::vector<std::string>* bad) {
  if (v.is_structured()) {
    for (const auto& [key, child] : v.items()) {
      if (key != "owners") FindBadNumbers(child, path + "/" + key, bad);
    }
    return;
  }
  if (!v.is_number()) return;
  const double x = v.get<double>();
  if (!std::isfinite(x) || x < 0) bad->push_back(path + " = " + v.dump());
}

std::string Label(const std::string& model, const std::string& gpu, int tp, int pp) {
  return model + " on " + gpu + " TP" + std::to_string(tp) + " PP" + std::to_string(pp);
}

void CheckSplit(const SplitPlan& p, const std::string& label) {
  const double figures[] = {p.ttft_s,
                            p.tpot_s,
                            static_cast<double>(p.max_users),
                            static_cast<double>(p.users_simulated),
                            p.saturation_rps,
                            p.saturation_tokens_per_s,
                            p.p99_ttft_s_at_saturation,
                            p.mean_batch_at_saturation,
                            p.usd_per_million_output_tokens};
  for (double x : figures) EXPECT_TRUE(std::isfinite(x) && x >= 0) << label << ": " << x;
  EXPECT_GT(p.ttft_s, 0) << label;
  EXPECT_GT(p.saturation_tokens_per_s, 0) << label;
}

// Plans every split of tp x pp GPUs once per GPU count and reads off the
// grid's (tp, pp); the requests are few so the saturation runs are short.
Tally PlanGrid() {
  Tally t;
  for (const ModelSpec& m : Shipped().models()) {
    for (const std::string& gpu : DatacenterGpus()) {
      std::map<int, Result<std::vector<SplitPlan>>> by_gpus;
      for (int tp : kDegrees) {
        for (int pp : kDegrees) {
          ++t.tried;
          const int gpus = tp * pp;
          if (!by_gpus.contains(gpus)) {
            PlanRequest r;
            r.model = m.id, r.gpu = gpu, r.gpus = gpus;
            r.requests = 20, r.warmup = 5, r.max_running_per_engine = 8;
            by_gpus.emplace(gpus, PlanSplits(r, Shipped()));
          }
          const auto& plans = by_gpus.at(gpus);
          const SplitPlan* split = nullptr;
          if (plans.ok()) {
            for (const SplitPlan& p : *plans) split = p.tp == tp && p.pp == pp ? &p : split;
          }
          if (split == nullptr || !split->fits) {
            ++t.refused;
            continue;
          }
          ++t.ok;
          CheckSplit(*split, Label(m.id, gpu, tp, pp));
        }
      }
    }
  }
  return t;
}

json GridScenario(const std::string& model, const std::string& gpu, int tp, int pp) {
  json doc = json::parse(R"({"workload": {"arrival": {"process": "poisson", "rate_per_s": 20},
                                          "prompt_tokens": {"distribution": "lognormal", "mean": 512, "cv": 1},
                                          "output_tokens": {"distribution": "lognormal", "mean": 64, "cv": 1},
                                          "requests": 30, "warmup_requests": 5}})");
  doc["replica"] = {{"model", model}, {"gpu", gpu}, {"tp", tp}, {"pp", pp}};
  return doc;
}

// One short run; false if the scenario or the replica is refused.
bool RunOne(const std::string& model, const std::string& gpu, int tp, int pp) {
  auto s = ParseScenario(GridScenario(model, gpu, tp, pp), "");
  if (!s.ok()) return false;
  auto report = RunScenario(*s);
  if (!report.ok()) return false;
  const std::string label = Label(model, gpu, tp, pp);
  EXPECT_TRUE(report->llm.has_value()) << label;
  std::vector<std::string> bad;
  FindBadNumbers(ReportToJson(*report, true), "", &bad);
  for (const std::string& b : bad) ADD_FAILURE() << label << ": " << b;
  // 25 measured requests over 1.25 s of arrivals: a slow split may finish
  // none of them before the arrivals end, but finishes them in the drain.
  EXPECT_GT(report->completed, 0u) << label;
  EXPECT_GT(report->throughput_with_drain_rps, 0) << label;
  return true;
}

Tally RunGrid() {
  Tally t;
  for (const ModelSpec& m : Shipped().models()) {
    for (const std::string& gpu : DatacenterGpus()) {
      for (int tp : kDegrees) {
        for (int pp : kDegrees) {
          ++t.tried;
          ++(RunOne(m.id, gpu, tp, pp) ? t.ok : t.refused);
        }
      }
    }
  }
  return t;
}

void Print(const char* what, const Tally& t, std::chrono::steady_clock::time_point start) {
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%s: %d combinations, %d refused, %d ok, %.2f s\n", what, t.tried, t.refused, t.ok, s);
}

TEST(LlmGridTest, EveryModelGpuAndSplitPlansWithoutCrashing) {
  const auto start = std::chrono::steady_clock::now();
  const Tally t = PlanGrid();
  Print("plan grid", t, start);
  EXPECT_EQ(t.tried, static_cast<int>(Shipped().models().size() * DatacenterGpus().size() * 16));
  EXPECT_GT(t.ok, 0);
}

TEST(LlmGridTest, EveryModelGpuAndSplitRunsWithoutCrashing) {
  const auto start = std::chrono::steady_clock::now();
  const Tally t = RunGrid();
  Print("run grid", t, start);
  EXPECT_EQ(t.tried, static_cast<int>(Shipped().models().size() * DatacenterGpus().size() * 16));
  EXPECT_GT(t.ok, 0);
}

}  // namespace
}  // namespace fleetlab
