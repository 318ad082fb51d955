#include "fleetlab/workload/rate_profile.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

namespace fleetlab {
namespace {

constexpr double kTwoPi = 6.283185307179586476925;
constexpr double kInf = std::numeric_limits<double>::infinity();

}  // namespace

RateProfile::RateProfile(const RateProfileOptions& options, double mean_rate) : o_(options), mean_rate_(mean_rate) {
  if (o_.kind != RateProfileOptions::Kind::kPiecewise) return;
  assert(!o_.points.empty() && o_.points.front().first == 0);
  cumulative_.assign(o_.points.size(), 0.0);
  for (std::size_t i = 1; i < o_.points.size(); ++i) {
    cumulative_[i] = cumulative_[i - 1] + SegmentCumulative(i - 1, o_.points[i].first - o_.points[i - 1].first);
  }
  period_cumulative_ = cumulative_.back();
  assert(!o_.repeat || (o_.points.back().first > 0 && period_cumulative_ > 0));
}

// Arrivals expected `dt` into segment i (which starts at point i): the
// step's rate times dt, or the ramp's trapezoid. The last segment runs on
// at the last point's rate.
double RateProfile::SegmentCumulative(std::size_t i, double dt) const {
  const double r0 = o_.points[i].second;
  if (!o_.linear || i + 1 >= o_.points.size()) return r0 * dt;
  const double length = o_.points[i + 1].first - o_.points[i].first;
  const double slope = (o_.points[i + 1].second - r0) / length;
  return r0 * dt + slope * dt * dt / 2;
}

double RateProfile::Rate(double t) const {
  switch (o_.kind) {
    case RateProfileOptions::Kind::kConstant: return mean_rate_;
    case RateProfileOptions::Kind::kSinusoid:
      return mean_rate_ * (1 + o_.amplitude * std::sin(kTwoPi * (t - o_.phase_s) / o_.period_s));
    case RateProfileOptions::Kind::kPiecewise: break;
  }
  const double period = o_.points.back().first;
  if (o_.repeat) t -= std::floor(t / period) * period;
  const auto it = std::upper_bound(o_.points.begin(), o_.points.end(), t,
                                   [](double x, const std::pair<double, double>& p) { return x < p.first; });
  const std::size_t i = static_cast<std::size_t>(it - o_.points.begin()) - 1;
  if (!o_.linear || i + 1 >= o_.points.size()) return o_.points[i].second;
  const double f = (t - o_.points[i].first) / (o_.points[i + 1].first - o_.points[i].first);
  return o_.points[i].second + f * (o_.points[i + 1].second - o_.points[i].second);
}

double RateProfile::Cumulative(double t) const {
  switch (o_.kind) {
    case RateProfileOptions::Kind::kConstant: return mean_rate_ * t;
    case RateProfileOptions::Kind::kSinusoid: {
      const double w = kTwoPi / o_.period_s;
      return mean_rate_ * t +
             mean_rate_ * o_.amplitude / w * (std::cos(-w * o_.phase_s) - std::cos(w * (t - o_.phase_s)));
    }
    case RateProfileOptions::Kind::kPiecewise: break;
  }
  double base = 0;
  if (o_.repeat) {
    const double period = o_.points.back().first, k = std::floor(t / period);
    base = k * period_cumulative_;
    t -= k * period;
  }
  const auto it = std::upper_bound(o_.points.begin(), o_.points.end(), t,
                                   [](double x, const std::pair<double, double>& p) { return x < p.first; });
  const std::size_t i = static_cast<std::size_t>(it - o_.points.begin()) - 1;
  return base + cumulative_[i] + SegmentCumulative(i, t - o_.points[i].first);
}

// Finds the segment whose cumulative range holds `lambda`, from where the
// last search ended (inversions come with increasing lambda), then solves
// within it: a step's r dt = x, a ramp's r dt + s dt^2 / 2 = x (the root
// in its stable form).
double RateProfile::PiecewiseInverse(double lambda) const {
  double base_t = 0;
  if (o_.repeat) {
    const double k = std::floor(lambda / period_cumulative_);
    base_t = k * o_.points.back().first;
    lambda -= k * period_cumulative_;
  }
  const std::size_t n = o_.points.size();
  if (segment_ >= n || cumulative_[segment_] > lambda) segment_ = 0;
  while (segment_ + 1 < n && cumulative_[segment_ + 1] <= lambda) ++segment_;
  if (o_.repeat && segment_ + 1 == n) segment_ = n - 2;  // lambda == one period's: the end of the last segment
  const std::size_t i = segment_;
  const double x = lambda - cumulative_[i], r0 = o_.points[i].second;
  double dt = 0;
  if (!o_.linear || i + 1 >= n) {
    if (r0 <= 0) return x > 0 ? kInf : base_t + o_.points[i].first;
    dt = x / r0;
  } else {
    const double slope = (o_.points[i + 1].second - r0) / (o_.points[i + 1].first - o_.points[i].first);
    const double disc = std::max(0.0, r0 * r0 + 2 * slope * x);
    dt = r0 + std::sqrt(disc) > 0 ? 2 * x / (r0 + std::sqrt(disc)) : 0.0;
  }
  return base_t + o_.points[i].first + dt;
}

// Lambda(t) = lambda by safeguarded Newton steps: Lambda - rate x t is
// bounded by rate x amplitude x period / pi, which brackets the root.
double RateProfile::SinusoidInverse(double lambda) const {
  const double guess = lambda / mean_rate_, half = o_.amplitude * o_.period_s / 3.14159265358979323846;
  double lo = std::max(0.0, guess - half), hi = guess + half, t = guess;
  for (int k = 0; k < 100; ++k) {
    const double f = Cumulative(t) - lambda;
    if (std::fabs(f) <= 1e-12 * std::max(1.0, lambda)) break;
    (f < 0 ? lo : hi) = t;
    const double slope = Rate(t);
    const double next = slope > 0 ? t - f / slope : (lo + hi) / 2;
    t = next > lo && next < hi ? next : (lo + hi) / 2;
  }
  return t;
}

double RateProfile::Inverse(double lambda) const {
  switch (o_.kind) {
    case RateProfileOptions::Kind::kConstant: return lambda / mean_rate_;
    case RateProfileOptions::Kind::kSinusoid: return SinusoidInverse(lambda);
    case RateProfileOptions::Kind::kPiecewise: return PiecewiseInverse(lambda);
  }
  return kInf;
}

double RateProfile::MeanRate() const {
  if (o_.kind != RateProfileOptions::Kind::kPiecewise) return mean_rate_;
  const double span = o_.points.back().first;
  return span > 0 ? cumulative_.back() / span : o_.points.back().second;
}

}  // namespace fleetlab
