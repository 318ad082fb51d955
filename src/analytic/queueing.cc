#include "fleetlab/analytic/queueing.h"

#include <cassert>
#include <cmath>

namespace fleetlab::analytic {

double Utilization(double lambda, double mean_service_s, int servers) {
  assert(lambda >= 0 && mean_service_s >= 0 && servers >= 1);
  return lambda * mean_service_s / servers;
}

double MM1MeanWait(double lambda, double mu) {
  assert(lambda >= 0 && mu > 0);
  if (lambda >= mu) return kInfinity;
  return (lambda / mu) / (mu - lambda);
}

double MM1MeanSojourn(double lambda, double mu) {
  assert(lambda >= 0 && mu > 0);
  if (lambda >= mu) return kInfinity;
  return 1 / (mu - lambda);
}

double MM1WaitSurvival(double lambda, double mu, double t) {
  assert(lambda >= 0 && mu > 0);
  if (lambda >= mu || t < 0) return 1;
  return (lambda / mu) * std::exp(-(mu - lambda) * t);
}

double MM1SojournSurvival(double lambda, double mu, double t) {
  assert(lambda >= 0 && mu > 0);
  if (lambda >= mu || t < 0) return 1;
  return std::exp(-(mu - lambda) * t);
}

double MM1WaitQuantile(double lambda, double mu, double q) {
  assert(lambda >= 0 && mu > 0);
  assert(q > 0 && q < 1);
  if (lambda >= mu) return kInfinity;
  const double rho = lambda / mu;
  if (1 - q >= rho) return 0;
  return std::log(rho / (1 - q)) / (mu - lambda);
}

double MM1SojournQuantile(double lambda, double mu, double q) {
  assert(lambda >= 0 && mu > 0);
  assert(q > 0 && q < 1);
  if (lambda >= mu) return kInfinity;
  return -std::log1p(-q) / (mu - lambda);
}

double MM1MeanInSystem(double lambda, double mu) {
  assert(lambda >= 0 && mu > 0);
  if (lambda >= mu) return kInfinity;
  const double rho = lambda / mu;
  return rho / (1 - rho);
}

double MM1MeanInQueue(double lambda, double mu) {
  assert(lambda >= 0 && mu > 0);
  if (lambda >= mu) return kInfinity;
  const double rho = lambda / mu;
  return rho * rho / (1 - rho);
}

double MG1MeanWait(double lambda, double mean_service_s, double cs2) {
  assert(lambda >= 0 && mean_service_s > 0 && cs2 >= 0);
  const double rho = lambda * mean_service_s;
  if (rho >= 1) return kInfinity;
  return rho * mean_service_s * (1 + cs2) / (2 * (1 - rho));
}

double MD1MeanWait(double lambda, double service_s) { return MG1MeanWait(lambda, service_s, 0); }

double KingmanMeanWait(double lambda, double mean_service_s, double ca2, double cs2) {
  assert(lambda >= 0 && mean_service_s > 0 && ca2 >= 0 && cs2 >= 0);
  const double rho = lambda * mean_service_s;
  if (rho >= 1) return kInfinity;
  return rho / (1 - rho) * (ca2 + cs2) / 2 * mean_service_s;
}

double KraemerLangenbachBelzFactor(double rho, double ca2, double cs2) {
  assert(rho >= 0 && rho < 1 && ca2 >= 0 && cs2 >= 0 && ca2 + cs2 > 0);
  if (rho == 0) return ca2 < 1 ? 0 : 1;  // the limit; the wait itself is 0 there
  if (ca2 <= 1) {
    const double d = 1 - ca2;
    return std::exp(-2 * (1 - rho) * d * d / (3 * rho * (ca2 + cs2)));
  }
  return std::exp(-(1 - rho) * (ca2 - 1) / (ca2 + 4 * cs2));
}

double KraemerLangenbachBelzMeanWait(double lambda, double mean_service_s, double ca2, double cs2) {
  const double wait = KingmanMeanWait(lambda, mean_service_s, ca2, cs2);
  if (std::isinf(wait)) return wait;
  return wait * KraemerLangenbachBelzFactor(lambda * mean_service_s, ca2, cs2);
}

double LittleNumber(double throughput, double time_s) {
  assert(throughput >= 0 && time_s >= 0);
  return throughput * time_s;
}

double LittleTime(double number, double throughput) {
  assert(number >= 0 && throughput > 0);
  return number / throughput;
}

double LittleThroughput(double number, double time_s) {
  assert(number >= 0 && time_s > 0);
  return number / time_s;
}

}  // namespace fleetlab::analytic
