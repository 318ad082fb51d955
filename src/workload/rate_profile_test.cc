// Rate profiles: Lambda and its inverse by hand, and the simulated count of
// arrivals against its expectation Lambda(T) (a Poisson count, so within a
// few standard deviations sqrt(Lambda)).
#include "fleetlab/workload/rate_profile.h"

#include <cmath>

#include <gtest/gtest.h>

#include "fleetlab/random/rng.h"
#include "fleetlab/workload/arrival_process.h"

namespace fleetlab {
namespace {

constexpr double kPi = 3.14159265358979323846;

RateProfileOptions Sinusoid(double period, double amplitude, double phase = 0) {
  RateProfileOptions o;
  o.kind = RateProfileOptions::Kind::kSinusoid;
  o.period_s = period;
  o.amplitude = amplitude;
  o.phase_s = phase;
  return o;
}

RateProfileOptions Piecewise(std::vector<std::pair<double, double>> points, bool linear, bool repeat) {
  RateProfileOptions o;
  o.kind = RateProfileOptions::Kind::kPiecewise;
  o.points = std::move(points);
  o.linear = linear;
  o.repeat = repeat;
  return o;
}

// Lambda(t) = r t + r A P / (2 pi) (1 - cos(2 pi t / P)): over a full
// period r P; over the first half r P / 2 + r A P / pi.
TEST(RateProfileTest, SinusoidCumulativeByHand) {
  const RateProfile p(Sinusoid(100, 0.5), 10);
  EXPECT_NEAR(p.Cumulative(100), 1000, 1e-9);
  EXPECT_NEAR(p.Cumulative(50), 500 + 10 * 0.5 * 100 / kPi, 1e-9);
  EXPECT_NEAR(p.Rate(25), 15, 1e-12);  // the peak: r (1 + A)
  EXPECT_NEAR(p.Rate(75), 5, 1e-12);
  EXPECT_DOUBLE_EQ(p.MeanRate(), 10);
  for (double t : {0.0, 3.0, 25.0, 49.9, 77.7, 1234.5}) EXPECT_NEAR(p.Inverse(p.Cumulative(t)), t, 1e-9) << t;
}

// Steps of 10/s for 10 s then 30/s: Lambda(20) = 100 + 300. A ramp from 0
// to 20/s over 10 s: Lambda(10) = 100, Lambda(t) = t^2 within it.
TEST(RateProfileTest, PiecewiseStepsAndRampsByHand) {
  const RateProfile steps(Piecewise({{0, 10}, {10, 30}}, false, false), 0);
  EXPECT_DOUBLE_EQ(steps.Cumulative(20), 400);
  EXPECT_DOUBLE_EQ(steps.Inverse(250), 15);
  const RateProfile ramp(Piecewise({{0, 0}, {10, 20}}, true, false), 0);
  EXPECT_DOUBLE_EQ(ramp.Cumulative(10), 100);
  EXPECT_DOUBLE_EQ(ramp.Cumulative(5), 25);
  EXPECT_NEAR(ramp.Inverse(25), 5, 1e-12);
  EXPECT_NEAR(ramp.Inverse(49), 7, 1e-12);
  EXPECT_DOUBLE_EQ(ramp.Inverse(120), 11);  // after the ramp the last rate holds: 100 + 20 x 1
  EXPECT_DOUBLE_EQ(ramp.MeanRate(), 10);
  // Repeating: one period of 10 s carries 100 arrivals.
  const RateProfile cycle(Piecewise({{0, 0}, {10, 20}}, true, true), 0);
  EXPECT_DOUBLE_EQ(cycle.Cumulative(35), 300 + 25);
  EXPECT_NEAR(cycle.Inverse(325), 35, 1e-9);
  // A rate that stays 0 ends the arrivals.
  const RateProfile stop(Piecewise({{0, 5}, {10, 0}}, false, false), 0);
  EXPECT_TRUE(std::isinf(stop.Inverse(60)));
}

int CountArrivals(const ArrivalOptions& o, double until_s, std::uint64_t seed) {
  ArrivalProcess process(o, {});
  Rng rng(seed);
  Arrival a;
  int n = 0;
  SimTime now = 0;
  while (process.Next(rng, now, &a) && a.time < SecondsToNs(until_s)) {
    now = a.time;
    ++n;
  }
  return n;
}

// The count in [0, T] of a Poisson process of rate lambda(t) is Poisson
// with mean Lambda(T): 10 runs of the half-period above at r = 100 (mean
// 5,000 + 1,591.5 = 6,591.5, sd 81.2), their mean within 4 sd / sqrt(10).
TEST(RateProfileTest, PoissonCountMatchesTheExpectedCount) {
  ArrivalOptions o;
  o.kind = ArrivalKind::kPoisson;
  o.rate_per_s = 100;
  o.profile = Sinusoid(100, 0.5);
  const double expected = 5000 + 100 * 0.5 * 100 / kPi;
  double sum = 0;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) sum += CountArrivals(o, 50, seed);
  EXPECT_NEAR(sum / 10, expected, 4 * std::sqrt(expected / 10));
  // A ramp 0 -> 200/s over 60 s: Lambda = 6,000.
  ArrivalOptions ramp;
  ramp.kind = ArrivalKind::kGamma;
  ramp.cv = 2;
  ramp.profile = Piecewise({{0, 0}, {60, 200}}, true, false);
  double gamma_sum = 0;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) gamma_sum += CountArrivals(ramp, 60, seed);
  // Gamma gaps of CV 2 in operational time: the count's variance is about
  // cv^2 Lambda (renewal theory), so sd about 155 a run.
  EXPECT_NEAR(gamma_sum / 10, 6000, 4 * 2 * std::sqrt(6000.0 / 10));
  EXPECT_DOUBLE_EQ(ArrivalProcess(ramp, {}).MeanRate(), 100);
}

// More arrivals in the busy half-period than in the quiet one: the profile
// moves load in time, not only in total.
TEST(RateProfileTest, DiurnalPeakCarriesMoreThanTheTrough) {
  ArrivalOptions o;
  o.kind = ArrivalKind::kPoisson;
  o.rate_per_s = 50;
  o.profile = Sinusoid(200, 0.8);
  const int first_half = CountArrivals(o, 100, 7);
  const int whole = CountArrivals(o, 200, 7);
  // Expected 5,000 + 50 x 0.8 x 200 / pi = 7,546.5 of 10,000.
  EXPECT_NEAR(first_half, 7546.5, 4 * std::sqrt(7546.5));
  EXPECT_NEAR(whole - first_half, 10000 - 7546.5, 4 * std::sqrt(2453.5));
}

}  // namespace
}  // namespace fleetlab
