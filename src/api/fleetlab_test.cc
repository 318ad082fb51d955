// The embedding API (fleetlab.h): its headers carry no JSON library, and it
// gives what the parse / run / render layers it wraps give.
#include "fleetlab/fleetlab.h"

// fleetlab.h and everything it includes must not pull nlohmann's JSON in: a
// program embedding fleetlab sees only fleetlab's own types.
#if defined(INCLUDE_NLOHMANN_JSON_HPP_) || defined(INCLUDE_NLOHMANN_JSON_FWD_HPP_) || defined(NLOHMANN_JSON_VERSION_MAJOR)
#error "fleetlab/fleetlab.h includes nlohmann/json.hpp"
#endif

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "fleetlab/report/render.h"
#include "fleetlab/runner.h"
#include "fleetlab/scenario/parse.h"
#include "server/server_test_util.h"

namespace fleetlab {
namespace {

const char* kSmall = R"({"name": "small", "seed": 3,
  "workload": {"mode": "open", "arrival": {"process": "poisson", "rate_per_s": 50}, "requests": 2000},
  "station": {"servers": 1, "service": {"distribution": "exponential", "mean_ms": 10}}})";

TEST(Api, RunGivesWhatTheLayersItWrapsGive) {
  auto scenario = ParseScenarioText(kSmall);
  ASSERT_TRUE(scenario.ok()) << scenario.status().message();
  auto report = fleetlab::Run(*scenario);
  ASSERT_TRUE(report.ok()) << report.status().message();
  auto direct = RunScenario(*ParseScenario(nlohmann::json::parse(kSmall), ""));
  ASSERT_TRUE(direct.ok());
  EXPECT_EQ(ReportJson(*report), ReportToJson(*direct).dump(2));
  EXPECT_EQ(ReportText(*report), ReportToText(*direct));
  // The report echoes the document it ran.
  EXPECT_EQ(nlohmann::json::parse(ReportJson(*report, false, -1))["resolved_scenario"], nlohmann::json::parse(kSmall));
}

TEST(Api, OverridesApplyAndErrorsNameTheField) {
  ScenarioOptions o;
  o.overrides = {"seed=7", "workload.requests=500", "workload.warmup_requests=50"};
  auto s = ParseScenarioText(kSmall, o);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->seed, 7u);
  EXPECT_EQ(s->workload.requests, 500u);
  o.overrides = {"workload.arrival.rate_per_s=-3"};
  auto bad = ParseScenarioText(kSmall, o);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("workload.arrival.rate_per_s"), std::string::npos) << bad.status().message();
  auto syntax = ParseScenarioText("{");
  ASSERT_FALSE(syntax.ok());
  EXPECT_EQ(syntax.status().message().rfind("scenario: not valid JSON", 0), 0u) << syntax.status().message();
}

TEST(Api, FileAndTextGiveTheSameScenarioAgainstAPassedCatalog) {
  const std::string path = testing::SourceDir() + "/scenarios/llama3-70b-h100.json";
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  auto catalog = LoadCatalog(testing::SourceDir() + "/data");
  ASSERT_TRUE(catalog.ok()) << catalog.status().message();
  ScenarioOptions o;
  o.catalog = &*catalog;
  o.overrides = {"workload.requests=200", "workload.warmup_requests=0"};
  auto a = LoadScenarioFile(path, o);
  auto b = ParseScenarioText(text.str(), o);
  ASSERT_TRUE(a.ok() && b.ok()) << a.status().message() << b.status().message();
  auto ra = fleetlab::Run(*a);
  auto rb = fleetlab::Run(*b);
  ASSERT_TRUE(ra.ok() && rb.ok());
  ASSERT_TRUE(ra->llm.has_value());
  EXPECT_EQ(ReportJson(*ra), ReportJson(*rb));
  EXPECT_EQ(LoadScenarioFile("/nonexistent/x.json").status().message().rfind("/nonexistent/x.json", 0), 0u);
}

TEST(Api, CancelStopsARun) {
  ScenarioOptions big;
  big.overrides = {"workload.requests=50000"};  // past the first check, every kCancelCheckEvents events
  auto s = ParseScenarioText(kSmall, big);
  ASSERT_TRUE(s.ok());
  std::atomic<bool> cancel{true};
  RunOptions o;
  o.cancel = &cancel;
  int calls = 0;
  o.progress = [&calls](double) { ++calls; };
  auto r = fleetlab::Run(*s, o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kOutOfRange);
}

TEST(Api, TheLabTracksAndTheirAnswers) {
  auto tracks = LoadLabTracks();
  ASSERT_TRUE(tracks.ok()) << tracks.status().message();
  ASSERT_EQ(tracks->size(), 4u);
  for (const LabTrack& t : *tracks) {
    ASSERT_EQ(t.parts.size(), 3u) << t.id;
    for (const LabPart& p : t.parts) {
      EXPECT_FALSE(p.question.empty()) << t.id << " " << p.part;
      EXPECT_EQ(p.choice_ids.size(), p.choice_labels.size());
    }
  }
  // The answer is the tracks layer's, and names one of the part's choices.
  const LabPart& first = tracks->front().parts.front();
  auto answer = AnswerLabPart(first.track, first.part);
  ASSERT_TRUE(answer.ok()) << answer.status().message();
  EXPECT_FALSE(answer->reason.empty());
  EXPECT_NE(answer->evidence_json.find('{'), std::string::npos);
  if (first.kind == "choice") {
    EXPECT_NE(std::find(first.choice_ids.begin(), first.choice_ids.end(), answer->choice), first.choice_ids.end());
  }
  // The part's scenario runs as the file does, and overrides apply.
  auto scenario = LabPartScenario(first.track, first.part, {"workload.requests=300"});
  ASSERT_TRUE(scenario.ok()) << scenario.status().message();
  EXPECT_EQ(scenario->workload.requests, 300u);
  auto file = LoadScenarioFile(first.file, {.catalog = nullptr, .overrides = {"workload.requests=300"}});
  ASSERT_TRUE(file.ok()) << file.status().message();
  EXPECT_EQ(ReportJson(*fleetlab::Run(*scenario)), ReportJson(*fleetlab::Run(*file)));
  auto unknown = AnswerLabPart("cloud-tyrant", "part1");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("track: unknown track \"cloud-tyrant\"; known: "), std::string::npos);
  auto part9 = LabPartScenario(first.track, "part9");
  ASSERT_FALSE(part9.ok());
  EXPECT_NE(part9.status().message().find("part: \"part9\""), std::string::npos);
}

TEST(ShareDirectory, TheEnvironmentFirstThenTheSourceTree) {
  const char* old = std::getenv("FLEETLAB_SHARE_DIR");
  ASSERT_EQ(old, nullptr) << "the test expects FLEETLAB_SHARE_DIR unset";
  EXPECT_EQ(ShareDirectory(), testing::SourceDir());  // a build tree: no share/fleetlab beside bin/
  EXPECT_EQ(Catalog::BuiltinDirectory(), testing::SourceDir() + "/data");
  const auto dir = std::filesystem::temp_directory_path() / "fleetlab-share-dir-test";
  std::filesystem::create_directories(dir);
  setenv("FLEETLAB_SHARE_DIR", dir.c_str(), 1);
  EXPECT_EQ(ShareDirectory(), dir.string());
  setenv("FLEETLAB_SHARE_DIR", (dir / "missing").c_str(), 1);  // not a folder: ignored
  EXPECT_EQ(ShareDirectory(), testing::SourceDir());
  unsetenv("FLEETLAB_SHARE_DIR");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace fleetlab
