#include <atomic>

#include <gtest/gtest.h>

#include "fleetlab/frontier.h"
#include "fleetlab/report/render.h"
#include "fleetlab/runner.h"
#include "fleetlab/scenario/parse.h"

namespace fleetlab {
namespace {

Scenario MM1(std::uint64_t requests) {
  nlohmann::json doc = {{"workload", {{"requests", requests}, {"warmup_requests", 100}}}};
  auto s = ParseScenario(doc, "");
  EXPECT_TRUE(s.ok());
  return *s;
}

TEST(RunCancelTest, AnUnsetFlagLeavesTheReportUnchanged) {
  const Scenario s = MM1(20'000);
  std::atomic<bool> cancel{false};
  RunHooks hooks;
  hooks.cancel = &cancel;
  auto with = RunScenario(s, hooks);
  auto without = RunScenario(s);
  ASSERT_TRUE(with.ok() && without.ok());
  EXPECT_EQ(ReportToJson(*with).dump(), ReportToJson(*without).dump());
  EXPECT_GT(with->events, 2 * RunHooks::kCancelCheckEvents);  // the run crossed several slices
}

TEST(RunCancelTest, ASetFlagStopsTheRunWithOutOfRange) {
  std::atomic<bool> cancel{true};
  RunHooks hooks;
  hooks.cancel = &cancel;
  auto r = RunScenario(MM1(20'000), hooks);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kOutOfRange);
  // The first check comes after the first slice of events.
  EXPECT_EQ(r.status().message(), "cancelled after 4096 events (the wall-time limit of the caller)");
}

TEST(RunCancelTest, TheEventLimitStillHoldsWithAFlag) {
  Scenario s = MM1(20'000);
  s.limits.max_events = 10'000;
  std::atomic<bool> cancel{false};
  RunHooks hooks;
  hooks.cancel = &cancel;
  auto r = RunScenario(s, hooks);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("limits.max_events = 10000"), std::string::npos);
}

TEST(RunCancelTest, AFrontierPassesTheFlagToEveryPoint) {
  std::atomic<bool> cancel{true};
  FrontierOptions o;
  o.rate_low_per_s = 10;
  o.rate_high_per_s = 50;
  o.points = 3;
  o.cancel = &cancel;
  auto f = RunFrontier(MM1(20'000), o);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().code(), Status::Code::kOutOfRange);
}

}  // namespace
}  // namespace fleetlab
