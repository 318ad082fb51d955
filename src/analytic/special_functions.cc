#include "fleetlab/analytic/special_functions.h"

#include <cassert>
#include <cmath>

namespace fleetlab::analytic {
namespace {

constexpr double kEps = 1e-16;
constexpr int kMaxIterations = 1000000;

// log(x^a e^-x / Gamma(a)), the common prefactor of both expansions.
double LogPrefactor(double a, double x) { return a * std::log(x) - x - LogGamma(a); }

// P(a, x) by its power series; converges fast for x < a + 1.
double SeriesP(double a, double x) {
  double term = 1 / a;
  double sum = term;
  for (int n = 1; n < kMaxIterations; ++n) {
    term *= x / (a + n);
    sum += term;
    if (std::fabs(term) < std::fabs(sum) * kEps) break;
  }
  return sum * std::exp(LogPrefactor(a, x));
}

// Q(a, x) by its continued fraction (modified Lentz); converges for x > a + 1.
double ContinuedFractionQ(double a, double x) {
  constexpr double kTiny = 1e-300;
  double b = x + 1 - a;
  double c = 1 / kTiny;
  double d = 1 / b;
  double h = d;
  for (int i = 1; i < kMaxIterations; ++i) {
    const double an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = b + an / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1) < kEps) break;
  }
  return std::exp(LogPrefactor(a, x)) * h;
}

}  // namespace

double RegularizedGammaP(double a, double x) {
  assert(a > 0);
  if (x <= 0) return 0;
  if (std::isinf(x)) return 1;
  if (x < a + 1) return SeriesP(a, x);
  return 1 - ContinuedFractionQ(a, x);
}

double RegularizedGammaQ(double a, double x) {
  assert(a > 0);
  if (x <= 0) return 1;
  if (std::isinf(x)) return 0;
  if (x < a + 1) return 1 - SeriesP(a, x);
  return ContinuedFractionQ(a, x);
}

double LogGamma(double x) {
  int sign = 0;
  return lgamma_r(x, &sign);
}

}  // namespace fleetlab::analytic
