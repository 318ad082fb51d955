// Every part teaches from its defaults: its challenge starts unmet and the
// winning path stored in its track file passes it at the same load; each
// Part 2 target is missed by the defaults and met by its stored path within
// the part's budget; every control that acts only under a condition names
// a field a control sets. The lab's e2e lesson audit checks the same on the
// page; this is the engine's half, without a browser.
#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "fleetlab/report/render.h"
#include "fleetlab/runner.h"
#include "fleetlab/scenario/parse.h"
#include "fleetlab/tracks/tracks.h"
#include "tracks/rule.h"

namespace fleetlab {
namespace {

using nlohmann::json;

const std::vector<Track>& Shipped() {
  static const std::vector<Track> tracks = [] {
    auto t = LoadTracks(DefaultTracksDir());
    EXPECT_TRUE(t.ok()) << t.status().message();
    return t.ok() ? *t : std::vector<Track>{};
  }();
  return tracks;
}

// The part's scenario with `overrides` ({path: value}), run; its report JSON.
json RunPart(const TrackPart& p, const json& overrides) {
  std::vector<std::string> sets;
  for (const auto& [k, v] : overrides.items()) sets.push_back(k + "=" + v.dump());
  auto s = LoadScenario(p.file, sets);
  EXPECT_TRUE(s.ok()) << p.file << ": " << s.status().message();
  if (!s.ok()) return json::object();
  RunHooks hooks;
  hooks.kv_heatmap = false;
  auto r = RunScenario(*s, hooks);
  EXPECT_TRUE(r.ok()) << p.file;
  return r.ok() ? ReportToJson(*r) : json::object();
}

double Get(const json& report, const std::string& path) {
  auto v = tracks::Metric(report, path);
  EXPECT_TRUE(v.ok()) << path << ": " << v.status().message();
  return v.ok() ? *v : std::nan("");
}

json Steps(const json& path) {
  json all = json::object();
  for (const json& step : path) all.update(step);
  return all;
}

// The challenge's verdict for the student's `mine` settings, as the lab judges it
// (web/src/views/challenge.ts): the "before" copies the same-load paths and takes the change away.
bool Passes(const TrackPart& p, const json& mine, std::string* why) {
  const json& c = p.challenge;
  json before = json::object();
  for (const json& path : c.value("same_load", json::array())) {
    if (mine.contains(path.get<std::string>())) before[path.get<std::string>()] = mine[path.get<std::string>()];
  }
  before.update(c.value("baseline_overrides", json::object()));
  const json b = RunPart(p, before), m = RunPart(p, mine);
  const std::string metric = c["metric"], guard = c["guard"]["metric"];
  const double change = Get(m, metric) / Get(b, metric) - 1;
  const double regression = Get(m, guard) / Get(b, guard) - 1;
  *why = metric + " " + std::to_string(change) + ", " + guard + " " + std::to_string(regression);
  return change <= c["change"].get<double>() && regression <= c["guard"].value("max_regression", 0.0);
}

TEST(LessonTest, EveryChallengeStartsUnmetAndItsWinningPathPasses) {
  int challenges = 0;
  for (const Track& t : Shipped()) {
    for (const TrackPart& p : t.parts) {
      if (p.challenge.is_null()) continue;
      ++challenges;
      std::string why;
      EXPECT_FALSE(Passes(p, json::object(), &why)) << p.file << ": passes at its defaults (" << why << ")";
      ASSERT_TRUE(p.challenge.contains("winning_path")) << p.file;
      EXPECT_TRUE(Passes(p, Steps(p.challenge["winning_path"]), &why)) << p.file << ": " << why;
    }
  }
  EXPECT_EQ(challenges, 4);
}

TEST(LessonTest, EveryPart2TargetIsMissedByTheDefaultsAndMetByItsPathWithinBudget) {
  for (const Track& t : Shipped()) {
    const TrackPart& p = t.parts[1];
    ASSERT_TRUE(p.target.is_object()) << p.file;
    const std::string metric = p.target["metric"];
    const double max = p.target["max"];
    EXPECT_GT(Get(RunPart(p, json::object()), metric), max) << p.file << ": the defaults already meet the target";
    ASSERT_TRUE(p.target.contains("winning_path")) << p.file;
    json doc = ReadJsonFile(p.file).value();
    json settings = json::object();
    for (const json& step : p.target["winning_path"]) {
      settings.update(step);
      for (const auto& [k, v] : step.items()) ASSERT_TRUE(ApplyOverride(doc, k + "=" + v.dump()).ok());
      EXPECT_TRUE(CheckBudget(p, doc).ok) << p.file << ": a step of the winning path is over budget";
    }
    EXPECT_LE(p.target["winning_path"].size(), 10u);
    EXPECT_LE(Get(RunPart(p, settings), metric), max) << p.file << ": the winning path misses the target";
  }
}

TEST(LessonTest, TheBudgetRefusesMoreGpusWithTheReason) {
  const TrackPart& p = Shipped()[0].parts[1];  // cloud-titan part2: replicas x TP x PP <= 8
  json doc = ReadJsonFile(p.file).value();
  ASSERT_TRUE(ApplyOverride(doc, "replica.tp=8").ok());  // TP8 x PP4 (the default PP)
  const BudgetCheck b = CheckBudget(p, doc, {"replica.tp=8"});
  EXPECT_FALSE(b.ok);
  EXPECT_EQ(b.used, 32);
  EXPECT_EQ(b.field, "replica.tp");
  EXPECT_EQ(b.message, "replica.tp: this configuration uses 32 GPUs (1 x 8 x 4); the part's budget is 8 GPUs (replicas x TP x PP <= 8)");
  ASSERT_TRUE(ApplyOverride(doc, "replica.pp=1").ok());
  EXPECT_TRUE(CheckBudget(p, doc).ok);
}

TEST(LessonTest, EveryConditionalControlIsEnabledByAnotherControl) {
  for (const Track& t : Shipped()) {
    for (const TrackPart& p : t.parts) {
      for (const TrackControl& c : p.controls) {
        if (c.when.is_null()) continue;
        const std::string w = c.when["path"];
        bool gated = false;
        for (const TrackControl& g : p.controls) gated = gated || w == g.path || w.rfind(g.path + ".", 0) == 0;
        EXPECT_TRUE(gated) << p.file << ": " << c.path << " acts only when " << w << " changes, which no control sets";
        EXPECT_GT(c.when_text.size(), 20u) << p.file << ": " << c.path;
      }
    }
  }
}

TEST(LessonTest, TheUsersFigureIsOneFigure) {
  // Cloud Titan Part 3: the reveal's ratio is the users chart's: concurrency.running of the same two runs.
  const TrackPart& p = Shipped()[0].parts[2];
  auto a = AnswerPart(p);
  ASSERT_TRUE(a.ok()) << a.status().message();
  const double paged = Get(RunPart(p, {{"replica.kv.allocator", "paged"}}), "concurrency.running");
  const double contiguous = Get(RunPart(p, {{"replica.kv.allocator", "contiguous"}}), "concurrency.running");
  EXPECT_DOUBLE_EQ(a->value, paged / contiguous);
  // And the default is past the KV wall: requests are preempted and recomputed.
  const json r = RunPart(p, json::object());
  EXPECT_GT(Get(r, "preemption.count"), 0);
  EXPECT_GT(Get(r, "preemption.recomputed_tokens"), 0);
  EXPECT_GT(Get(r, "preemption.recompute_ms"), 0);
}

}  // namespace
}  // namespace fleetlab
