#include "fleetlab/analytic/station.h"

#include <array>
#include <cassert>
#include <functional>

#include "fleetlab/analytic/md1.h"
#include "fleetlab/analytic/multiserver.h"
#include "fleetlab/analytic/numeric.h"
#include "fleetlab/analytic/queueing.h"
#include "fleetlab/analytic/wait_law.h"

namespace fleetlab::analytic {
namespace {

using Family = ServiceLaw::Family;
using Quantile = std::function<double(double)>;

void FillWaitPercentiles(StationPrediction& p, const Quantile& quantile) {
  p.wait_p50 = quantile(0.5);
  p.wait_p90 = quantile(0.9);
  p.wait_p95 = quantile(0.95);
  p.wait_p99 = quantile(0.99);
  p.wait_p999 = quantile(0.999);
}

void FillSojournPercentiles(StationPrediction& p, const Quantile& quantile) {
  p.sojourn_p50 = quantile(0.5);
  p.sojourn_p90 = quantile(0.9);
  p.sojourn_p95 = quantile(0.95);
  p.sojourn_p99 = quantile(0.99);
  p.sojourn_p999 = quantile(0.999);
}

// Means from the mean wait, by T = Wq + E[S] and Little's law.
void FillMeans(StationPrediction& p, double lambda, double mean_wait_s, double mean_service_s) {
  p.mean_wait_s = mean_wait_s;
  p.mean_sojourn_s = mean_wait_s + mean_service_s;
  p.mean_in_queue = lambda * p.mean_wait_s;
  p.mean_in_system = lambda * p.mean_sojourn_s;
}

StationPrediction Unstable(double rho) {
  StationPrediction p;
  p.stable = false;
  p.rho = rho;
  FillMeans(p, 1, kInfinity, 0);
  FillWaitPercentiles(p, [](double) { return kInfinity; });
  FillSojournPercentiles(p, [](double) { return kInfinity; });
  p.exact = p.mean_exact = true;
  p.method = "unstable (rho >= 1): no stationary regime, waits grow without bound";
  return p;
}

void PredictMM1(const StationModel& m, StationPrediction& p) {
  const double mu = 1 / m.service.mean_s;
  FillMeans(p, m.lambda, MM1MeanWait(m.lambda, mu), m.service.mean_s);
  p.mean_in_system = MM1MeanInSystem(m.lambda, mu);
  p.mean_in_queue = MM1MeanInQueue(m.lambda, mu);
  FillWaitPercentiles(p, [&](double q) { return MM1WaitQuantile(m.lambda, mu, q); });
  FillSojournPercentiles(p, [&](double q) { return MM1SojournQuantile(m.lambda, mu, q); });
  p.exact = p.mean_exact = true;
  p.method = "M/M/1 exact";
}

void PredictMMc(const StationModel& m, StationPrediction& p) {
  const double mu = 1 / m.service.mean_s;
  const int c = m.servers;
  FillMeans(p, m.lambda, MMcMeanWait(m.lambda, mu, c), m.service.mean_s);
  FillWaitPercentiles(p, [&](double q) { return MMcWaitQuantile(m.lambda, mu, c, q); });
  FillSojournPercentiles(p, [&](double q) { return MMcSojournQuantile(m.lambda, mu, c, q); });
  p.exact = p.mean_exact = true;
  p.method = "M/M/c exact (Erlang C)";
}

void PredictMD1(const StationModel& m, StationPrediction& p) {
  const double d = m.service.mean_s;
  FillMeans(p, m.lambda, MD1MeanWait(m.lambda, d), d);
  FillWaitPercentiles(p, [&](double q) { return MD1WaitQuantile(m.lambda, d, q); });
  FillSojournPercentiles(p, [&](double q) { return MD1SojournQuantile(m.lambda, d, q); });
  p.exact = p.mean_exact = true;
  p.method = "M/D/1 exact (Crommelin)";
}

// The law used for the numerical sojourn: kOther becomes the gamma law with
// the same two moments (deterministic if cv == 0); a degenerate uniform is
// deterministic.
ServiceLaw SojournLaw(const ServiceLaw& s) {
  if (s.family == Family::kOther) {
    if (s.cv == 0) return ServiceLaw::Deterministic(s.mean_s);
    return ServiceLaw::Gamma(s.mean_s, s.cv);
  }
  if (s.family == Family::kUniform && s.low_s == s.high_s)
    return ServiceLaw::Deterministic(s.mean_s);
  return s;
}

// P(W + S > t) for the approximate wait law and the station's service law.
double SojournSurvival(const AtomExpWait& wait, const ServiceLaw& law, double t) {
  switch (law.family) {
    case Family::kDeterministic: return wait.Survival(t - law.mean_s);
    case Family::kExponential: return SurvivalPlusExponential(wait, 1 / law.mean_s, t);
    default:
      return SurvivalPlus(
          wait, [&law](double x) { return law.Cdf(x); }, t);
  }
}

void PredictApproximate(const StationModel& m, StationPrediction& p, double mean_wait_s,
                        double p_wait) {
  const AtomExpWait wait = AtomExpWait::FromMean(p_wait, mean_wait_s);
  FillMeans(p, m.lambda, mean_wait_s, m.service.mean_s);
  FillWaitPercentiles(p, [&](double q) { return wait.Quantile(q); });
  const ServiceLaw law = SojournLaw(m.service);
  const auto survival = [&](double t) { return SojournSurvival(wait, law, t); };
  const double scale = mean_wait_s + law.mean_s;
  FillSojournPercentiles(p, [&](double q) { return QuantileFromSurvival(survival, q, scale); });
  p.exact = false;
}

}  // namespace

StationPrediction PredictStation(const StationModel& m) {
  assert(m.lambda >= 0 && m.ca2 >= 0 && m.servers >= 1 && m.service.IsConsistent());
  const double es = m.service.mean_s;
  const double rho = Utilization(m.lambda, es, m.servers);
  if (rho >= 1) return Unstable(rho);
  StationPrediction p;
  p.stable = true;
  p.rho = rho;
  const bool poisson = m.ca2 == 1;
  const Family family = m.service.family;
  if (poisson && family == Family::kExponential) {
    if (m.servers == 1) {
      PredictMM1(m, p);
    } else {
      PredictMMc(m, p);
    }
  } else if (poisson && family == Family::kDeterministic && m.servers == 1) {
    PredictMD1(m, p);
  } else if (m.servers == 1) {
    PredictApproximate(m, p, KingmanMeanWait(m.lambda, es, m.ca2, m.service.Cs2()), rho);
    p.mean_exact = poisson;
    p.method = poisson ? "M/G/1 Pollaczek-Khinchine mean (exact), exponential-tail approximation"
                       : "G/G/1 Kingman mean, exponential-tail approximation";
  } else {
    const double a = m.lambda * es;
    const double wq = AllenCunneenMeanWait(m.lambda, es, m.servers, m.ca2, m.service.Cs2());
    PredictApproximate(m, p, wq, ErlangC(m.servers, a));
    p.mean_exact = false;
    p.method = "G/G/c Allen-Cunneen mean, exponential-tail approximation";
  }
  return p;
}

}  // namespace fleetlab::analytic
