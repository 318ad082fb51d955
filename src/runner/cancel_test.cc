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

// A request path's unloaded P99 comes from a run of its own: a failure of
// that run (here its event limit) fails the frontier, naming it; it had
// been read as a P99 of 0, a knee against nothing.
TEST(RunCancelTest, APathsUnloadedRunThatFailsFailsTheFrontier) {
  auto s = ParseScenario(nlohmann::json::parse(R"({
    "workload": {"arrival": {"rate_per_s": 1}, "requests": 20, "warmup_requests": 0},
    "limits": {"max_events": 1000},
    "path": {"stages": [{"pool": {"name": "p", "replicas": 1,
                                  "station": {"service": {"distribution": "exponential", "mean_ms": 1}}}}]}})"), "");
  ASSERT_TRUE(s.ok()) << s.status().message();
  FrontierOptions o;
  o.rate_low_per_s = 1;
  o.rate_high_per_s = 2;
  o.points = 2;
  auto f = RunFrontier(*s, o);  // the points' 20 requests fit 1,000 events; 5,000 unloaded ones do not
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().message().rfind("the frontier's unloaded run (one request at a time): ", 0), 0u)
      << f.status().message();
  EXPECT_NE(f.status().message().find("max_events"), std::string::npos) << f.status().message();
}

// A closed loop whose every request is dropped at once, and sent again with
// no think time, never moves the clock: it ran to limits.max_events (75 s of
// CPU at the default) and then blamed the workload's length. It stops once
// each user has resent 1,000 requests at one instant, saying why.
TEST(RunCancelTest, AClosedLoopThatCannotMoveTheClockIsStoppedAndSaysWhy) {
  auto s = ParseScenario(nlohmann::json::parse(R"({"seed": 1,
    "workload": {"mode": "closed", "duration_s": 1, "warmup_requests": 0,
                 "closed": {"users": 2, "think_time": {"distribution": "deterministic", "mean_ms": 0}}},
    "station": {"servers": 1, "queue_capacity": 0, "service": {"distribution": "deterministic", "mean_ms": 1}}})"), "");
  ASSERT_TRUE(s.ok()) << s.status().message();
  auto r = RunScenario(*s);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().rfind("workload.closed.think_time: at 0 s the closed loop's users had each sent "
                                       "1000 requests without the clock moving", 0), 0u) << r.status().message();
  // With room to queue the same loop runs (the second user waits its turn).
  auto queued = ParseScenario(nlohmann::json::parse(R"({"seed": 1,
    "workload": {"mode": "closed", "duration_s": 1, "warmup_requests": 0,
                 "closed": {"users": 2, "think_time": {"distribution": "deterministic", "mean_ms": 0}}},
    "station": {"servers": 1, "service": {"distribution": "deterministic", "mean_ms": 1}}})"), "");
  ASSERT_TRUE(queued.ok());
  EXPECT_TRUE(RunScenario(*queued).ok());
}

// admit_rates sees the points' rates before any runs, and can stop it.
TEST(RunCancelTest, AFrontierAsksItsAdmissionWithTheRates) {
  FrontierOptions o;
  o.rate_low_per_s = 10;
  o.rate_high_per_s = 50;
  o.points = 3;
  std::vector<double> seen;
  o.admit_rates = [&seen](const std::vector<double>& rates) {
    seen = rates;
    return Status::OutOfRange("workload.requests: too many");
  };
  auto f = RunFrontier(MM1(20'000), o);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().message(), "workload.requests: too many");
  EXPECT_EQ(seen, (std::vector<double>{10, 30, 50}));
}

}  // namespace
}  // namespace fleetlab
