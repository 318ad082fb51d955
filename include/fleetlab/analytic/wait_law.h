// AtomExpWait: a waiting-time law with an atom at zero and an exponential
// tail, and the law of that wait plus an independent service time.
//
//   W = 0 with probability 1 - p_wait, else exponential with rate `rate`:
//   P(W > t) = p_wait * exp(-rate * t),  E[W] = p_wait / rate.
//
// This is the exact stationary FIFO wait of M/M/1 (p_wait = rho, rate =
// mu - lambda) and of M/M/c (p_wait = Erlang C, rate = c mu - lambda;
// Kleinrock 1975, 3.5). Elsewhere it is the two-moment tail approximation
// used by station.h: match P(W > 0) and E[W].
#pragma once

#include <functional>

namespace fleetlab::analytic {

struct AtomExpWait {
  double p_wait = 0;  // P(W > 0), in [0, 1]
  double rate = 1;    // decay rate of the tail, 1/s; unused when p_wait == 0

  // The law with the given P(W > 0) and mean: rate = p_wait / mean_wait_s.
  // W == 0 when either is 0; +inf mean gives W == +inf with prob. p_wait.
  // REQUIRES: 0 <= p_wait <= 1, mean_wait_s >= 0.
  static AtomExpWait FromMean(double p_wait, double mean_wait_s);

  // E[W] = p_wait / rate (0 when p_wait is 0).
  double Mean() const;
  // P(W > t) = p_wait * exp(-rate t) for t >= 0; 1 for t < 0.
  double Survival(double t) const;
  // q-quantile: 0 when q <= 1 - p_wait, else ln(p_wait / (1 - q)) / rate.
  // REQUIRES: 0 < q < 1.
  double Quantile(double q) const;
};

// P(W + X > t) for X exponential with rate mu, independent of W. Closed form:
// (1 - p) e^{-mu t} + p * P(E_rate + E_mu > t), the second term the
// hypoexponential survival (mu e^{-rate t} - rate e^{-mu t}) / (mu - rate),
// evaluated without cancellation (and as (1 + mu t) e^{-mu t} when
// rate == mu). REQUIRES: mu > 0.
double SurvivalPlusExponential(const AtomExpWait& wait, double mu, double t);

// P(W + X > t) for X >= 0 with CDF `x_cdf`, independent of W:
//   P(W + X <= t) = (1 - p) F(t) + p * integral_0^t rate e^{-rate u} F(t - u) du.
// The integral is taken over v = 1 - e^{-rate u} (so the exponential weight
// becomes uniform) by adaptive Simpson with absolute tolerance 1e-10; F may
// have kinks but should not have jumps (use a shift for a deterministic X).
// REQUIRES: x_cdf a CDF of a law on [0, inf).
double SurvivalPlus(const AtomExpWait& wait, const std::function<double(double)>& x_cdf, double t);

}  // namespace fleetlab::analytic
