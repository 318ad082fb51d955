// Golden tests: the full JSON report of each shipped scenario, normalised to
// 9 significant digits, must match the checked-in file in tests/golden/.
// After a deliberate model change, regenerate with
//   FLEETLAB_UPDATE_GOLDEN=1 build/bin/fleetlab_tests --gtest_filter='*Golden*'
// and review the diff like code.
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "fleetlab/report/render.h"
#include "fleetlab/runner.h"
#include "fleetlab/scenario/parse.h"

namespace fleetlab {
namespace {

const std::string kRoot = FLEETLAB_SOURCE_DIR;

class GoldenTest : public ::testing::TestWithParam<const char*> {};

// A parameter is a scenario file without ".json", relative to the source
// tree; its golden file is named after it ("tracks/a/part1" ->
// tests/golden/tracks-a-part1.json; scenarios/ is left out of the name).
std::string GoldenName(std::string file) {
  if (file.rfind("scenarios/", 0) == 0) file = file.substr(10);
  for (char& c : file) c = c == '/' ? '-' : c;
  return file;
}

TEST_P(GoldenTest, ReportMatchesCheckedInJson) {
  const std::string name = GoldenName(GetParam());
  auto scenario = LoadScenario(kRoot + "/" + GetParam() + ".json", {});
  ASSERT_TRUE(scenario.ok()) << scenario.status().message();
  auto report = RunScenario(*scenario);
  ASSERT_TRUE(report.ok()) << report.status().message();
  const nlohmann::json actual = RoundNumbers(ReportToJson(*report), 9);
  const std::string path = kRoot + "/tests/golden/" + name + ".json";
  if (std::getenv("FLEETLAB_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path) << actual.dump(2) << "\n";
    GTEST_SKIP() << "rewrote " << path;
  }
  std::ifstream file(path);
  ASSERT_TRUE(file) << "missing golden file " << path;
  std::stringstream text;
  text << file.rdbuf();
  const nlohmann::json expected = RoundNumbers(nlohmann::json::parse(text.str()), 9);
  EXPECT_EQ(actual, expected) << "diff (expected -> actual): " << nlohmann::json::diff(expected, actual).dump(1);
}

INSTANTIATE_TEST_SUITE_P(Scenarios, GoldenTest,
                         ::testing::Values("scenarios/mm1", "scenarios/md1", "scenarios/mmc8", "scenarios/batching",
                                           "scenarios/closed-loop", "scenarios/trace-replay",
                                           "scenarios/llama3-70b-h100", "scenarios/llama3-70b-speculative",
                                           "scenarios/llama3-70b-disaggregated", "scenarios/fleet-heterogeneous",
                                           "scenarios/fanout-hedged", "scenarios/path-hedged",
                                           "scenarios/earbud-sleep", "scenarios/deepseek-v3-ep16-h200",
                                           "scenarios/diurnal-classes"));

TEST(DeterminismTest, SameSeedSameReportDifferentSeedDifferentReport) {
  auto a = LoadScenario(kRoot + "/scenarios/on-off.json", {});
  ASSERT_TRUE(a.ok());
  const std::string first = ReportToJson(*RunScenario(*a)).dump();
  EXPECT_EQ(first, ReportToJson(*RunScenario(*a)).dump());  // bit-identical, not just close
  auto b = LoadScenario(kRoot + "/scenarios/on-off.json", {"seed=2"});
  ASSERT_TRUE(b.ok());
  EXPECT_NE(first, ReportToJson(*RunScenario(*b)).dump());
}

}  // namespace
}  // namespace fleetlab
