#include <filesystem>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "fleetlab/tracks/tracks.h"
#include "server/server_test_util.h"

namespace fleetlab {
namespace {

using nlohmann::json;
using testing::FixturePart;
using testing::MakeTempDir;
using testing::WriteFile;
using testing::WriteFixtureTracks;

TEST(LoadTracksTest, ReadsTrackPartsControlsAndTheirScenarioValues) {
  const std::string dir = MakeTempDir("tracks");
  WriteFixtureTracks(dir);
  auto tracks = LoadTracks(dir);
  ASSERT_TRUE(tracks.ok()) << tracks.status().message();
  ASSERT_EQ(tracks->size(), 1u);
  const Track& t = tracks->front();
  EXPECT_EQ(t.id, "fixture-track");
  EXPECT_EQ(t.persona, "Tester");
  ASSERT_EQ(t.parts.size(), 3u);
  const TrackPart& p = t.parts[1];
  EXPECT_EQ(p.id, "part2");
  EXPECT_EQ(p.number, 2);
  EXPECT_EQ(p.track, "fixture-track");
  EXPECT_EQ(p.title, "Part 2");
  EXPECT_EQ(p.question_kind, "choice");
  ASSERT_EQ(p.choices.size(), 2u);
  EXPECT_EQ(p.choices[1].id, "exponential");
  ASSERT_EQ(p.controls.size(), 2u);
  EXPECT_EQ(p.controls[0].value, json(50));          // the scenario's rate
  EXPECT_DOUBLE_EQ(p.controls[0].max, 95);
  EXPECT_EQ(p.controls[1].value, json(1));           // station.servers as written
  EXPECT_EQ(p.controls[1].options.size(), 3u);
  EXPECT_EQ(p.instruments, std::vector<std::string>{"frontier"});
  EXPECT_EQ(p.target["max"], json(100));
  EXPECT_TRUE(p.challenge.is_null());
  EXPECT_EQ(p.lab["rule"]["kind"], "growth");
  EXPECT_EQ(p.file, dir + "/fixture-track/part2.json");
}

TEST(LoadTracksTest, ControlValueIsNullWhenTheScenarioDoesNotSetThePath) {
  const std::string dir = MakeTempDir("tracks");
  WriteFixtureTracks(dir);
  json part = FixturePart(1);
  part["station"].erase("servers");
  WriteFile(dir + "/fixture-track/part1.json", part.dump());
  auto tracks = LoadTracks(dir);
  ASSERT_TRUE(tracks.ok()) << tracks.status().message();
  EXPECT_TRUE(tracks->front().parts[0].controls[1].value.is_null());
}

TEST(LoadTracksTest, SortsTracksByOrder) {
  const std::string dir = MakeTempDir("tracks");
  WriteFixtureTracks(dir);
  std::filesystem::copy(dir + "/fixture-track", dir + "/another", std::filesystem::copy_options::recursive);
  WriteFile(dir + "/another/track.json", R"({"id": "another", "name": "A", "persona": "P", "north_star": "N",
    "crisis": "C", "order": 2})");
  WriteFile(dir + "/fixture-track/track.json", R"({"id": "fixture-track", "name": "F", "persona": "P",
    "north_star": "N", "crisis": "C", "order": 3})");
  auto tracks = LoadTracks(dir);
  ASSERT_TRUE(tracks.ok()) << tracks.status().message();
  ASSERT_EQ(tracks->size(), 2u);
  EXPECT_EQ((*tracks)[0].id, "another");
  EXPECT_EQ((*tracks)[1].id, "fixture-track");
}

// The error for part1.json after `edit`.
std::string PartError(const std::function<void(json&)>& edit) {
  const std::string dir = MakeTempDir("tracks");
  WriteFixtureTracks(dir);
  json part = FixturePart(1);
  edit(part);
  WriteFile(dir + "/fixture-track/part1.json", part.dump());
  auto tracks = LoadTracks(dir);
  if (tracks.ok()) return "";
  const std::string prefix = dir + "/fixture-track/part1.json: ";
  const std::string& m = tracks.status().message();
  return m.rfind(prefix, 0) == 0 ? m.substr(prefix.size()) : "wrong prefix: " + m;
}

