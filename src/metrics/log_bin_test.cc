#include "metrics/log_bin.h"

#include <cmath>
#include <cstdint>
#include <limits>

#include <gtest/gtest.h>

#include "fleetlab/random/rng.h"

namespace fleetlab::log_bin {
namespace {

const double kGamma = 1.005 / 0.995;  // LogHistogram's bins (kRelativeError 0.5%)
const double kLogGamma = std::log(kGamma);

int Fast(double v) { return LogBin(v, kLogGamma, 1 / kLogGamma); }

// Log-uniform values over 24 decades: the estimate and std::log agree on
// every one.
TEST(LogBinTest, AgreesWithStdLogOnRandomValues) {
  Rng rng(7);
  for (int i = 0; i < 2'000'000; ++i) {
    const double v = std::exp((rng.Uniform() - 0.5) * 2 * 27.6);  // 1e-12 .. 1e12
    ASSERT_EQ(Fast(v), LogBinExact(v, kLogGamma)) << "v = " << v;
  }
}

// At every bin edge gamma^i and its neighbouring doubles, where a one-ulp
// difference in ln v would change the bin, the fallback keeps them equal.
TEST(LogBinTest, AgreesWithStdLogAtBinEdges) {
  int checked = 0;
  for (int i = -2800; i <= 2800; ++i) {
    const double edge = std::pow(kGamma, i);
    double v = edge;
    for (int step = 0; step < 4; ++step) v = std::nextafter(v, 0.0);
    for (int step = 0; step < 9; ++step, v = std::nextafter(v, std::numeric_limits<double>::infinity())) {
      ASSERT_EQ(Fast(v), LogBinExact(v, kLogGamma)) << "v = " << v << " near gamma^" << i;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 5601 * 9);
}

// Powers of two (the table's first entry, r = 0), subnormals and the
// largest double go the same way.
TEST(LogBinTest, AgreesAtPowersOfTwoSubnormalsAndExtremes) {
  for (int e = -1070; e <= 1023; ++e) {
    const double v = std::ldexp(1.0, e);
    ASSERT_EQ(Fast(v), LogBinExact(v, kLogGamma)) << "2^" << e;
  }
  const double extremes[] = {std::numeric_limits<double>::denorm_min(), std::numeric_limits<double>::min(),
                             std::numeric_limits<double>::max(), 1.0, 0.5, 3.0};
  for (double v : extremes) EXPECT_EQ(Fast(v), LogBinExact(v, kLogGamma)) << v;
}

// LogBinAfter gives LogBinExact's bin for every value, whatever came before it:
// a slow drift across ~2,500 edges and back (mostly remembered bins), each
// edge's neighbouring doubles visited in order and in reverse (the
// remembered interval's ends), random jumps, and the extremes.
TEST(LogBinTest, LastBinAgreesWithStdLogWhateverCameBefore) {
  LastBin last;
  const auto check = [&](double v) {
    ASSERT_EQ(LogBinAfter(v, kLogGamma, 1 / kLogGamma, 1 / kGamma, last), LogBinExact(v, kLogGamma)) << v;
  };
  Rng rng(11);
  double v = 1e-6;
  for (int i = 0; i < 2'000'000; ++i) {
    // Steps of up to +-0.1%, drifting up by e^25 over the first million
    // values and back down over the second (finite, as LogBin requires).
    v *= std::exp((rng.Uniform() - (i < 1'000'000 ? 0.4875 : 0.5125)) * 2e-3);
    ASSERT_TRUE(v > 0 && v < 1e300) << i;
    check(v);
  }
  for (int i = -2800; i <= 2800; ++i) {
    const double edge = std::pow(kGamma, i);
    double up = edge, down = edge;
    for (int step = 0; step < 4; ++step) up = std::nextafter(up, 0.0);
    for (int step = 0; step < 4; ++step) down = std::nextafter(down, std::numeric_limits<double>::infinity());
    for (int step = 0; step < 9; ++step, up = std::nextafter(up, std::numeric_limits<double>::infinity())) check(up);
    for (int step = 0; step < 9; ++step, down = std::nextafter(down, 0.0)) check(down);
  }
  for (int i = 0; i < 200'000; ++i) check(std::exp((rng.Uniform() - 0.5) * 2 * 27.6));
  const double extremes[] = {std::numeric_limits<double>::denorm_min(), std::numeric_limits<double>::min(),
                             std::numeric_limits<double>::max(), 1.0, 0.5, 3.0, 1e-310, 1e300};
  for (double x : extremes) {
    check(x);
    if (std::nextafter(x, 0.0) > 0) check(std::nextafter(x, 0.0));  // LogBin requires v > 0
    check(x);
  }
}

}  // namespace
}  // namespace fleetlab::log_bin
