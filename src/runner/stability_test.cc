// The per-window stability verdict on hand-made backlog histories: a steady
// queue, a queue that grows, a system that fills from empty, and a trace
// whose rate doubles. Expectations follow from Little's law by hand.
#include "runner/stability.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include <gtest/gtest.h>

namespace fleetlab {
namespace {

// `n` arrivals at times t_i (seconds, from `at`), with `in_system(t)` requests
// in the system (piecewise constant between arrivals: the value at the
// earlier arrival) and each request's time in system `sojourn(i)`, of which
// it waited `wait(i)` (by default all of it).
BacklogHistory Make(std::size_t n, const std::function<double(std::size_t)>& at,
                    const std::function<double(double)>& in_system,
                    const std::function<double(std::size_t)>& sojourn,
                    const std::function<double(std::size_t)>& wait = nullptr) {
  BacklogHistory h;
  double area = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double t = at(i);
    if (i > 0) area += in_system(at(i - 1)) * (t - at(i - 1)) * 1e9;
    h.Arrive(SecondsToNs(t), area);
  }
  for (std::size_t i = 0; i < n; ++i) h.Left(i, sojourn(i), wait ? wait(i) : sojourn(i));
  const double end = at(n - 1) + (at(n - 1) - at(n - 2));
  h.Close(SecondsToNs(end), area + in_system(at(n - 1)) * (end - at(n - 1)) * 1e9, in_system(end));
  return h;
}

double Every10ms(std::size_t i) { return 0.01 * static_cast<double>(i); }  // 100 arrivals/s

TEST(StabilityTest, ASteadyQueueIsNotGrowing) {
  // L = 30 throughout at lambda = 100/s: Little's W = 0.3 s in every quarter.
  const TrendVerdict v = JudgeTrend(Make(4000, Every10ms, [](double) { return 30.0; }, [](std::size_t) { return 0.3; }));
  ASSERT_TRUE(v.judged);
  EXPECT_FALSE(v.growing);
  for (double w : v.w_s) EXPECT_NEAR(w, 0.3, 1e-9);
}

TEST(StabilityTest, AQueueGrowingTenPerSecondIsGrowing) {
  // lambda 100/s, mu 90/s: N(t) = 10 t over 40 s. Quarters of 10 s: L2 = 150,
  // L4 = 350, so W2 = 1.5 s, W4 = 3.5 s and lambda (W4 - W2) = 200 requests,
  // above 3 sqrt(2000) + 20 = 154; the first quarter's arrivals waited
  // 10 t / 90 < 10 s, so no filling can explain it.
  const TrendVerdict v = JudgeTrend(Make(4000, Every10ms, [](double t) { return 10 * t; },
                                         [](std::size_t i) { return 10 * Every10ms(i) / 90; }));
  ASSERT_TRUE(v.judged);
  EXPECT_NEAR(v.w_s[1], 1.5, 0.01);
  EXPECT_NEAR(v.w_s[3], 3.5, 0.01);
  EXPECT_NEAR(v.growth, 200, 2);
  EXPECT_NEAR(v.threshold, 3 * std::sqrt(2000.0) + 20, 1e-9);
  EXPECT_TRUE(v.growing);
}

TEST(StabilityTest, ABacklogInServiceIsNotAGrowingQueue) {
  // The growing queue above, but every request starts its service on
  // arrival (an LLM fleet whose batches are still filling: each step slower
  // as more run). Its W rises the same, its wait does not: not growing.
  const auto sojourn = [](std::size_t i) { return 10 * Every10ms(i) / 90; };
  const auto in_system = [](double t) { return 10 * t; };
  const TrendVerdict v = JudgeTrend(Make(4000, Every10ms, in_system, sojourn, [](std::size_t) { return 0.0; }));
  ASSERT_TRUE(v.judged);
  EXPECT_NEAR(v.growth, 200, 2);
  EXPECT_EQ(v.wait_growth, 0);
  EXPECT_FALSE(v.growing);
  // Past an estimated capacity the rise in W alone decides.
  EXPECT_TRUE(JudgeTrend(Make(4000, Every10ms, in_system, sojourn, [](std::size_t) { return 0.0; }),
                         /*credit_filling=*/false)
                  .growing);
  // With 10 ms of service each (the first 9 arrivals' sojourns are shorter:
  // no wait), the wait rises by the mean sojourns' rise,
  // 10 x (35 - 15) / 90 = 2.22 s from the 2nd quarter to the 4th:
  // 100/s x 2.22 s = 222 requests (lambda-bar: 4,000 in 40 s).
  const TrendVerdict q =
      JudgeTrend(Make(4000, Every10ms, in_system, sojourn, [&](std::size_t i) { return std::max(0.0, sojourn(i) - 0.01); }));
  EXPECT_NEAR(q.wait_s[1], 10 * 14.995 / 90 - 0.01, 1e-9);  // arrivals 1,000..1,999: mean t 14.995 s
  EXPECT_NEAR(q.wait_growth, 100 * (10 * 20.0 / 90), 1e-6);
  EXPECT_TRUE(q.growing);
}

TEST(StabilityTest, ASystemFillingFromEmptyIsNotGrowing) {
  // 100/s into a system where each request stays W = 30 s: it fills to
  // 3,000 by t = 30 s, past the first quarter (20 s). W2 = 27.5 s, W4 = 30 s:
  // 250 requests of growth, above the 210 of noise, but a system still
  // filling after its first quarter can add 100 x (30 - 20) = 1,000.
  const TrendVerdict v = JudgeTrend(Make(8000, Every10ms, [](double t) { return std::min(100 * t, 3000.0); },
                                         [](std::size_t) { return 30.0; }));
  ASSERT_TRUE(v.judged);
  EXPECT_NEAR(v.w_s[1], 27.5, 0.01);
  EXPECT_NEAR(v.w_s[3], 30, 0.01);
  EXPECT_GT(v.growth, 3 * std::sqrt(4000.0) + 20);
  EXPECT_NEAR(v.fill_w_s, 30, 1e-6);
  EXPECT_NEAR(v.threshold, 1000, 1);
  EXPECT_FALSE(v.growing);
}

TEST(StabilityTest, FillingIsNotCreditedPastAnEstimatedCapacity) {
  // The filling system above, judged by a caller whose capacity estimate says
  // it is overloaded: the 250 requests of growth are beyond the 210 of noise.
  const TrendVerdict v = JudgeTrend(Make(8000, Every10ms, [](double t) { return std::min(100 * t, 3000.0); },
                                         [](std::size_t) { return 30.0; }),
                                    /*credit_filling=*/false);
  ASSERT_TRUE(v.judged);
  EXPECT_NEAR(v.threshold, 3 * std::sqrt(4000.0) + 20, 1e-9);
  EXPECT_TRUE(v.growing);
}

TEST(StabilityTest, ATraceWhoseRateDoublesIsNotGrowing) {
  // 50/s for 40 s, then 100/s for 40 s; every request stays 10 s, so the
  // backlog doubles from 500 to 1,000 (Little: L = lambda W) while W stays
  // 10 s. The backlog's gain alone (500) would look like growth.
  const auto at = [](std::size_t i) {
    return i < 2000 ? 0.02 * static_cast<double>(i) : 40 + 0.01 * static_cast<double>(i - 2000);
  };
  const TrendVerdict v = JudgeTrend(Make(6000, at, [](double t) { return t < 40 ? 500.0 : 1000.0; },
                                         [](std::size_t) { return 10.0; }));
  ASSERT_TRUE(v.judged);
  for (double w : v.w_s) EXPECT_NEAR(w, 10, 0.2);
  EXPECT_FALSE(v.growing);
}

TEST(StabilityTest, ALongHistoryKeepsBoundedCheckpointsAndTheSameVerdicts) {
  // 200,000 arrivals: the stride doubles until at most 4,096 checkpoints
  // remain, and the quarters' W come out as with every arrival kept.
  const BacklogHistory steady = Make(200'000, Every10ms, [](double) { return 30.0; }, [](std::size_t) { return 0.3; });
  EXPECT_LE(steady.checkpoints(), BacklogHistory::kMaxCheckpoints);
  EXPECT_EQ(steady.stride(), 64u);
  const TrendVerdict v = JudgeTrend(steady);
  ASSERT_TRUE(v.judged);
  EXPECT_FALSE(v.growing);
  for (double w : v.w_s) EXPECT_NEAR(w, 0.3, 1e-6);
  EXPECT_NEAR(v.fill_w_s, 0.3, 1e-6);
  // lambda 100/s, N(t) = 3 t (mu 97/s) over 2,000 s: W2 = 22.5 s, W4 =
  // 52.5 s, a drift of 30 s (above 1% of the window) and 3,000 requests.
  const TrendVerdict g = JudgeTrend(Make(200'000, Every10ms, [](double t) { return 3 * t; },
                                         [](std::size_t i) { return 3 * Every10ms(i) / 97; }));
  ASSERT_TRUE(g.judged);
  EXPECT_NEAR(g.w_s[1], 22.5, 0.01);
  EXPECT_NEAR(g.w_s[3], 52.5, 0.01);
  EXPECT_TRUE(g.growing);
}

TEST(StabilityTest, InFlightRequestsCountTheirTimeSoFar) {
  BacklogHistory h;
  h.Arrive(SecondsToNs(1.0), 0);
  h.Arrive(SecondsToNs(2.0), 1e9);
  h.Left(0, 0.5, 0.2);
  h.Finish(SecondsToNs(5.0));  // the second has been in for 3 s, all of it waiting as far as is known
  EXPECT_DOUBLE_EQ(h.MeanSojournBefore(2), (0.5 + 3.0) / 2);
  EXPECT_DOUBLE_EQ(h.MeanWaitBetween(0, 2), (0.2 + 3.0) / 2);
  EXPECT_DOUBLE_EQ(h.MeanWaitBetween(1, 2), 3.0);
}

TEST(StabilityTest, TooFewArrivalsAreNotJudged) {
  EXPECT_FALSE(JudgeTrend(Make(39, Every10ms, [](double) { return 1.0; }, [](std::size_t) { return 0.01; })).judged);
  EXPECT_FALSE(JudgeTrend(BacklogHistory{}).judged);
}

}  // namespace
}  // namespace fleetlab