TEST(LoadTracksTest, ErrorsNameTheFileAndTheLabField) {
  EXPECT_EQ(PartError([](json& p) { p["lab"].erase("question"); }), "lab.question: required (a non-empty string)");
  EXPECT_EQ(PartError([](json& p) { p["lab"]["question_kind"] = "essay"; }),
            "lab.question_kind: must be one of \"choice\", \"number\" (got \"essay\")");
  EXPECT_EQ(PartError([](json& p) { p["lab"]["colour"] = 1; }).rfind("lab.colour: unknown field", 0), 0u);
  EXPECT_EQ(PartError([](json& p) { p["lab"]["choices"] = json::array({{{"id", "a"}, {"label", "A"}}}); }),
            "lab.choices: a \"choice\" question needs at least 2 choices");
  EXPECT_EQ(PartError([](json& p) { p["lab"]["controls"][0]["step"] = 0; }).rfind("lab.controls[0].step: must be", 0),
            0u);
  EXPECT_EQ(PartError([](json& p) { p["lab"]["controls"][0]["max"] = 0; }).rfind("lab.controls[0].max: must be", 0),
            0u);
  EXPECT_EQ(PartError([](json& p) { p["lab"]["controls"][1].erase("options"); }),
            "lab.controls[1].options: required for kind \"select\" (a non-empty array of values)");
  EXPECT_EQ(PartError([](json& p) { p["lab"]["target"] = {{"metric", "x"}}; }),
            "lab.target: needs \"max\" or \"min\" (a number)");
  EXPECT_EQ(PartError([](json& p) { p["lab"]["instruments"] = json::array({1}); }),
            "lab.instruments[0]: must be a non-empty string (got 1)");
  EXPECT_EQ(PartError([](json& p) { p["lab"]["challenge"] = "x"; }),
            "lab.challenge: must be an object or null (got \"x\")");
  EXPECT_EQ(PartError([](json& p) { p.erase("lab"); }), "lab: required (the part's question and controls)");
  // The scenario beside the lab object is checked too.
  EXPECT_EQ(PartError([](json& p) { p["workload"]["requests"] = -1; }).rfind("workload.requests: must be", 0), 0u);
}

TEST(LoadTracksTest, TheLessonsFieldsAreCheckedToo) {
  EXPECT_EQ(PartError([](json& p) { p["lab"]["controls"][1]["labels"] = json::array({"only one"}); }).rfind(
                "lab.controls[1].labels: must have one label per option", 0),
            0u);
  EXPECT_EQ(PartError([](json& p) { p["lab"]["controls"][0]["when"] = {{"path", "station.servers"}, {"in", {1}}}; }),
            "lab.controls[0].when_text: required (a non-empty string)");
  EXPECT_EQ(PartError([](json& p) {
              p["lab"]["controls"][0]["when"] = {{"path", "station.servers"}, {"in", {1}}, {"not_in", {2}}};
              p["lab"]["controls"][0]["when_text"] = "why";
            }).rfind("lab.controls[0].when.in: required", 0),
            0u);
  EXPECT_EQ(PartError([](json& p) { p["lab"]["controls"][0]["options"] = json::array({1, 2}); }),
            "lab.controls[0].options: only for kinds \"select\" and \"toggle\"");
  EXPECT_EQ(PartError([](json& p) { p["lab"]["budget"] = {{"max", 8}}; }),
            "lab.budget.factors: required (an array of dot paths)");
  EXPECT_EQ(PartError([](json& p) { p["lab"]["budget"] = {{"max", 0}, {"factors", {"station.servers"}}}; }).rfind(
                "lab.budget.max: ", 0),
            0u);
  EXPECT_EQ(PartError([](json& p) { p["lab"]["target"]["winning_path"] = json::array(); }).rfind(
                "lab.target.winning_path: must be a non-empty array", 0),
            0u);
  EXPECT_EQ(PartError([](json& p) { p["lab"]["math"] = {{"knee", 1}}; }).rfind("lab.math: must be an array", 0), 0u);
  EXPECT_EQ(PartError([](json& p) {
              p["lab"]["budget"] = {{"max", 8}, {"factors", {"station.servers"}}, {"unit", "GPUs"}};
              p["lab"]["frontier"] = {{"low_load", 0.1}, {"high_load", 1.3}, {"points", 12}};
              p["lab"]["math"] = {"knee"};
            }),
            "");
}

TEST(LoadTracksTest, TrackFileErrorsNameTheField) {
  const std::string dir = MakeTempDir("tracks");
  WriteFixtureTracks(dir);
  WriteFile(dir + "/fixture-track/track.json", R"({"id": "other", "name": "F", "persona": "P",
    "north_star": "N", "crisis": "C", "order": 1})");
  auto tracks = LoadTracks(dir);
  ASSERT_FALSE(tracks.ok());
  EXPECT_EQ(tracks.status().message(),
            dir + "/fixture-track/track.json: id: must equal the folder name \"fixture-track\" (got \"other\")");
  WriteFile(dir + "/fixture-track/track.json", R"({"id": "fixture-track", "name": "F", "persona": "P",
    "north_star": "N", "crisis": "C", "order": 9})");
  tracks = LoadTracks(dir);
  ASSERT_FALSE(tracks.ok());
  EXPECT_NE(tracks.status().message().find("order: must be"), std::string::npos) << tracks.status().message();
  std::filesystem::remove(dir + "/fixture-track/part3.json");
  WriteFile(dir + "/fixture-track/track.json", R"({"id": "fixture-track", "name": "F", "persona": "P",
    "north_star": "N", "crisis": "C", "order": 1})");
  tracks = LoadTracks(dir);
  ASSERT_FALSE(tracks.ok());
  EXPECT_NE(tracks.status().message().find("part3.json"), std::string::npos) << tracks.status().message();
}

TEST(LoadTracksTest, DefaultDirIsTheSourceTreesTracksFolder) {
  EXPECT_EQ(DefaultTracksDir(), testing::SourceDir() + "/tracks");
}

}  // namespace
}  // namespace fleetlab
