// Closed-form single-server queueing results: M/M/1, M/G/1 (Pollaczek–
// Khinchine), Kingman's G/G/1 approximation, and Little's law.
//
// Units: rates in 1/s, times in seconds. Every function is pure and never
// throws. When the queue is unstable (rho >= 1) times and lengths are
// +infinity (kInfinity): the stationary wait does not exist and grows without
// bound. Invalid arguments are REQUIRES, checked by assert; callers validate
// user input first. FIFO service is assumed throughout.
//
// Sources: L. Kleinrock, Queueing Systems, Vol. 1 (Wiley, 1975): M/M/1 in
// section 3.2, Pollaczek–Khinchine in section 5.6, Little's law in 2.1.
// J. F. C. Kingman, "The single server queue in heavy traffic", Proc.
// Cambridge Philos. Soc. 57 (1961).
#pragma once

#include <limits>

namespace fleetlab::analytic {

inline constexpr double kInfinity = std::numeric_limits<double>::infinity();

// Utilization (offered load per server) rho = lambda * mean_service_s / servers.
// The queue is stable iff rho < 1.
// REQUIRES: lambda >= 0, mean_service_s >= 0, servers >= 1.
double Utilization(double lambda, double mean_service_s, int servers = 1);

// ---- M/M/1: Poisson arrivals (rate lambda), exponential service (rate mu).
// Exact (Kleinrock 1975, 3.2). All REQUIRE: lambda >= 0, mu > 0.

// Mean wait in queue W_q = rho / (mu - lambda). +inf if lambda >= mu.
double MM1MeanWait(double lambda, double mu);
// Mean time in system (sojourn) T = 1 / (mu - lambda). +inf if lambda >= mu.
double MM1MeanSojourn(double lambda, double mu);
// P(W > t) = rho * exp(-(mu - lambda) t) for t >= 0 (atom 1 - rho at zero).
// 1 if unstable.
double MM1WaitSurvival(double lambda, double mu, double t);
// P(T > t) = exp(-(mu - lambda) t): the sojourn is exponential. 1 if unstable.
double MM1SojournSurvival(double lambda, double mu, double t);
// q-quantile of the wait: 0 if q <= 1 - rho, else ln(rho / (1 - q)) / (mu - lambda).
// REQUIRES: 0 < q < 1. +inf if unstable.
double MM1WaitQuantile(double lambda, double mu, double q);
// q-quantile of the sojourn: -ln(1 - q) / (mu - lambda); P99 = ln(100)/(mu - lambda).
// REQUIRES: 0 < q < 1. +inf if unstable.
double MM1SojournQuantile(double lambda, double mu, double q);
// Mean number in system L = rho / (1 - rho). +inf if unstable.
double MM1MeanInSystem(double lambda, double mu);
// Mean number waiting L_q = rho^2 / (1 - rho). +inf if unstable.
double MM1MeanInQueue(double lambda, double mu);

// ---- M/G/1: Poisson arrivals, general service with mean E[S] and squared
// coefficient of variation Cs^2 = Var[S] / E[S]^2.

// Pollaczek–Khinchine mean wait (exact for M/G/1, Kleinrock 1975, 5.6):
//   W_q = rho * E[S] * (1 + Cs^2) / (2 (1 - rho)),  rho = lambda * E[S].
// +inf if rho >= 1.
// REQUIRES: lambda >= 0, mean_service_s > 0, cs2 >= 0.
double MG1MeanWait(double lambda, double mean_service_s, double cs2);
// M/D/1 mean wait: Pollaczek–Khinchine with Cs^2 = 0, exactly half of the
// M/M/1 wait at the same rho: rho * D / (2 (1 - rho)). +inf if rho >= 1.
// REQUIRES: lambda >= 0, service_s > 0.
double MD1MeanWait(double lambda, double service_s);

// ---- G/G/1: renewal arrivals with squared CV Ca^2, general service.

// Kingman's approximation (Kingman 1961), exact in heavy traffic (rho -> 1)
// and for M/G/1 (Ca^2 = 1, where it equals Pollaczek–Khinchine):
//   W_q ~= rho / (1 - rho) * (Ca^2 + Cs^2) / 2 * E[S].
// +inf if rho >= 1.
// REQUIRES: lambda >= 0, mean_service_s > 0, ca2 >= 0, cs2 >= 0.
double KingmanMeanWait(double lambda, double mean_service_s, double ca2, double cs2);

// Krämer–Langenbach-Belz correction factor g to Kingman's formula (W.
// Krämer and M. Langenbach-Belz, "Approximate formulae for the delay in the
// queueing system GI/G/1", 8th International Teletraffic Congress, 1976):
//   g = exp(-2 (1 - rho) (1 - Ca^2)^2 / (3 rho (Ca^2 + Cs^2)))   if Ca^2 <= 1,
//   g = exp(-(1 - rho) (Ca^2 - 1) / (Ca^2 + 4 Cs^2))             if Ca^2 > 1.
// g = 1 for Poisson arrivals and g -> 1 as rho -> 1; g < 1 corrects Kingman's
// overestimate for regular (Ca^2 < 1) arrivals at moderate load.
// REQUIRES: 0 <= rho < 1, ca2 >= 0, cs2 >= 0, ca2 + cs2 > 0.
double KraemerLangenbachBelzFactor(double rho, double ca2, double cs2);
// Kingman's mean wait times that factor. +inf if rho >= 1.
// REQUIRES: as KingmanMeanWait, ca2 + cs2 > 0.
double KraemerLangenbachBelzMeanWait(double lambda, double mean_service_s, double ca2, double cs2);

// ---- Little's law L = lambda * W (Little 1961; Kleinrock 1975, 2.1): holds
// for any stationary system, for any definition of "in the system" whose
// time and count match (queue only, or queue plus service).

// Mean number present L = throughput * time_s. REQUIRES: both >= 0.
double LittleNumber(double throughput, double time_s);
// Mean time W = number / throughput. REQUIRES: number >= 0, throughput > 0.
double LittleTime(double number, double throughput);
// Throughput lambda = number / time_s. REQUIRES: number >= 0, time_s > 0.
double LittleThroughput(double number, double time_s);

}  // namespace fleetlab::analytic
