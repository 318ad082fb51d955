#include "fleetlab/analytic/batch_station.h"

#include <gtest/gtest.h>

#include <cmath>

#include "fleetlab/analytic/md1.h"
#include "fleetlab/analytic/queueing.h"

namespace fleetlab::analytic {
namespace {

TEST(BatchStationTest, CapacityHandValue) {
  // 2 servers, batches of 8, 20 ms + 2 ms per item: 2 * 8 / 0.036 = 444.4/s.
  EXPECT_NEAR(BatchCapacity(2, 8, 0.02, 0.002), 16 / 0.036, 1e-9);
  const BatchStationPrediction p = PredictBatchStation({400, 2, 8, 0, 0.02, 0.002});
  EXPECT_NEAR(p.rho, 400 / (16 / 0.036), 1e-12);
  EXPECT_TRUE(p.stable);
}

TEST(BatchStationTest, SingleItemBatchesWithoutWindowAreMD1) {
  // B = 1, w = 0: M/D/1 with S = f + p, exactly.
  const double lambda = 90, s = 0.01;
  const BatchStationPrediction p = PredictBatchStation({lambda, 1, 1, 0, 0.007, 0.003});
  EXPECT_TRUE(p.exact);
  EXPECT_NEAR(p.best.mean_sojourn_s, MD1MeanWait(lambda, s) + s, 1e-15);
  EXPECT_NEAR(p.best.p99_sojourn_s, MD1SojournQuantile(lambda, s, 0.99), 1e-15);
  EXPECT_NEAR(p.heavy.mean_sojourn_s, p.best.mean_sojourn_s, 1e-15);
  EXPECT_NEAR(p.capacity_rps, 100, 1e-9);
}

TEST(BatchStationTest, WindowModelHandValueForPairs) {
  // B = 2: E[tau] = (1 - e^{-lw})/l, no area term, E[K] = 2 - e^{-lw},
  // E[K^2] = 4 - 3 e^{-lw}.
  const double l = 50, w = 0.01, f = 0.02, p = 0.004;
  const double e = std::exp(-l * w);
  const double expected = ((1 - e) / l + f * (2 - e) + p * (4 - 3 * e)) / (2 - e);
  EXPECT_NEAR(BatchWindowModelMeanSojourn({l, 1, 2, w, f, p}), expected, 1e-14);
}

TEST(BatchStationTest, WindowModelLimits) {
  EXPECT_DOUBLE_EQ(BatchWindowModelMeanSojourn({100, 1, 8, 0, 0.02, 0.002}), 0.022);
  EXPECT_NEAR(BatchWindowModelMeanSojourn({1e-9, 1, 8, 0.01, 0.02, 0.002}), 0.032, 1e-9);
  // Huge lambda w: every batch fills; mean = fill (B - 1) / (2 lambda) + f + p B.
  EXPECT_NEAR(BatchWindowModelMeanSojourn({1e5, 1, 8, 1, 0.02, 0.002}), 3.5e-5 + 0.036, 1e-12);
}

TEST(BatchStationTest, LightTrafficLimit) {
  const BatchStationPrediction p = PredictBatchStation({1e-6, 1, 8, 0.01, 0.02, 0.002});
  EXPECT_NEAR(p.best.mean_sojourn_s, 0.032, 1e-6);
  EXPECT_NEAR(p.light.mean_sojourn_s, 0.032, 1e-6);
  EXPECT_NEAR(p.light.p99_sojourn_s, 0.01 + 0.036, 1e-15);  // hard bound w + f + p B
  const BatchStationPrediction idle = PredictBatchStation({0, 1, 8, 0.01, 0.02, 0.002});
  EXPECT_DOUBLE_EQ(idle.best.mean_sojourn_s, 0.032);
  EXPECT_TRUE(std::isinf(idle.heavy.mean_sojourn_s));
}

TEST(BatchStationTest, CompositeAgreesWithSimulation) {
  // Reference: discrete-event simulation of the same policy, 300k requests
  // (c = 1, B = 8, f = 20 ms, p = 2 ms, w = 0): mean 40.63 ms, p99 61.75 ms at
  // rho = 0.5; mean 87.02 ms, p99 238.2 ms at rho = 0.95.
  const double capacity = 8 / 0.036;
  const BatchStationPrediction mid = PredictBatchStation({0.5 * capacity, 1, 8, 0, 0.02, 0.002});
  EXPECT_NEAR(mid.best.mean_sojourn_s / 0.04063, 1, 0.03);
  EXPECT_NEAR(mid.best.p99_sojourn_s / 0.06175, 1, 0.10);
  const BatchStationPrediction high = PredictBatchStation({0.95 * capacity, 1, 8, 0, 0.02, 0.002});
  EXPECT_NEAR(high.best.mean_sojourn_s / 0.08702, 1, 0.05);
  EXPECT_NEAR(high.heavy.mean_sojourn_s / 0.08702, 1, 0.05);
  EXPECT_NEAR(high.heavy.p99_sojourn_s / 0.2382, 1, 0.10);
  EXPECT_FALSE(high.exact);
}

TEST(BatchStationTest, HeavyModelOverestimatesAtLowLoad) {
  const BatchStationPrediction p = PredictBatchStation({20, 1, 8, 0, 0.02, 0.002});
  EXPECT_GT(p.heavy.mean_sojourn_s, 2 * p.best.mean_sojourn_s);
}

TEST(BatchStationTest, UnstableGivesInfinity) {
  const BatchStationPrediction p = PredictBatchStation({500, 2, 8, 0.005, 0.02, 0.002});
  EXPECT_FALSE(p.stable);
  EXPECT_TRUE(std::isinf(p.best.mean_sojourn_s));
  EXPECT_TRUE(std::isinf(p.best.p99_sojourn_s));
  EXPECT_TRUE(std::isinf(p.light.mean_sojourn_s));
}

}  // namespace
}  // namespace fleetlab::analytic
