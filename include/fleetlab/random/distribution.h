// Distribution: a univariate law that can be sampled, with its exact mean and
// variance. Values carry whatever unit the caller chose (ms for a service
// time, tokens for a prompt length); the distribution itself is unitless.
//
// All sampling algorithms are written here from the Rng's raw bits so results
// are identical across compilers (see rng.h). Parameters are validated where
// they are parsed (scenario/); the factories only assert their REQUIRES.
#pragma once

#include <cstdint>
#include <vector>

#include "fleetlab/random/rng.h"

namespace fleetlab {

class Distribution {
 public:
  enum class Kind { kDeterministic, kExponential, kGamma, kLognormal, kUniform, kEmpirical, kMixture };

  // Always `value`. REQUIRES: value >= 0.
  static Distribution Deterministic(double value);
  // Exponential with the given mean (CV 1). REQUIRES: mean > 0.
  static Distribution Exponential(double mean);
  // Gamma with the given mean and coefficient of variation (shape 1/cv^2).
  // CV 1 is the exponential; CV < 1 is more regular, CV > 1 burstier.
  // REQUIRES: mean > 0, cv > 0.
  static Distribution Gamma(double mean, double cv);
  // Lognormal with the given mean and CV. REQUIRES: mean > 0, cv > 0.
  static Distribution Lognormal(double mean, double cv);
  // Uniform on [low, high]. REQUIRES: 0 <= low <= high.
  static Distribution Uniform(double low, double high);
  // Discrete: `values[i]` with probability weights[i] / sum(weights).
  // REQUIRES: same non-zero length, values >= 0, weights >= 0, sum > 0.
  static Distribution Empirical(std::vector<double> values, std::vector<double> weights);

  // With probability weights[i] / sum(weights), a draw from components[i]
  // (e.g. a 1% slow mode: {fast, slow} with weights {0.99, 0.01}).
  // REQUIRES: same non-zero length, weights >= 0, sum > 0.
  static Distribution Mixture(std::vector<Distribution> components, std::vector<double> weights);

  double Sample(Rng& rng) const;
  // P(X > t), exact for every kind (gamma through the regularised incomplete
  // gamma function). Used by the analytic twin of hedging and fan-out.
  double Survival(double t) const;
  double Mean() const { return mean_; }
  double Variance() const { return variance_; }
  // Coefficient of variation: standard deviation / mean (0 if mean is 0).
  double Cv() const;
  Kind kind() const { return kind_; }

 private:
  Distribution() = default;
  double SampleGamma(Rng& rng) const;
  // Empirical, mixture: an index drawn with the cumulative probabilities.
  std::size_t PickIndex(Rng& rng) const;

  Kind kind_ = Kind::kDeterministic;
  double a_ = 0;  // meaning depends on kind: value, mean, shape, mu, low
  double b_ = 0;  // scale, sigma, high
  double mean_ = 0;
  double variance_ = 0;
  std::vector<double> values_;      // empirical: sorted by input order
  std::vector<double> cumulative_;  // empirical, mixture: cumulative probabilities
  std::vector<Distribution> components_;  // mixture
};

// A standard normal deviate (Marsaglia's polar method).
double SampleStandardNormal(Rng& rng);

// True with probability p. REQUIRES: 0 <= p <= 1.
inline bool SampleBernoulli(Rng& rng, double p) { return rng.Uniform() < p; }

}  // namespace fleetlab
