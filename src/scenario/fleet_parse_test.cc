// Parsing the "fleet" object: defaults, units, and errors that name the path.
#include <gtest/gtest.h>

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
  ASSERT_TRUE(s->fleet);
  EXPECT_EQ(s->fleet->replicas, 4u);
  EXPECT_EQ(s->fleet->router.policy, RouterPolicy::kPowerOfTwo);
  EXPECT_DOUBLE_EQ(s->fleet->router.report_interval_s, 0.050);
  EXPECT_TRUE(s->fleet->router.count_own_sends);
}

TEST(FleetParseTest, DefaultsAndAbsence) {
  auto none = ParseScenario(json::object(), "");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->fleet);
  auto s = ParseScenario(json::parse(R"({"fleet": {}})"), "");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->fleet->replicas, 1u);
  EXPECT_EQ(s->fleet->router.policy, RouterPolicy::kRoundRobin);
  EXPECT_EQ(s->fleet->router.report_interval_s, 0);
  EXPECT_FALSE(s->fleet->router.count_own_sends);
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
            "fleet.router.report_interval_ms: must be a number between 0 and 1000000000 (got -1)");
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
