#include "fleetlab/analytic/md1.h"

#include <gtest/gtest.h>

#include <cmath>

#include "fleetlab/analytic/numeric.h"
#include "fleetlab/analytic/queueing.h"

namespace fleetlab::analytic {
namespace {

TEST(MD1Test, CdfAtZeroIsOneMinusRho) {
  EXPECT_NEAR(MD1WaitCdf(0.9, 1, 0), 0.1, 1e-15);
  EXPECT_NEAR(MD1WaitCdfCrommelin(0.9, 1, 0), 0.1, 1e-15);
  EXPECT_NEAR(MD1WaitCdf(30, 0.01, 0), 0.7, 1e-15);
}

TEST(MD1Test, CdfAtOneServiceTimeIsHandValue) {
  // Only the k = 0 term of Crommelin's sum survives at t = D: (1 - rho) e^rho.
  EXPECT_NEAR(MD1WaitCdf(0.5, 1, 1), 0.5 * std::exp(0.5), 1e-14);
}

TEST(MD1Test, MatchesHighPrecisionCrommelin) {
  // Reference values: Crommelin's sum evaluated with 300-digit arithmetic (mpmath).
  EXPECT_NEAR(MD1WaitSurvival(0.9, 1, 10) / 0.11759697957, 1, 1e-10);
  EXPECT_NEAR(MD1WaitSurvival(0.5, 1, 5) / 0.00123572973078, 1, 1e-10);
  EXPECT_NEAR(MD1WaitSurvival(0.99, 1, 40) / 0.445136815267, 1, 1e-10);
  EXPECT_NEAR(MD1WaitSurvival(0.1, 1, 2.5) / 4.20677659279e-5, 1, 1e-10);
  // Deep tail, served by the asymptotic (S < 1e-12 there).
  EXPECT_NEAR(MD1WaitSurvival(0.5, 1, 40) / 9.85723099362e-23, 1, 1e-10);
}

TEST(MD1Test, CrommelinAndStableRecursionAgreeWhereCrommelinIsAccurate) {
  for (double rho : {0.2, 0.5, 0.8, 0.95}) {
    for (double t : {0.3, 1.0, 2.7, 5.5, 9.9}) {
      EXPECT_NEAR(MD1WaitCdf(rho, 1, t), MD1WaitCdfCrommelin(rho, 1, t), 1e-12)
          << "rho " << rho << " t " << t;
    }
  }
}

TEST(MD1Test, AsymptoticTailAgreesWithExactWhereBothAreValid) {
  // Beyond a few service times the dominant pole is all that is left.
  for (double rho : {0.5, 0.8, 0.9, 0.99}) {
    const double t = 30;  // service times
    EXPECT_NEAR(MD1WaitTailAsymptotic(rho, 1, t) / MD1WaitSurvival(rho, 1, t), 1, 1e-8)
        << "rho " << rho;
  }
}

TEST(MD1Test, TailRateSolvesItsEquation) {
  const double lambda = 80, d = 0.01;  // rho = 0.8
  const double theta = MD1TailDecayRate(lambda, d);
  EXPECT_NEAR(lambda * std::expm1(theta * d), theta, 1e-9 * theta);
}

TEST(MD1Test, SurvivalIntegratesToPollaczekKhinchineMean) {
  // E[W] = integral of P(W > t): an independent check of the whole law.
  for (double rho : {0.3, 0.7, 0.9}) {
    const double d = 0.02, lambda = rho / d;
    const auto s = [&](double t) { return MD1WaitSurvival(lambda, d, t); };
    const double integral = IntegrateAdaptiveSimpson(s, 0, 400 * d, 1e-12, 400);
    EXPECT_NEAR(integral / MD1MeanWait(lambda, d), 1, 1e-7) << rho;
  }
}

TEST(MD1Test, QuantileInvertsSurvival) {
  const double lambda = 90, d = 0.01;
  for (double q : {0.5, 0.9, 0.99, 0.999}) {
    const double t = MD1WaitQuantile(lambda, d, q);
    EXPECT_NEAR(MD1WaitSurvival(lambda, d, t), 1 - q, 1e-9) << q;
    EXPECT_NEAR(MD1SojournQuantile(lambda, d, q), t + d, 1e-15);
  }
  EXPECT_EQ(MD1WaitQuantile(30, 0.01, 0.5), 0);  // rho = 0.3: P(W = 0) = 0.7
}

TEST(MD1Test, TailIsLighterThanMM1) {
  // Same rho = 0.9 and mean service: deterministic service waits less at P99.
  EXPECT_LT(MD1WaitQuantile(90, 0.01, 0.99), MM1WaitQuantile(90, 100, 0.99));
}

TEST(MD1Test, UnstableGivesInfinity) {
  EXPECT_TRUE(std::isinf(MD1WaitQuantile(100, 0.01, 0.5)));
  EXPECT_EQ(MD1WaitSurvival(150, 0.01, 3), 1);
  EXPECT_EQ(MD1WaitCdf(100, 0.01, 3), 0);
}

}  // namespace
}  // namespace fleetlab::analytic
