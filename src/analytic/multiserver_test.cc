#include "fleetlab/analytic/multiserver.h"

#include <gtest/gtest.h>

#include <cmath>

#include "fleetlab/analytic/numeric.h"
#include "fleetlab/analytic/queueing.h"

namespace fleetlab::analytic {
namespace {

TEST(ErlangTest, ErlangCOfTwoServersAtOneErlangIsOneThird) {
  EXPECT_NEAR(ErlangC(2, 1), 1.0 / 3, 1e-15);
}

TEST(ErlangTest, ErlangBKnownValues) {
  for (double a : {0.1, 1.0, 7.5}) EXPECT_NEAR(ErlangB(1, a), a / (1 + a), 1e-15) << a;
  EXPECT_NEAR(ErlangB(2, 1), 0.2, 1e-15);
  EXPECT_NEAR(ErlangB(10, 5), 0.0183845703366481, 1e-15);  // a^c/c! / sum a^k/k!
  EXPECT_NEAR(ErlangB(10, 8), 0.121661064252952, 1e-14);
}

TEST(ErlangTest, ErlangCKnownValuesAndLimits) {
  EXPECT_NEAR(ErlangC(10, 8), 0.409180150796444, 1e-14);
  EXPECT_NEAR(ErlangC(1, 0.37), 0.37, 1e-15);
  EXPECT_EQ(ErlangC(4, 4), 1);
  EXPECT_EQ(ErlangC(3, 0), 0);
}

TEST(MMcTest, OneServerReducesToMM1) {
  const double lambda = 90, mu = 100;
  EXPECT_NEAR(MMcMeanWait(lambda, mu, 1), MM1MeanWait(lambda, mu), 1e-15);
  for (double q : {0.5, 0.9, 0.99, 0.999}) {
    EXPECT_NEAR(MMcSojournQuantile(lambda, mu, 1, q) / MM1SojournQuantile(lambda, mu, q), 1, 1e-11)
        << q;
    EXPECT_NEAR(MMcWaitQuantile(lambda, mu, 1, q), MM1WaitQuantile(lambda, mu, q), 1e-12) << q;
  }
}

TEST(MMcTest, TwoServerHandValues) {
  // c = 2, mu = 1, lambda = 1: C = 1/3, Wq = (1/3) / (2 - 1).
  EXPECT_NEAR(MMcMeanWait(1, 1, 2), 1.0 / 3, 1e-15);
  EXPECT_NEAR(MMcMeanSojourn(1, 1, 2), 4.0 / 3, 1e-15);
  EXPECT_NEAR(MMcWaitSurvival(1, 1, 2, 2), std::exp(-2.0) / 3, 1e-15);
  EXPECT_NEAR(MMcMeanInQueue(1, 1, 2), 1.0 / 3, 1e-15);
}

TEST(MMcTest, SojournHandlesEqualRatesCase) {
  // c mu - lambda == mu: the hypoexponential part becomes Erlang-2,
  // P(T > t) = (1 - C) e^{-t} + C (1 + t) e^{-t} with C = 1/3.
  for (double t : {0.0, 0.5, 2.0, 7.0}) {
    const double expected = (2.0 / 3) * std::exp(-t) + (1.0 / 3) * (1 + t) * std::exp(-t);
    EXPECT_NEAR(MMcSojournSurvival(1, 1, 2, t), expected, 1e-15) << t;
  }
  // And it is continuous across the special case.
  EXPECT_NEAR(MMcSojournSurvival(1 + 1e-9, 1, 2, 3), MMcSojournSurvival(1, 1, 2, 3), 1e-8);
}

TEST(MMcTest, SojournSurvivalIntegratesToMeanSojourn) {
  const double lambda = 7, mu = 2;
  const int c = 4;
  const auto s = [&](double t) { return MMcSojournSurvival(lambda, mu, c, t); };
  EXPECT_NEAR(IntegrateAdaptiveSimpson(s, 0, 60, 1e-12), MMcMeanSojourn(lambda, mu, c), 1e-9);
}

TEST(MMcTest, UnstableGivesInfinity) {
  EXPECT_TRUE(std::isinf(MMcMeanWait(8, 2, 4)));
  EXPECT_TRUE(std::isinf(MMcSojournQuantile(9, 2, 4, 0.99)));
  EXPECT_EQ(MMcWaitSurvival(9, 2, 4, 1), 1);
}

TEST(AllenCunneenTest, ReducesToKnownCases) {
  // Exponential everything: exactly M/M/c.
  EXPECT_NEAR(AllenCunneenMeanWait(7, 0.5, 4, 1, 1), MMcMeanWait(7, 2, 4), 1e-15);
  // One server: Kingman.
  EXPECT_NEAR(AllenCunneenMeanWait(80, 0.01, 1, 0.5, 2), KingmanMeanWait(80, 0.01, 0.5, 2), 1e-15);
  // Deterministic service halves the M/M/c wait.
  EXPECT_NEAR(AllenCunneenMeanWait(7, 0.5, 4, 1, 0), MMcMeanWait(7, 2, 4) / 2, 1e-15);
  EXPECT_TRUE(std::isinf(AllenCunneenMeanWait(8, 0.5, 4, 1, 1)));
}

}  // namespace
}  // namespace fleetlab::analytic
