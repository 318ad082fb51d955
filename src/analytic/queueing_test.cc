#include "fleetlab/analytic/queueing.h"

#include <gtest/gtest.h>

#include <cmath>

namespace fleetlab::analytic {
namespace {

TEST(MM1Test, P99SojournIsLn100OverSlack) {
  // lambda = 90, mu = 100: ln(100) / 10 s = 460.517 ms.
  EXPECT_NEAR(MM1SojournQuantile(90, 100, 0.99), 0.460517018598809, 1e-12);
}

TEST(MM1Test, MeansMatchHandValues) {
  // rho = 0.9: W = 0.9 / 10 = 90 ms, T = 100 ms, L = 9, Lq = 8.1.
  EXPECT_NEAR(MM1MeanWait(90, 100), 0.09, 1e-15);
  EXPECT_NEAR(MM1MeanSojourn(90, 100), 0.1, 1e-15);
  EXPECT_NEAR(MM1MeanInSystem(90, 100), 9, 1e-12);
  EXPECT_NEAR(MM1MeanInQueue(90, 100), 8.1, 1e-12);
  // Little: L = lambda T.
  EXPECT_NEAR(LittleNumber(90, MM1MeanSojourn(90, 100)), MM1MeanInSystem(90, 100), 1e-12);
}

TEST(MM1Test, WaitQuantileHasAtomAtZero) {
  // rho = 0.5: half the arrivals do not wait, so the median wait is 0.
  EXPECT_EQ(MM1WaitQuantile(50, 100, 0.5), 0);
  // P(W > t) = 0.5 e^{-50 t} = 0.01  =>  t = ln(50) / 50.
  EXPECT_NEAR(MM1WaitQuantile(50, 100, 0.99), std::log(50.0) / 50, 1e-14);
  EXPECT_NEAR(MM1WaitSurvival(50, 100, std::log(50.0) / 50), 0.01, 1e-15);
}

TEST(MM1Test, KneeFromHalfToNinetyPercentMultipliesPercentilesByFive) {
  EXPECT_NEAR(MM1SojournQuantile(90, 100, 0.99) / MM1SojournQuantile(50, 100, 0.99), 5, 1e-12);
}

TEST(MM1Test, UnstableGivesInfinity) {
  EXPECT_TRUE(std::isinf(MM1MeanWait(100, 100)));
  EXPECT_TRUE(std::isinf(MM1MeanSojourn(120, 100)));
  EXPECT_TRUE(std::isinf(MM1SojournQuantile(100, 100, 0.99)));
  EXPECT_TRUE(std::isinf(MM1WaitQuantile(100, 100, 0.5)));
  EXPECT_TRUE(std::isinf(MM1MeanInSystem(100, 100)));
  EXPECT_EQ(MM1SojournSurvival(150, 100, 10), 1);
}

TEST(MG1Test, DeterministicServiceWaitsExactlyHalfOfExponential) {
  for (double lambda : {10.0, 50.0, 90.0, 99.0}) {
    EXPECT_NEAR(MD1MeanWait(lambda, 0.01), MM1MeanWait(lambda, 100) / 2, 1e-15) << lambda;
  }
}

TEST(MG1Test, PollaczekKhinchineHandValue) {
  // rho = 0.8, E[S] = 10 ms, Cs^2 = 2: 0.8 * 0.01 * 3 / (2 * 0.2) = 60 ms.
  EXPECT_NEAR(MG1MeanWait(80, 0.01, 2), 0.06, 1e-15);
  EXPECT_TRUE(std::isinf(MG1MeanWait(100, 0.01, 2)));
}

TEST(KingmanTest, PoissonExponentialEqualsMM1) {
  EXPECT_NEAR(KingmanMeanWait(90, 0.01, 1, 1), MM1MeanWait(90, 100), 1e-15);
}

TEST(KingmanTest, PoissonArrivalsEqualPollaczekKhinchine) {
  EXPECT_NEAR(KingmanMeanWait(70, 0.01, 1, 0.3), MG1MeanWait(70, 0.01, 0.3), 1e-15);
  EXPECT_TRUE(std::isinf(KingmanMeanWait(100, 0.01, 0.5, 0.5)));
}

TEST(KraemerLangenbachBelzTest, FactorIsOneForPoissonAndBelowOneForRegularArrivals) {
  EXPECT_EQ(KraemerLangenbachBelzFactor(0.7, 1, 0.4), 1);
  // Ca^2 = 1/8, Cs^2 = 0, rho = 0.9: exp(-2*0.1*0.765625 / (3*0.9*0.125)).
  EXPECT_NEAR(KraemerLangenbachBelzFactor(0.9, 0.125, 0), std::exp(-0.153125 / 0.3375), 1e-15);
  EXPECT_LT(KraemerLangenbachBelzFactor(0.5, 0.2, 0.1), 1);
  EXPECT_NEAR(KraemerLangenbachBelzMeanWait(90, 0.01, 1, 1), MM1MeanWait(90, 100), 1e-15);
}

TEST(LittleTest, ThreeFormsAgree) {
  EXPECT_DOUBLE_EQ(LittleNumber(200, 0.05), 10);
  EXPECT_DOUBLE_EQ(LittleTime(10, 200), 0.05);
  EXPECT_DOUBLE_EQ(LittleThroughput(10, 0.05), 200);
}

TEST(UtilizationTest, PerServer) { EXPECT_DOUBLE_EQ(Utilization(30, 0.1, 4), 0.75); }

}  // namespace
}  // namespace fleetlab::analytic
