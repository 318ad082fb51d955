#include "fleetlab/random/distribution.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numeric>

#include "fleetlab/analytic/special_functions.h"

namespace fleetlab {

Distribution Distribution::Deterministic(double value) {
  assert(value >= 0);
  Distribution d;
  d.kind_ = Kind::kDeterministic;
  d.a_ = value;
  d.mean_ = value;
  return d;
}

Distribution Distribution::Exponential(double mean) {
  assert(mean > 0);
  Distribution d;
  d.kind_ = Kind::kExponential;
  d.a_ = mean;
  d.mean_ = mean;
  d.variance_ = mean * mean;
  return d;
}

Distribution Distribution::Gamma(double mean, double cv) {
  assert(mean > 0 && cv > 0);
  Distribution d;
  d.kind_ = Kind::kGamma;
  d.a_ = 1.0 / (cv * cv);  // shape k
  d.b_ = mean * cv * cv;   // scale theta
  d.mean_ = mean;
  d.variance_ = mean * mean * cv * cv;
  return d;
}

Distribution Distribution::Lognormal(double mean, double cv) {
  assert(mean > 0 && cv > 0);
  Distribution d;
  d.kind_ = Kind::kLognormal;
  const double sigma2 = std::log1p(cv * cv);
  d.a_ = std::log(mean) - sigma2 / 2;  // mu of the underlying normal
  d.b_ = std::sqrt(sigma2);            // sigma of the underlying normal
  d.mean_ = mean;
  d.variance_ = mean * mean * cv * cv;
  return d;
}

Distribution Distribution::Uniform(double low, double high) {
  assert(0 <= low && low <= high);
  Distribution d;
  d.kind_ = Kind::kUniform;
  d.a_ = low;
  d.b_ = high;
  d.mean_ = (low + high) / 2;
  d.variance_ = (high - low) * (high - low) / 12;
  return d;
}

namespace {

// Weights normalised to probabilities. REQUIRES: weights >= 0, sum > 0.
std::vector<double> Probabilities(const std::vector<double>& weights) {
  const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
  assert(total > 0);
  std::vector<double> p;
  p.reserve(weights.size());
  for (double w : weights) p.push_back(w / total);
  return p;
}

// Running sums of `p`, the last forced to 1 (a guard against rounding).
std::vector<double> Cumulative(const std::vector<double>& p) {
  std::vector<double> cum(p.size());
  std::partial_sum(p.begin(), p.end(), cum.begin());
  cum.back() = 1.0;
  return cum;
}

}  // namespace

Distribution Distribution::Empirical(std::vector<double> values, std::vector<double> weights) {
  assert(!values.empty() && values.size() == weights.size());
  const std::vector<double> p = Probabilities(weights);
  Distribution d;
  d.kind_ = Kind::kEmpirical;
  double m1 = 0, m2 = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    m1 += p[i] * values[i];
    m2 += p[i] * values[i] * values[i];
  }
  d.cumulative_ = Cumulative(p);
  d.values_ = std::move(values);
  d.mean_ = m1;
  d.variance_ = std::max(0.0, m2 - m1 * m1);
  return d;
}

Distribution Distribution::Mixture(std::vector<Distribution> components, std::vector<double> weights) {
  assert(!components.empty() && components.size() == weights.size());
  const std::vector<double> p = Probabilities(weights);
  Distribution d;
  d.kind_ = Kind::kMixture;
  double m1 = 0, m2 = 0;
  for (std::size_t i = 0; i < components.size(); ++i) {
    const Distribution& c = components[i];
    m1 += p[i] * c.Mean();
    m2 += p[i] * (c.Variance() + c.Mean() * c.Mean());
  }
  d.cumulative_ = Cumulative(p);
  d.components_ = std::move(components);
  d.mean_ = m1;
  d.variance_ = std::max(0.0, m2 - m1 * m1);
  return d;
}

double Distribution::Survival(double t) const {
  if (t < 0) return 1.0;
  switch (kind_) {
    case Kind::kDeterministic:
      return a_ > t ? 1.0 : 0.0;
    case Kind::kExponential:
      return std::exp(-t / a_);
    case Kind::kGamma:
      return analytic::RegularizedGammaQ(a_, t / b_);
    case Kind::kLognormal:
      return t <= 0 ? 1.0 : 0.5 * std::erfc((std::log(t) - a_) / (b_ * std::sqrt(2.0)));
    case Kind::kUniform:
      return b_ == a_ ? (a_ > t ? 1.0 : 0.0) : std::clamp((b_ - t) / (b_ - a_), 0.0, 1.0);
    case Kind::kEmpirical:
    case Kind::kMixture: {
      double s = 0, prev = 0;
      for (std::size_t i = 0; i < cumulative_.size(); ++i) {
        const double p = cumulative_[i] - prev;
        prev = cumulative_[i];
        s += p * (kind_ == Kind::kEmpirical ? (values_[i] > t ? 1.0 : 0.0) : components_[i].Survival(t));
      }
      return s;
    }
  }
  return 0;  // unreachable
}

double Distribution::Cv() const { return mean_ > 0 ? std::sqrt(variance_) / mean_ : 0.0; }

double SampleStandardNormal(Rng& rng) {
  while (true) {
    const double u = 2 * rng.Uniform() - 1;
    const double v = 2 * rng.Uniform() - 1;
    const double s = u * u + v * v;
    if (s > 0 && s < 1) return u * std::sqrt(-2 * std::log(s) / s);
  }
}

// Marsaglia & Tsang (2000) for shape >= 1; shape < 1 uses the boost
// Gamma(k) = Gamma(k + 1) * U^(1/k).
double Distribution::SampleGamma(Rng& rng) const {
  const double k = a_;
  const double shape = k < 1 ? k + 1 : k;
  const double dd = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9 * dd);
  double x;
  while (true) {
    const double z = SampleStandardNormal(rng);
    const double t = 1 + c * z;
    if (t <= 0) continue;
    const double v = t * t * t;
    const double u = rng.UniformPositive();
    if (std::log(u) < 0.5 * z * z + dd - dd * v + dd * std::log(v)) {
      x = dd * v;
      break;
    }
  }
  if (k < 1) x *= std::pow(rng.UniformPositive(), 1.0 / k);
  return x * b_;
}

std::size_t Distribution::PickIndex(Rng& rng) const {
  const double u = rng.Uniform();
  const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), u);
  return std::min(static_cast<std::size_t>(it - cumulative_.begin()), cumulative_.size() - 1);
}

double Distribution::Sample(Rng& rng) const {
  switch (kind_) {
    case Kind::kDeterministic:
      return a_;
    case Kind::kExponential:
      return -a_ * std::log(rng.UniformPositive());
    case Kind::kGamma:
      return SampleGamma(rng);
    case Kind::kLognormal:
      return std::exp(a_ + b_ * SampleStandardNormal(rng));
    case Kind::kUniform:
      return a_ + (b_ - a_) * rng.Uniform();
    case Kind::kEmpirical:
      return values_[PickIndex(rng)];
    case Kind::kMixture:
      return components_[PickIndex(rng)].Sample(rng);
  }
  return 0;  // unreachable
}

}  // namespace fleetlab
