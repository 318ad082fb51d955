// Every track part: it loads, runs, is deterministic, and the engine answers
// its question with one of its own choices. The expected answers are pinned
// with the physics that decides them, so a model change that flips one is
// seen and argued about, not silently shipped.
#include <map>
#include <vector>
#include <string>

#include <gtest/gtest.h>

#include "fleetlab/report/render.h"
#include "fleetlab/runner.h"
#include "fleetlab/scenario/parse.h"
#include "fleetlab/tracks/tracks.h"

namespace fleetlab {
namespace {

const std::vector<Track>& Shipped() {
  static const std::vector<Track> tracks = [] {
    auto t = LoadTracks(DefaultTracksDir());
    EXPECT_TRUE(t.ok()) << t.status().message();
    return t.ok() ? *t : std::vector<Track>{};
  }();
  return tracks;
}

TEST(TracksTest, FourTracksOfThreeParts) {
  ASSERT_EQ(Shipped().size(), 4u);
  const char* ids[] = {"cloud-titan", "edge-guardian", "mobile-nomad", "tiny-pioneer"};
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(Shipped()[i].id, ids[i]);
    ASSERT_EQ(Shipped()[i].parts.size(), 3u);
    for (const TrackPart& p : Shipped()[i].parts) {
      EXPECT_FALSE(p.controls.empty()) << p.file;
      EXPECT_FALSE(p.instruments.empty()) << p.file;
      EXPECT_FALSE(p.reflection.empty()) << p.file;
    }
  }
}

TEST(TracksTest, EveryPartRunsAndIsDeterministic) {
  for (const Track& t : Shipped()) {
    for (const TrackPart& p : t.parts) {
      auto s = LoadScenario(p.file, {});
      ASSERT_TRUE(s.ok()) << s.status().message();
      auto a = RunScenario(*s), b = RunScenario(*s);
      ASSERT_TRUE(a.ok() && b.ok()) << p.file;
      EXPECT_GT(a->completed, 0u) << p.file;
      EXPECT_TRUE(a->stable) << p.file << ": " << a->stability_note;
      EXPECT_EQ(ReportToJson(*a).dump(), ReportToJson(*b).dump()) << p.file;
    }
  }
}

// The values a control can take that the test tries: its own, its options
// (a toggle's [off, on]), a range's ends.
std::vector<nlohmann::json> Values(const TrackControl& c) {
  std::vector<nlohmann::json> out;
  if (!c.value.is_null()) out.push_back(c.value);
  for (const nlohmann::json& o : c.options) out.push_back(o);
  if (c.kind == "toggle" && c.options.empty()) out.insert(out.end(), {false, true});
  if (c.kind == "range") out.insert(out.end(), {c.min, c.max});
  return out;
}

// Every control's path exists in the scenario or is accepted by the parser
// at its own value (a control that names a misspelt field would only fail
// when a student moves it). A control that acts only under a condition is
// tried where the control that sets its condition makes it act.
TEST(TracksTest, EveryControlIsAFieldTheParserAccepts) {
  for (const Track& t : Shipped()) {
    for (const TrackPart& p : t.parts) {
      for (const TrackControl& c : p.controls) {
        const nlohmann::json v = !c.value.is_null()          ? c.value
                                 : !c.options.empty()       ? c.options.back()
                                 : c.kind == "toggle"       ? nlohmann::json(true)
                                                            : nlohmann::json(c.min);
        std::vector<std::vector<std::string>> tries = {{c.path + "=" + v.dump()}};
        if (!c.when.is_null()) {
          const std::string w = c.when["path"];
          for (const TrackControl& g : p.controls) {
            if (w != g.path && w.rfind(g.path + ".", 0) != 0) continue;
            for (const nlohmann::json& gv : Values(g)) tries.push_back({g.path + "=" + gv.dump(), c.path + "=" + v.dump()});
          }
        }
        std::string last;
        bool ok = false;
        for (const auto& sets : tries) {
          auto s = LoadScenario(p.file, sets);
          ok = ok || s.ok();
          if (!s.ok()) last = s.status().message();
        }
        EXPECT_TRUE(ok) << p.file << " control " << c.path << ": " << last;
      }
    }
  }
}

TEST(TracksTest, TheEngineAnswersEveryQuestion) {
  // The answers, and why the engine must find them.
  const std::map<std::string, std::string> expected = {
      // 16 batch slots per replica: a 32-server queue whose slots are all busy
      // near its measured capacity; P99 TTFT grows ~10x from 50% to 90%.
      {"cloud-titan/part1", "exponential"},
      // TP over NVLink splits every layer 8 ways; PP runs 80 layers in turn.
      {"cloud-titan/part2", "tp"},
      // A 10-way join with 1% 12 ms stalls per call, plus queueing behind them.
      {"edge-guardian/part1", "exponential"},
      // TP over automotive Ethernet pays 48 all-reduces per frame; PP one hop.
      {"edge-guardian/part2", "pp"},
      // Independent copies: both stall with probability 0.01 x 0.01.
      {"edge-guardian/part3", "falls"},
      // The statistic is the stutter (frames missing 16.7 ms): the queue for
      // the shared Wi-Fi airtime shows there first (the P99 is alpha's tail).
      {"mobile-nomad/part1", "exponential"},
      // The split ships a 151 KB activation over Wi-Fi and runs half on a SoC.
      {"mobile-nomad/part2", "tp"},
      // A second independent Wi-Fi path: P(both slow) is tiny.
      {"mobile-nomad/part3", "most"},
      // One frame per call: an M/D/1-like gateway whose wait grows as rho/(1-rho).
      {"tiny-pioneer/part1", "exponential"},
      // Two Bluetooth hops at ~5 ms each against 0.09 ms on the NPU.
      {"tiny-pioneer/part2", "earbud"},
      // Busy under 1% of each frame, asleep at ~10 uW the rest.
      {"tiny-pioneer/part3", "under1"},
  };
  for (const Track& t : Shipped()) {
    for (const TrackPart& p : t.parts) {
      auto a = AnswerPart(p);
      ASSERT_TRUE(a.ok()) << p.file << ": " << a.status().message();
      EXPECT_FALSE(a->reason.empty());
      EXPECT_TRUE(a->evidence.contains("runs")) << p.file;
      if (p.question_kind == "number") {
        EXPECT_GT(a->value, 0) << p.file;
        continue;
      }
      bool known = false;
      for (const TrackChoice& c : p.choices) known = known || c.id == a->choice;
      EXPECT_TRUE(known) << p.file << ": answer \"" << a->choice << "\" is not one of its choices";
      const auto e = expected.find(t.id + "/" + p.id);
      ASSERT_NE(e, expected.end()) << t.id << "/" << p.id;
      EXPECT_EQ(a->choice, e->second) << p.file << ": " << a->reason;
    }
  }
}

TEST(TracksTest, PagingFitsSeveralTimesTheUsersOfContiguousReservations) {
  const TrackPart& p = Shipped()[0].parts[2];
  auto a = AnswerPart(p);
  ASSERT_TRUE(a.ok()) << a.status().message();
  // Max-length (8,192-token) reservations against ~1,300-token mean contexts
  // (1,024-token prompts, 512-token answers): users running at once under
  // saturation, well above 3x.
  EXPECT_GT(a->value, 3.0);
  EXPECT_LT(a->value, 15.0);
}

TEST(TracksTest, OverridesReachTheAnswer) {
  // Over a slow 1 Gb/s link TP is even worse for the ViT-L split: PP still wins, and TP's
  // all-reduces cannot keep up at all (an unbounded P50, said in words, not "inf").
  const TrackPart& p = Shipped()[1].parts[1];
  auto a = AnswerPart(p, {"path.stages.1.fanout.branches.0.station.model.link=auto-eth-1000base-t1"});
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(a->choice, "pp");
  EXPECT_NE(a->reason.find("pp wins: tp does not keep up at this load"), std::string::npos) << a->reason;
  EXPECT_EQ(a->reason.find("inf"), std::string::npos) << a->reason;
  auto bad = AnswerPart(p, {"path.stages.1.fanout.branches.0.station.model.device=nonexistent"});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("unknown device"), std::string::npos);
}

}  // namespace
}  // namespace fleetlab
