// PredictStation: the analytic twin of one FIFO queueing station. Given the
// arrival rate, the arrivals' variability, the number of servers and the
// service law, it picks the best available closed form and reports mean and
// percentile waits and sojourns, saying which formula it used and whether the
// percentiles are exact.
//
// Formula choice (Poisson means ca2 == 1; see docs/analytic.md):
//   Poisson, exponential service, c = 1   M/M/1, exact (Kleinrock 1975)
//   Poisson, exponential service, c > 1   M/M/c, exact (Erlang C)
//   Poisson, deterministic service, c = 1 M/D/1, exact (Crommelin 1932)
//   Poisson, other service, c = 1         mean exact (Pollaczek–Khinchine),
//                                         percentiles approximate
//   otherwise, c = 1                      Kingman (1961) mean, approximate
//   otherwise, c > 1                      Allen–Cunneen (1990) mean, approximate
// Approximate wait tail: P(W > t) ~= Pw exp(-t Pw / Wq), Pw = rho (c = 1) or
// ErlangC(c, a) (c > 1), which matches P(W > 0) and the mean Wq (and is exact
// in the M/M/1 and M/M/c cases). Sojourn T = W + S with S independent of W:
// P(T > t) by a shift (deterministic), a closed form (exponential) or
// numerical integration against the service CDF (others; a kOther law is
// integrated as the gamma law with its mean and cv). Percentiles by bisection.
#pragma once

#include <string>

#include "fleetlab/analytic/service_law.h"

namespace fleetlab::analytic {

struct StationModel {
  double lambda = 0;   // arrival rate, 1/s
  double ca2 = 1;      // squared CV of interarrival times (1 = Poisson)
  int servers = 1;     // identical parallel servers sharing one FIFO queue
  ServiceLaw service;  // service-time law of each server
};

struct StationPrediction {
  bool stable = false;  // rho < 1; when false every time and length is +inf
  double rho = 0;       // utilization lambda E[S] / servers
  double mean_wait_s = 0;
  double mean_sojourn_s = 0;
  double wait_p50 = 0, wait_p90 = 0, wait_p95 = 0, wait_p99 = 0, wait_p999 = 0;  // seconds
  double sojourn_p50 = 0, sojourn_p90 = 0, sojourn_p95 = 0, sojourn_p99 = 0,
         sojourn_p999 = 0;    // seconds
  double mean_in_system = 0;  // L = lambda * mean sojourn (Little)
  double mean_in_queue = 0;   // Lq = lambda * mean wait (Little)
  bool exact = false;         // whether the percentiles are exact
  bool mean_exact = false;    // whether the means are exact
  std::string method;         // the formula used, e.g. "M/M/1 exact"
};

// The best closed-form prediction for the station (see the table above).
// Unstable (rho >= 1): stable = false, times and lengths +inf, exact = true
// (no stationary regime exists for any G/G/c at rho >= 1).
// REQUIRES: lambda >= 0, ca2 >= 0, servers >= 1, service.IsConsistent().
StationPrediction PredictStation(const StationModel& model);

}  // namespace fleetlab::analytic
