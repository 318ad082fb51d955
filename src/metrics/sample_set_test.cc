// SampleSet past its exact bound: the sketch's percentiles within the stated
// 0.5% of the exact order statistics, mean and max exact, batch-means
// intervals still given, and pooling (Append) as exact as adding.
#include "fleetlab/metrics/sample_set.h"

#include <cmath>
#include <random>

#include <gtest/gtest.h>

namespace fleetlab {
namespace {

// Exponential-ish latencies with a slow drift, from a fixed seed.
double Sample(std::mt19937_64& rng, std::size_t i) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  return -10 * std::log(1 - u(rng)) + 1e-4 * static_cast<double>(i % 1000);
}

TEST(SampleSetTest, ExactUpToItsBoundThenASketchWithinHalfAPercent) {
  SampleSet exact(1 << 22), sketched(1000);
  std::mt19937_64 rng(7);
  for (std::size_t i = 0; i < 200'000; ++i) {
    const double x = Sample(rng, i);
    exact.Add(x);
    sketched.Add(x);
    if (i == 999) EXPECT_FALSE(sketched.sketched());
  }
  EXPECT_FALSE(exact.sketched());
  EXPECT_TRUE(sketched.sketched());
  const Summary a = exact.Summarize(), b = sketched.Summarize();
  EXPECT_EQ(b.count, 200'000u);
  EXPECT_NEAR(b.mean, a.mean, 1e-9 * a.mean);
  EXPECT_DOUBLE_EQ(b.max, a.max);
  // Type-7 interpolation against the sketch's nearest rank: both within the
  // bin of the same order statistic, so within 0.5% plus a neighbour's gap.
  for (auto [x, y] : {std::pair{a.p50, b.p50}, {a.p90, b.p90}, {a.p95, b.p95}, {a.p99, b.p99}, {a.p999, b.p999}}) {
    EXPECT_NEAR(y, x, 0.006 * x);
  }
  EXPECT_GT(b.mean_ci95, 0);
  EXPECT_NEAR(b.mean_ci95, a.mean_ci95, 0.5 * a.mean_ci95);
  EXPECT_NEAR(b.p99_ci95, a.p99_ci95, 0.5 * a.p99_ci95);
}

TEST(SampleSetTest, AppendingSketchesPoolsTheirSamples) {
  SampleSet one(1000), two(1000), all(1000), exact(1 << 22);
  std::mt19937_64 rng(11);
  for (std::size_t i = 0; i < 50'000; ++i) {
    const double x = Sample(rng, i);
    (i % 3 == 0 ? one : two).Add(x);
    all.Add(x);
    exact.Add(x);
  }
  one.Append(two);
  const Summary p = one.Summarize(), e = exact.Summarize();
  EXPECT_EQ(p.count, 50'000u);
  EXPECT_NEAR(p.mean, e.mean, 1e-9 * e.mean);
  EXPECT_NEAR(p.p99, e.p99, 0.006 * e.p99);
  EXPECT_DOUBLE_EQ(p.p99, all.Summarize().p99);  // the same bins, whatever the order
  SampleSet small(1000);
  small.Add(1.0);
  small.Append(SampleSet(1000));
  EXPECT_FALSE(small.sketched());
  EXPECT_EQ(small.size(), 1u);
}

}  // namespace
}  // namespace fleetlab
