#include "fleetlab/analytic/md1.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <vector>

#include "fleetlab/analytic/numeric.h"
#include "fleetlab/analytic/queueing.h"

namespace fleetlab::analytic {
namespace {

// Beyond t = kMaxExactIntervals * D, or once the exact survival falls below
// kMinExactSurvival, the asymptotic tail is the more accurate of the two.
constexpr int kMaxExactIntervals = 100;
constexpr long double kMinExactSurvival = 1e-12L;

// S(k D + v) from the grid values s[0..k] = S(0), ..., S(k D), with x = lambda v:
// e^x [sum_{j<=k} (-x)^j/j! s[k-j] + sum_{j>k} (-x)^j/j!]. Since x <= rho < 1
// the terms are bounded by those of e^x, so nothing cancels catastrophically.
long double GridStep(const std::vector<long double>& s, int k, long double x) {
  long double a = 1;
  long double sum = 0;
  for (int j = 0; j <= k; ++j) {
    sum += a * s[k - j];
    a *= -x / (j + 1);
  }
  for (int j = k + 1; j < k + 40 && a != 0; ++j) {  // the tail R_k(x); |a| shrinks fast
    sum += a;
    a *= -x / (j + 1);
  }
  return std::exp(x) * sum;
}

// P(W > t) by the grid recursion. REQUIRES: 0 < rho < 1, t / D <= kMaxExactIntervals.
long double ExactSurvival(double lambda, double d, double t) {
  const int k_max = static_cast<int>(std::floor(t / d));
  const long double rho = static_cast<long double>(lambda) * d;
  std::vector<long double> s(k_max + 1);
  s[0] = rho;
  for (int k = 1; k <= k_max; ++k) s[k] = GridStep(s, k - 1, rho);
  const long double v = static_cast<long double>(t) - static_cast<long double>(k_max) * d;
  return std::clamp(GridStep(s, k_max, lambda * v), 0.0L, 1.0L);
}

// x = theta D > 0 solving rho (e^x - 1) = x, by bracketing and bisection.
// REQUIRES: 0 < rho < 1.
double TailExponent(double rho) {
  const auto g = [rho](double x) { return rho * (std::expm1(x) / x) - 1; };  // sign of rho(e^x-1)-x
  double hi = 1;
  while (g(hi) < 0) hi *= 2;
  double lo = 0;
  for (int i = 0; i < 200 && hi - lo > 1e-16 * hi; ++i) {
    const double mid = lo + (hi - lo) / 2;
    (g(mid) < 0 ? lo : hi) = mid;
  }
  return lo + (hi - lo) / 2;
}

bool Unstable(double lambda, double d) {
  assert(lambda >= 0 && d > 0);
  return lambda * d >= 1;
}

}  // namespace

double MD1TailDecayRate(double lambda, double service_s) {
  if (Unstable(lambda, service_s)) return 0;
  if (lambda == 0) return kInfinity;
  return TailExponent(lambda * service_s) / service_s;
}

double MD1WaitTailAsymptotic(double lambda, double service_s, double t) {
  const double rho = lambda * service_s;
  assert(rho > 0 && rho < 1);
  const double x = TailExponent(rho);
  const double c = (1 - rho) / (rho + x - 1);
  return c * std::exp(-x * t / service_s);
}

double MD1WaitSurvival(double lambda, double service_s, double t) {
  if (t < 0) return 1;
  if (Unstable(lambda, service_s)) return 1;
  if (lambda == 0) return 0;
  if (t == 0) return lambda * service_s;
  if (t / service_s <= kMaxExactIntervals) {
    const long double s = ExactSurvival(lambda, service_s, t);
    if (s >= kMinExactSurvival) return static_cast<double>(s);
  }
  return MD1WaitTailAsymptotic(lambda, service_s, t);
}

double MD1WaitCdf(double lambda, double service_s, double t) {
  return 1 - MD1WaitSurvival(lambda, service_s, t);
}

double MD1WaitCdfCrommelin(double lambda, double service_s, double t) {
  if (t < 0) return 0;
  if (Unstable(lambda, service_s)) return 0;
  const long double l = lambda;
  const long double d = service_s;
  const long double rho = l * d;
  const double k_max = std::floor(t / service_s);
  const double k_negligible =
      2 * std::exp(1.0) * lambda * t + 60;  // later terms < 2^-60 e^{lambda t}
  long double sum = 0;
  long double log_factorial = 0;
  for (int k = 0; k <= k_max && k <= k_negligible; ++k) {
    if (k > 0) log_factorial += std::log(static_cast<long double>(k));
    const long double x = l * (static_cast<long double>(t) - k * d);  // lambda (t - k D) >= 0
    if (k > 0 && x <= 0) continue;                                    // 0^k
    const long double log_magnitude = (k > 0 ? k * std::log(x) : 0) - log_factorial + x;
    const long double term = std::exp(log_magnitude);
    sum += (k % 2 == 0) ? term : -term;
  }
  return static_cast<double>((1 - rho) * sum);
}

double MD1WaitQuantile(double lambda, double service_s, double q) {
  assert(q > 0 && q < 1);
  if (Unstable(lambda, service_s)) return kInfinity;
  if (1 - q >= lambda * service_s) return 0;
  const auto survival = [&](double t) { return MD1WaitSurvival(lambda, service_s, t); };
  return QuantileFromSurvival(survival, q, service_s);
}

double MD1SojournQuantile(double lambda, double service_s, double q) {
  return MD1WaitQuantile(lambda, service_s, q) + service_s;
}

}  // namespace fleetlab::analytic
