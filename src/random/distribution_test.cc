#include "fleetlab/random/distribution.h"

#include <cmath>
#include <vector>

#include <gtest/gtest.h>

namespace fleetlab {
namespace {

struct Moments {
  double mean, cv;
};

Moments Measure(const Distribution& d, int n, std::uint64_t seed) {
  Rng rng(seed);
  double s = 0, s2 = 0;
  for (int i = 0; i < n; ++i) {
    const double x = d.Sample(rng);
    s += x;
    s2 += x * x;
  }
  const double mean = s / n;
  return {mean, std::sqrt(s2 / n - mean * mean) / mean};
}

TEST(RngTest, SameSeedSameStreamDifferentSeedDifferentStream) {
  Rng a(42), b(42), c(43);
  for (int i = 0; i < 10; ++i) {
    const auto x = a.Next();
    EXPECT_EQ(x, b.Next());
    EXPECT_NE(x, c.Next());
  }
}

TEST(RngTest, KnownFirstValuesPinTheAlgorithm) {
  // SplitMix64 from 0 gives 0xE220A8397B1DCDAF (Vigna's reference output).
  std::uint64_t state = 0;
  EXPECT_EQ(SplitMix64(state), 0xE220A8397B1DCDAFULL);
  EXPECT_EQ(StableHash("arrivals"), StableHash("arrivals"));
  EXPECT_NE(StableHash("arrivals"), StableHash("service"));
}

TEST(RngTest, NamedStreamsAreIndependentAndReproducible) {
  RandomStreams streams(7);
  Rng a1 = streams.Stream(StreamId::kArrivals), a2 = streams.Stream(StreamId::kArrivals);
  Rng s = streams.Stream(StreamId::kService), r3 = streams.Stream(StreamId::kService, 3);
  const auto x = a1.Next();
  EXPECT_EQ(x, a2.Next());
  EXPECT_NE(x, s.Next());
  EXPECT_NE(streams.Stream(StreamId::kService).Next(), r3.Next());
}

TEST(RngTest, BelowIsUnbiasedOnSmallRange) {
  Rng rng(1);
  int counts[3] = {0, 0, 0};
  for (int i = 0; i < 300000; ++i) ++counts[rng.Below(3)];
  for (int c : counts) EXPECT_NEAR(c, 100000, 1000);  // ~5.8 standard deviations
}

TEST(RngTest, UniformRanges) {
  Rng rng(3);
  for (int i = 0; i < 100000; ++i) {
    const double u = rng.Uniform(), p = rng.UniformPositive();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    ASSERT_GT(p, 0.0);
    ASSERT_LE(p, 1.0);
  }
}

// 200k samples: the sample mean's relative standard error is cv/sqrt(n),
// under 0.5% for cv <= 2; tolerances are about 4 standard errors.
TEST(DistributionTest, MomentsMatchTheirParameters) {
  const int n = 200000;
  struct Case {
    Distribution d;
    double mean, cv, tol_mean, tol_cv;
  };
  const std::vector<Case> cases = {
      {Distribution::Exponential(10), 10, 1, 0.1, 0.02},
      {Distribution::Gamma(10, 2), 10, 2, 0.2, 0.08},
      {Distribution::Gamma(10, 0.5), 10, 0.5, 0.05, 0.01},
      {Distribution::Lognormal(10, 0.8), 10, 0.8, 0.1, 0.04},
      {Distribution::Uniform(2, 6), 4, std::sqrt(16.0 / 12) / 4, 0.02, 0.01},
      {Distribution::Deterministic(3), 3, 0, 1e-12, 1e-12},
  };
  for (const Case& c : cases) {
    EXPECT_DOUBLE_EQ(c.d.Mean(), c.mean);
    EXPECT_NEAR(c.d.Cv(), c.cv, 1e-12);
    const Moments m = Measure(c.d, n, 11);
    EXPECT_NEAR(m.mean, c.mean, c.tol_mean) << static_cast<int>(c.d.kind());
    EXPECT_NEAR(m.cv, c.cv, c.tol_cv) << static_cast<int>(c.d.kind());
  }
}

TEST(DistributionTest, EmpiricalFollowsItsWeights) {
  const Distribution d = Distribution::Empirical({1, 2, 5}, {1, 1, 2});
  EXPECT_DOUBLE_EQ(d.Mean(), (1 + 2 + 10) / 4.0);
  Rng rng(5);
  int fives = 0;
  for (int i = 0; i < 100000; ++i) fives += d.Sample(rng) == 5;
  EXPECT_NEAR(fives, 50000, 700);
}

TEST(DistributionTest, ExponentialMedianIsMeanLn2) {
  const Distribution d = Distribution::Exponential(1);
  Rng rng(9);
  int below = 0;
  for (int i = 0; i < 100000; ++i) below += d.Sample(rng) < std::log(2.0);
  EXPECT_NEAR(below, 50000, 700);
}

TEST(DistributionTest, BernoulliFrequency) {
  Rng rng(2);
  int hits = 0;
  for (int i = 0; i < 100000; ++i) hits += SampleBernoulli(rng, 0.3);
  EXPECT_NEAR(hits, 30000, 600);
}

TEST(DistributionTest, SameSeedBitIdenticalSamples) {
  const Distribution d = Distribution::Gamma(5, 0.7);
  Rng a(99), b(99);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(d.Sample(a), d.Sample(b));
}

}  // namespace
}  // namespace fleetlab
