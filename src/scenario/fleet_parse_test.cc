// Parsing the "fleet" object: defaults, units, and errors that name the path.
#include <variant>

#include <gtest/gtest.h>

#include "fleetlab/runner.h"
#include "fleetlab/scenario/parse.h"

namespace fleetlab {
namespace {

using nlohmann::json;

std::string ErrorOf(const std::string& text) {
  auto s = ParseScenario(json::parse(text), "");
  return s.ok() ? "" : s.status().message();
}

TEST(FleetParseTest, ReadsEveryFieldWithUnits) {
  auto s = ParseScenario(json::parse(R"({"fleet": {"replicas": 4, "router": {"policy": "power_of_two",
                                         "report_interval_ms": 50, "count_own_sends": true}}})"), "");
  ASSERT_TRUE(s.ok()) << s.status().message();
  ASSERT_TRUE(s->fleet());
  EXPECT_EQ(s->fleet()->replicas, 4u);
  EXPECT_EQ(s->fleet()->router.policy, RouterPolicy::kPowerOfTwo);
  EXPECT_DOUBLE_EQ(s->fleet()->router.report_interval_s, 0.050);
  EXPECT_TRUE(s->fleet()->router.count_own_sends);
}

TEST(FleetParseTest, DefaultsAndAbsence) {
  auto none = ParseScenario(json::object(), "");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->fleet());
  auto s = ParseScenario(json::parse(R"({"fleet": {}})"), "");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->fleet()->replicas, 1u);
  EXPECT_EQ(s->fleet()->router.policy, RouterPolicy::kRoundRobin);
  EXPECT_EQ(s->fleet()->router.report_interval_s, 0);
  EXPECT_FALSE(s->fleet()->router.count_own_sends);
}

TEST(FleetParseTest, ErrorsNameThePath) {
  EXPECT_EQ(ErrorOf(R"({"fleet": {"router": {"policy": "fastest"}}})"),
            "fleet.router.policy: must be one of \"round_robin\", \"random\", \"least_outstanding\", "
            "\"power_of_two\", \"least_kv\" (got \"fastest\")");
  EXPECT_EQ(ErrorOf(R"({"fleet": {"replicas": 0}})"),
            "fleet.replicas: must be an integer between 1 and 10000 (got 0)");
  EXPECT_EQ(ErrorOf(R"({"fleet": {"replicas": 10001}})"),
            "fleet.replicas: must be an integer between 1 and 10000 (got 10001)");
  EXPECT_EQ(ErrorOf(R"({"fleet": {"router": {"report_interval_ms": -1}}})"),
            "fleet.router.report_interval_ms: must be a time >= 0 and at most 1e+09 ms (1e6 s: the longest time a "
            "scenario may give) (got -1)");
  EXPECT_EQ(ErrorOf(R"({"fleet": {"replica": 4}})"),
            "fleet.replica: unknown field; allowed fields here: replicas, router");
  EXPECT_EQ(ErrorOf(R"({"fleet": {"router": {"polcy": "random"}}})"),
            "fleet.router.polcy: unknown field; allowed fields here: count_own_sends, policy, report_interval_ms");
  EXPECT_EQ(ErrorOf(R"({"fleet": 4})"), "fleet: must be a JSON object (got 4)");
  EXPECT_EQ(ErrorOf(R"({"fleet": {"router": {"count_own_sends": true}}})"),
            "fleet.router.count_own_sends: applies only when fleet.router.report_interval_ms > 0 (a router reading "
            "live load already sees its own sends)");
}

}  // namespace
}  // namespace fleetlab

namespace fleetlab {
namespace {

TEST(FleetGroupsTest, MembersDifferByTheirPatch) {
  auto s = ParseScenario(nlohmann::json::parse(R"({
    "station": {"servers": 1, "service": {"distribution": "exponential", "mean_ms": 10}},
    "fleet": {"router": {"policy": "least_outstanding"},
              "groups": [{"count": 2}, {"count": 1, "station": {"servers": 4}}]}})"), "");
  ASSERT_TRUE(s.ok()) << s.status().message();
  ASSERT_EQ(s->fleet()->replicas, 3u);
  ASSERT_EQ(std::get<StationSystem>(s->system).members.size(), 3u);
  EXPECT_EQ(s->StationOf(0).servers, 1u);
  EXPECT_EQ(s->StationOf(2).servers, 4u);
  EXPECT_DOUBLE_EQ(s->StationOf(2).service_s.Mean(), 0.010);  // the rest is the scenario's
  auto r = RunScenario(*s);
  ASSERT_TRUE(r.ok());
  EXPECT_NEAR(r->capacity_per_s, 100 + 100 + 400, 1e-9);
  EXPECT_FALSE(r->analytic.available);  // no closed form for unequal members
}

TEST(FleetGroupsTest, ErrorsNameTheGroup) {
  auto bad = ParseScenario(nlohmann::json::parse(R"({"fleet": {"replicas": 5, "groups": [{"count": 2}, {"count": 2}]}})"), "");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "fleet.replicas: 5 but the groups' counts add up to 4; give one or make them agree");
  auto patch = ParseScenario(nlohmann::json::parse(R"({"fleet": {"groups": [{"count": 1, "station": {"servers": 0}}]}})"), "");
  ASSERT_FALSE(patch.ok());
  EXPECT_NE(patch.status().message().find("fleet.groups[0].station.servers"), std::string::npos) << patch.status().message();
}

// The members are counted before a group's copies are made: 64 groups of
// 10,000 replicas made 640,000 (1.7 GB) before the total was checked.
TEST(FleetGroupsTest, TheGroupThatPassesTenThousandMembersIsRefusedBeforeItsCopies) {
  nlohmann::json doc = nlohmann::json::parse(R"({"replica": {"model": "llama-3-8b", "gpu": "h100-sxm"},
                                                  "fleet": {"groups": []}})");
  for (int i = 0; i < 64; ++i) doc["fleet"]["groups"].push_back({{"count", 6000}});
  auto s = ParseScenario(doc, "");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message(), "fleet.groups[1].count: 6000 members after the 6000 before; a fleet holds at most "
                                  "10000");
  doc["fleet"]["groups"] = {{{"count", 6000}}, {{"count", 4000}}};
  EXPECT_TRUE(ParseScenario(doc, "").ok());  // exactly 10,000
}

}  // namespace
}  // namespace fleetlab
