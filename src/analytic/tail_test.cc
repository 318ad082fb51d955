#include "fleetlab/analytic/tail.h"

#include <gtest/gtest.h>

#include <cmath>

namespace fleetlab::analytic {
namespace {

TEST(FanOutTest, DeanBarrosoExample) {
  // 1% slow leaves, 100 of them: 63.4% of requests are slow.
  EXPECT_NEAR(FanOutSlowProbability(0.01, 100), 0.633967658726770, 1e-14);
  EXPECT_EQ(FanOutSlowProbability(0.01, 0), 0);
  EXPECT_EQ(FanOutSlowProbability(1, 3), 1);
}

TEST(FanOutTest, LeafQuantileNeeded) {
  EXPECT_NEAR(FanOutLeafQuantile(0.99, 100), std::pow(0.99, 0.01), 1e-15);
  EXPECT_NEAR(1 - FanOutSlowProbability(1 - FanOutLeafQuantile(0.99, 100), 100), 0.99, 1e-12);
}

TEST(KOfNTest, BinomialTail) {
  EXPECT_NEAR(KOfNCompletionProbability(0.5, 3, 2), 0.5, 1e-15);  // (3 + 1) / 8
  EXPECT_NEAR(KOfNCompletionProbability(0.9, 10, 10), std::pow(0.9, 10), 1e-14);
  EXPECT_NEAR(KOfNCompletionProbability(0.99, 100, 1), 1 - std::pow(0.01, 100), 1e-15);
  // All 100 of 100 leaves fast = 1 - P(slow) of the fan-out formula.
  EXPECT_NEAR(KOfNCompletionProbability(0.99, 100, 100), 1 - FanOutSlowProbability(0.01, 100),
              1e-13);
  // Waiting for 95 of 100 forgives up to 5 slow leaves: P(Bin(100, 0.01) <= 5).
  EXPECT_NEAR(KOfNCompletionProbability(0.99, 100, 95), 0.999465465536007, 1e-13);
  EXPECT_EQ(KOfNCompletionProbability(0.3, 5, 0), 1);
}

TEST(HedgeTest, SurvivalIsProductOfCopies) {
  const auto s = [](double t) { return std::exp(-10 * t); };  // mean 100 ms
  // Hedge after the median d = ln2/10: at t = 0.3, S(0.3) * S(0.3 - d).
  const double d = std::log(2.0) / 10;
  EXPECT_NEAR(HedgedSurvival(s, 0.3, d), std::exp(-3.0) * std::exp(-10 * (0.3 - d)), 1e-15);
  EXPECT_NEAR(HedgedSurvival(s, 0.05, d), s(0.05), 1e-15);  // before the hedge is sent
  EXPECT_DOUBLE_EQ(HedgedSurvival(0.1, 0.2), 0.02);
  EXPECT_NEAR(HedgeExtraLoad(s, d), 0.5, 1e-15);
}

}  // namespace
}  // namespace fleetlab::analytic
