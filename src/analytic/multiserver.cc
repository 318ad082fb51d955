#include "fleetlab/analytic/multiserver.h"

#include <cassert>
#include <cmath>

#include "fleetlab/analytic/numeric.h"
#include "fleetlab/analytic/queueing.h"
#include "fleetlab/analytic/wait_law.h"

namespace fleetlab::analytic {

double ErlangB(int c, double a) {
  assert(c >= 1 && a >= 0);
  double b = 1;
  for (int k = 1; k <= c; ++k) b = a * b / (k + a * b);
  return b;
}

double ErlangC(int c, double a) {
  assert(c >= 1 && a >= 0);
  if (a >= c) return 1;
  const double b = ErlangB(c, a);
  return b / (1 - (a / c) * (1 - b));
}

namespace {

bool Unstable(double lambda, double mu, int c) {
  assert(lambda >= 0 && mu > 0 && c >= 1);
  return lambda >= c * mu;
}

// The exact M/M/c wait law: atom 1 - C at zero, exponential tail c mu - lambda.
AtomExpWait MMcWait(double lambda, double mu, int c) {
  return {ErlangC(c, lambda / mu), c * mu - lambda};
}

}  // namespace

double MMcMeanWait(double lambda, double mu, int c) {
  if (Unstable(lambda, mu, c)) return kInfinity;
  return MMcWait(lambda, mu, c).Mean();
}

double MMcMeanSojourn(double lambda, double mu, int c) {
  return MMcMeanWait(lambda, mu, c) + 1 / mu;
}

double MMcWaitSurvival(double lambda, double mu, int c, double t) {
  if (Unstable(lambda, mu, c)) return 1;
  return MMcWait(lambda, mu, c).Survival(t);
}

double MMcWaitQuantile(double lambda, double mu, int c, double q) {
  assert(q > 0 && q < 1);
  if (Unstable(lambda, mu, c)) return kInfinity;
  return MMcWait(lambda, mu, c).Quantile(q);
}

double MMcSojournSurvival(double lambda, double mu, int c, double t) {
  if (Unstable(lambda, mu, c)) return 1;
  return SurvivalPlusExponential(MMcWait(lambda, mu, c), mu, t);
}

double MMcSojournQuantile(double lambda, double mu, int c, double q) {
  assert(q > 0 && q < 1);
  if (Unstable(lambda, mu, c)) return kInfinity;
  const AtomExpWait wait = MMcWait(lambda, mu, c);
  const auto survival = [&](double t) { return SurvivalPlusExponential(wait, mu, t); };
  return QuantileFromSurvival(survival, q, wait.Mean() + 1 / mu);
}

double MMcMeanInQueue(double lambda, double mu, int c) {
  if (Unstable(lambda, mu, c)) return kInfinity;
  return lambda * MMcMeanWait(lambda, mu, c);
}

double MMcMeanInSystem(double lambda, double mu, int c) {
  if (Unstable(lambda, mu, c)) return kInfinity;
  return lambda * MMcMeanSojourn(lambda, mu, c);
}

double AllenCunneenMeanWait(double lambda, double mean_service_s, int c, double ca2, double cs2) {
  assert(lambda >= 0 && mean_service_s > 0 && c >= 1 && ca2 >= 0 && cs2 >= 0);
  const double mu = 1 / mean_service_s;
  if (Unstable(lambda, mu, c)) return kInfinity;
  return ErlangC(c, lambda / mu) / (c * mu - lambda) * (ca2 + cs2) / 2;
}

}  // namespace fleetlab::analytic
