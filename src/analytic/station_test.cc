#include "fleetlab/analytic/station.h"

#include <gtest/gtest.h>

#include <cmath>

#include "fleetlab/analytic/md1.h"
#include "fleetlab/analytic/multiserver.h"
#include "fleetlab/analytic/numeric.h"
#include "fleetlab/analytic/queueing.h"
#include "fleetlab/analytic/wait_law.h"

namespace fleetlab::analytic {
namespace {

TEST(PredictStationTest, ExponentialSingleServerIsMM1Exactly) {
  const StationPrediction p = PredictStation({90, 1, 1, ServiceLaw::Exponential(0.01)});
  EXPECT_TRUE(p.stable);
  EXPECT_TRUE(p.exact);
  EXPECT_EQ(p.method, "M/M/1 exact");
  EXPECT_DOUBLE_EQ(p.rho, 0.9);
  EXPECT_DOUBLE_EQ(p.mean_wait_s, MM1MeanWait(90, 100));
  EXPECT_DOUBLE_EQ(p.mean_sojourn_s, MM1MeanSojourn(90, 100));
  EXPECT_DOUBLE_EQ(p.sojourn_p99, MM1SojournQuantile(90, 100, 0.99));
  EXPECT_DOUBLE_EQ(p.sojourn_p50, MM1SojournQuantile(90, 100, 0.5));
  EXPECT_DOUBLE_EQ(p.wait_p999, MM1WaitQuantile(90, 100, 0.999));
  EXPECT_DOUBLE_EQ(p.mean_in_system, 9);
  EXPECT_NEAR(p.sojourn_p99, 0.460517, 1e-6);
}

TEST(PredictStationTest, ExponentialManyServersIsMMc) {
  const StationPrediction p = PredictStation({7, 1, 4, ServiceLaw::Exponential(0.5)});
  EXPECT_TRUE(p.exact);
  EXPECT_DOUBLE_EQ(p.mean_wait_s, MMcMeanWait(7, 2, 4));
  EXPECT_DOUBLE_EQ(p.sojourn_p95, MMcSojournQuantile(7, 2, 4, 0.95));
  EXPECT_NEAR(p.mean_in_queue, 7 * MMcMeanWait(7, 2, 4), 1e-12);
}

TEST(PredictStationTest, DeterministicSingleServerIsMD1) {
  const StationPrediction p = PredictStation({90, 1, 1, ServiceLaw::Deterministic(0.01)});
  EXPECT_TRUE(p.exact);
  EXPECT_EQ(p.method, "M/D/1 exact (Crommelin)");
  EXPECT_DOUBLE_EQ(p.mean_wait_s, MM1MeanWait(90, 100) / 2);
  EXPECT_DOUBLE_EQ(p.wait_p99, MD1WaitQuantile(90, 0.01, 0.99));
  EXPECT_DOUBLE_EQ(p.sojourn_p99, p.wait_p99 + 0.01);
}

TEST(PredictStationTest, GammaWithUnitCvThroughTheApproximatePathIsStillMM1) {
  // The tail approximation is exact for exponential service, so the numerical
  // convolution of the gamma(cv = 1) branch must land on the M/M/1 values.
  const StationPrediction p = PredictStation({90, 1, 1, ServiceLaw::Gamma(0.01, 1)});
  EXPECT_FALSE(p.exact);
  EXPECT_TRUE(p.mean_exact);
  EXPECT_NEAR(p.mean_wait_s, MM1MeanWait(90, 100), 1e-15);
  for (auto [got, q] :
       {std::pair{p.sojourn_p50, 0.5}, {p.sojourn_p99, 0.99}, {p.sojourn_p999, 0.999}}) {
    EXPECT_NEAR(got / MM1SojournQuantile(90, 100, q), 1, 1e-6) << q;
  }
}

TEST(PredictStationTest, MG1UsesPollaczekKhinchineMean) {
  const StationPrediction p = PredictStation({60, 1, 1, ServiceLaw::Lognormal(0.01, 2)});
  EXPECT_TRUE(p.mean_exact);
  EXPECT_FALSE(p.exact);
  EXPECT_NEAR(p.mean_wait_s, MG1MeanWait(60, 0.01, 4), 1e-15);
  EXPECT_NEAR(p.wait_p99, AtomExpWait::FromMean(0.6, p.mean_wait_s).Quantile(0.99), 1e-15);
  EXPECT_GT(p.sojourn_p99, p.wait_p99);
  EXPECT_LT(p.sojourn_p50, p.sojourn_p90);
  EXPECT_LT(p.sojourn_p99, p.sojourn_p999);
}

TEST(PredictStationTest, GeneralArrivalsUseKingmanAndAllenCunneen) {
  const StationPrediction one = PredictStation({80, 0.5, 1, ServiceLaw::Uniform(0.005, 0.015)});
  EXPECT_FALSE(one.mean_exact);
  EXPECT_NEAR(one.mean_wait_s, KingmanMeanWait(80, 0.01, 0.5, 1.0 / 12), 1e-15);
  const StationPrediction many = PredictStation({300, 2, 4, ServiceLaw::Other(0.01, 0.5)});
  EXPECT_NEAR(many.mean_wait_s, AllenCunneenMeanWait(300, 0.01, 4, 2, 0.25), 1e-15);
  EXPECT_NEAR(many.mean_sojourn_s, many.mean_wait_s + 0.01, 1e-15);
  EXPECT_GT(many.sojourn_p99, 0.01);
}

TEST(PredictStationTest, NoArrivalsLeavesTheServiceQuantiles) {
  const StationPrediction p = PredictStation({0, 1, 2, ServiceLaw::Uniform(0.01, 0.02)});
  EXPECT_EQ(p.wait_p999, 0);
  EXPECT_NEAR(p.sojourn_p50, 0.015, 1e-12);
  EXPECT_NEAR(p.sojourn_p90, 0.019, 1e-12);
}

TEST(PredictStationTest, NoArrivalsMeansNoWait) {
  const StationPrediction p = PredictStation({0, 1, 1, ServiceLaw::Deterministic(0.02)});
  EXPECT_EQ(p.mean_wait_s, 0);
  EXPECT_EQ(p.wait_p99, 0);
  EXPECT_DOUBLE_EQ(p.sojourn_p99, 0.02);
}

TEST(PredictStationTest, UnstableGivesInfinity) {
  const StationPrediction p = PredictStation({100, 1, 1, ServiceLaw::Gamma(0.01, 0.5)});
  EXPECT_FALSE(p.stable);
  EXPECT_DOUBLE_EQ(p.rho, 1);
  EXPECT_TRUE(std::isinf(p.mean_wait_s));
  EXPECT_TRUE(std::isinf(p.sojourn_p99));
  EXPECT_TRUE(std::isinf(p.mean_in_system));
}

}  // namespace
}  // namespace fleetlab::analytic
