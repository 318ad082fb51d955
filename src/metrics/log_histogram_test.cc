#include "fleetlab/metrics/log_histogram.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "fleetlab/random/distribution.h"

namespace fleetlab {
namespace {

// The sketch's quantiles stay within its stated relative error of the exact
// nearest-rank order statistics, on a heavy-tailed sample.
TEST(LogHistogramTest, QuantilesWithinStatedRelativeError) {
  const Distribution d = Distribution::Lognormal(20.0, 2.0);
  Rng rng(4);
  LogHistogram h;
  std::vector<double> exact;
  for (int i = 0; i < 200000; ++i) {
    const double x = d.Sample(rng);
    h.Add(x);
    exact.push_back(x);
  }
  std::sort(exact.begin(), exact.end());
  for (double q : {0.01, 0.5, 0.9, 0.99, 0.999}) {
    const auto rank = static_cast<std::size_t>(std::ceil(q * exact.size()));
    const double truth = exact[rank - 1];
    EXPECT_LE(std::abs(h.Quantile(q) - truth), LogHistogram::kRelativeError * truth * (1 + 1e-9)) << q;
  }
  double sum = 0;
  for (double x : exact) sum += x;
  EXPECT_NEAR(h.mean(), sum / exact.size(), 1e-9 * h.mean());
  EXPECT_EQ(h.Summarize().max, exact.back());
}

TEST(LogHistogramTest, WeightedCountsAndZeros) {
  LogHistogram h;
  h.Add(0.0, 60);
  h.Add(10.0, 40);
  EXPECT_EQ(h.count(), 100u);
  EXPECT_EQ(h.Quantile(0.5), 0.0);
  EXPECT_NEAR(h.Quantile(0.61), 10.0, 10.0 * LogHistogram::kRelativeError);
  EXPECT_DOUBLE_EQ(h.mean(), 4.0);
}

// Merging sketches is exact: the same bins as one sketch fed everything.
TEST(LogHistogramTest, MergeEqualsOneSketchOfEverything) {
  const Distribution d = Distribution::Lognormal(20.0, 2.0);
  Rng rng(9);
  LogHistogram a, b, all;
  for (int i = 0; i < 20000; ++i) {
    const double x = i % 7 == 0 ? 0.0 : d.Sample(rng);
    (i % 3 == 0 ? a : b).Add(x);
    all.Add(x);
  }
  LogHistogram empty;
  empty.Merge(a);
  empty.Merge(b);
  a.Merge(b);
  for (const LogHistogram* m : {&a, &empty}) {
    EXPECT_EQ(m->count(), all.count());
    EXPECT_NEAR(m->mean(), all.mean(), 1e-12 * all.mean());
    for (double q : {0.1, 0.5, 0.9, 0.99, 0.999, 1.0}) EXPECT_EQ(m->Quantile(q), all.Quantile(q)) << q;
  }
}

}  // namespace
}  // namespace fleetlab
