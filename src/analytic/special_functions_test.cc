#include "fleetlab/analytic/special_functions.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "fleetlab/analytic/numeric.h"

namespace fleetlab::analytic {
namespace {

TEST(IncompleteGammaTest, KnownValues) {
  EXPECT_NEAR(RegularizedGammaP(1, 2), 1 - std::exp(-2.0), 1e-15);
  EXPECT_NEAR(RegularizedGammaP(0.5, 2), std::erf(std::sqrt(2.0)), 1e-14);
  EXPECT_NEAR(RegularizedGammaQ(100, 120), 0.0278637398905207, 1e-13);    // mpmath
  EXPECT_NEAR(RegularizedGammaP(10000, 9900), 0.158651192193565, 1e-11);  // mpmath
  EXPECT_NEAR(RegularizedGammaQ(1, 50) / std::exp(-50.0), 1, 1e-12);      // tail keeps precision
  EXPECT_EQ(RegularizedGammaP(3, 0), 0);
  EXPECT_EQ(RegularizedGammaQ(3, -1), 1);
}

TEST(IncompleteGammaTest, PAndQSumToOne) {
  for (double a : {0.05, 0.7, 3.0, 40.0, 2500.0}) {
    for (double x : {0.01 * a, 0.9 * a, a + 1, 1.3 * a + 2}) {
      EXPECT_NEAR(RegularizedGammaP(a, x) + RegularizedGammaQ(a, x), 1, 1e-13) << a << " " << x;
    }
  }
}

TEST(NumericTest, SimpsonIntegratesSine) {
  EXPECT_NEAR(
      IntegrateAdaptiveSimpson([](double x) { return std::sin(x); }, 0, std::numbers::pi, 1e-12), 2,
      1e-11);
}

TEST(NumericTest, SimpsonHandlesAKink) {
  const auto f = [](double x) { return std::fabs(x - 0.3); };
  EXPECT_NEAR(IntegrateAdaptiveSimpson(f, 0, 1, 1e-12), 0.045 + 0.245, 1e-10);
}

TEST(NumericTest, QuantileFromSurvivalInvertsExponential) {
  const auto s = [](double t) { return std::exp(-2 * t); };
  EXPECT_NEAR(QuantileFromSurvival(s, 0.99, 1), std::log(100.0) / 2, 1e-12);
  // An atom at zero large enough to cover q gives 0.
  EXPECT_EQ(QuantileFromSurvival([](double) { return 0.3; }, 0.5, 1), 0);
  EXPECT_TRUE(std::isinf(QuantileFromSurvival([](double) { return 0.3; }, 0.9, 1)));
}

}  // namespace
}  // namespace fleetlab::analytic
