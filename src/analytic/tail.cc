#include "fleetlab/analytic/tail.h"

#include <cassert>
#include <cmath>

#include "fleetlab/analytic/special_functions.h"

namespace fleetlab::analytic {

double FanOutSlowProbability(double p, long n) {
  assert(p >= 0 && p <= 1 && n >= 0);
  if (n == 0) return 0;
  if (p == 1) return 1;
  return -std::expm1(static_cast<double>(n) * std::log1p(-p));
}

double FanOutLeafQuantile(double q, long n) {
  assert(q > 0 && q < 1 && n >= 1);
  return std::exp(std::log(q) / static_cast<double>(n));
}

double KOfNCompletionProbability(double p_leaf, long n, long k) {
  assert(p_leaf >= 0 && p_leaf <= 1 && k >= 0 && k <= n);
  if (k == 0) return 1;
  if (p_leaf == 0) return 0;
  if (p_leaf == 1) return 1;
  const double log_p = std::log(p_leaf);
  const double log_q = std::log1p(-p_leaf);
  const double log_n_fact = LogGamma(static_cast<double>(n) + 1);
  double sum = 0;
  for (long i = k; i <= n; ++i) {
    const double di = static_cast<double>(i);
    const double log_choose =
        log_n_fact - LogGamma(di + 1) - LogGamma(static_cast<double>(n - i) + 1);
    sum += std::exp(log_choose + di * log_p + static_cast<double>(n - i) * log_q);
  }
  return std::fmin(sum, 1.0);
}

double HedgedSurvival(double s_first, double s_second) {
  assert(s_first >= 0 && s_first <= 1 && s_second >= 0 && s_second <= 1);
  return s_first * s_second;
}

double HedgedSurvival(const std::function<double(double)>& survival, double t, double d) {
  assert(d >= 0);
  const double second = t < d ? 1.0 : survival(t - d);
  return HedgedSurvival(survival(t), second);
}

double HedgeExtraLoad(const std::function<double(double)>& survival, double d) {
  assert(d >= 0);
  return survival(d);
}

}  // namespace fleetlab::analytic
