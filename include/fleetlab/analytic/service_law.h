// ServiceLaw: a service-time law described by family and moments, with its
// CDF and density in closed form, for the analytic station model.
//
// Parameterization (matching fleetlab::Distribution): every family is given
// by its mean and coefficient of variation cv = stddev / mean.
//   deterministic: always mean_s (cv 0);
//   exponential:   rate 1 / mean_s (cv 1);
//   gamma:         shape k = 1 / cv^2, scale mean_s * cv^2 (cv 1 is exponential);
//   lognormal:     sigma^2 = ln(1 + cv^2), mu = ln(mean_s) - sigma^2 / 2, median e^mu;
//   uniform:       on [low_s, high_s]; mean and cv follow from the bounds;
//   other:         only the two moments are known (no CDF).
// Build values with the factories, which keep the fields consistent. Pure;
// never throws.
#pragma once

namespace fleetlab::analytic {

struct ServiceLaw {
  enum class Family { kDeterministic, kExponential, kGamma, kLognormal, kUniform, kOther };

  Family family = Family::kExponential;
  double mean_s = 1;  // mean service time, seconds
  double cv = 1;      // coefficient of variation (stddev / mean)
  double low_s = 0;   // uniform only: lower bound, seconds
  double high_s = 0;  // uniform only: upper bound, seconds

  // REQUIRES (all factories): mean_s > 0 (uniform: 0 <= low_s <= high_s,
  // high_s > 0); gamma and lognormal cv > 0; other cv >= 0.
  static ServiceLaw Deterministic(double mean_s);
  static ServiceLaw Exponential(double mean_s);
  static ServiceLaw Gamma(double mean_s, double cv);
  static ServiceLaw Lognormal(double mean_s, double cv);
  static ServiceLaw Uniform(double low_s, double high_s);
  static ServiceLaw Other(double mean_s, double cv);

  // Squared coefficient of variation Cs^2 = cv^2, the input of
  // Pollaczek–Khinchine, Kingman and Allen–Cunneen.
  double Cs2() const { return cv * cv; }

  // Whether the fields satisfy the factory invariants (for asserts).
  bool IsConsistent() const;

  // P(S <= t). Deterministic: a unit step at mean_s. Gamma via the
  // regularized incomplete gamma function, lognormal via erfc.
  // REQUIRES: IsConsistent(), family != kOther.
  double Cdf(double t) const;
  // P(S > t), computed without the cancellation of 1 - Cdf in the upper tail.
  // REQUIRES: IsConsistent(), family != kOther.
  double Survival(double t) const;
  // The density at t. Deterministic (a Dirac mass) and degenerate uniform
  // have none: 0 is returned; gamma with cv > 1 is infinite at t = 0.
  // REQUIRES: IsConsistent(), family != kOther.
  double Pdf(double t) const;
};

}  // namespace fleetlab::analytic
