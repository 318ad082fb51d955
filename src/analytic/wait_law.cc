#include "fleetlab/analytic/wait_law.h"

#include <cassert>
#include <cmath>
#include <limits>

#include "fleetlab/analytic/numeric.h"

namespace fleetlab::analytic {

AtomExpWait AtomExpWait::FromMean(double p_wait, double mean_wait_s) {
  assert(p_wait >= 0 && p_wait <= 1 && mean_wait_s >= 0);
  if (p_wait == 0 || mean_wait_s == 0) return {0, 1};
  return {p_wait, p_wait / mean_wait_s};  // rate 0 when the mean is infinite
}

double AtomExpWait::Mean() const {
  if (p_wait == 0) return 0;
  return p_wait / rate;
}

double AtomExpWait::Survival(double t) const {
  if (t < 0) return 1;
  if (p_wait == 0) return 0;
  return p_wait * std::exp(-rate * t);
}

double AtomExpWait::Quantile(double q) const {
  assert(q > 0 && q < 1);
  if (1 - q >= p_wait) return 0;
  if (rate == 0) return std::numeric_limits<double>::infinity();
  return std::log(p_wait / (1 - q)) / rate;
}

namespace {

// P(E_a + E_b > t) for independent exponentials with rates a and b:
// e^{-b t} + b * e^{-a t} * (1 - e^{-(b - a) t}) / (b - a), the last factor
// tending to t as b -> a.
double HypoexponentialSurvival(double a, double b, double t) {
  const double d = b - a;
  const double x = d * t;
  const double ratio = std::fabs(x) < 1e-8 ? t * (1 - x / 2) : -std::expm1(-x) / d;
  return std::exp(-b * t) + b * std::exp(-a * t) * ratio;
}

}  // namespace

double SurvivalPlusExponential(const AtomExpWait& wait, double mu, double t) {
  assert(mu > 0);
  if (t < 0) return 1;
  if (wait.p_wait == 0) return std::exp(-mu * t);
  if (wait.rate == 0) return 1 - (1 - wait.p_wait) * -std::expm1(-mu * t);
  return (1 - wait.p_wait) * std::exp(-mu * t) +
         wait.p_wait * HypoexponentialSurvival(wait.rate, mu, t);
}

double SurvivalPlus(const AtomExpWait& wait, const std::function<double(double)>& x_cdf, double t) {
  if (t < 0) return 1;
  const double f_t = x_cdf(t);
  if (wait.p_wait == 0) return 1 - f_t;
  if (wait.rate == 0) return 1 - (1 - wait.p_wait) * f_t;
  const double r = wait.rate;
  const double v_max = -std::expm1(-r * t);  // P(E_r <= t)
  const auto integrand = [&](double v) { return x_cdf(t + std::log1p(-v) / r); };
  const double conv = IntegrateAdaptiveSimpson(integrand, 0, v_max, 1e-10, 32);
  const double cdf = (1 - wait.p_wait) * f_t + wait.p_wait * conv;
  return std::fmax(0.0, 1 - cdf);
}

}  // namespace fleetlab::analytic
