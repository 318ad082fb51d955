// Multi-server queues: Erlang B and C, the exact M/M/c wait and sojourn
// laws, and the Allen–Cunneen approximation for G/G/c.
//
// Units: rates in 1/s, times in seconds; a = lambda / mu is the offered load
// in Erlangs. Pure functions, never throw. When the queue is unstable
// (a >= c, i.e. rho = a / c >= 1) times and lengths are +infinity and the
// waiting probability is 1. FIFO service. Invalid arguments are REQUIRES,
// checked by assert.
//
// Sources: A. K. Erlang (1917) for the loss and delay formulas; Kleinrock,
// Queueing Systems Vol. 1 (1975), sections 3.5-3.6 for M/M/c; A. O. Allen,
// Probability, Statistics, and Queueing Theory, 2nd ed. (Academic Press,
// 1990), for the Allen–Cunneen G/G/c approximation.
#pragma once

namespace fleetlab::analytic {

// Erlang B: the blocking probability of an M/G/c/c loss system with offered
// load a, by the stable recursion B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1)).
// Exact; e.g. B(1, a) = a / (1 + a). REQUIRES: c >= 1, a >= 0.
double ErlangB(int c, double a);

// Erlang C: the probability that an arrival waits in M/M/c,
//   C(c, a) = B(c, a) / (1 - (a / c) (1 - B(c, a)))  for a < c, and 1 for a >= c.
// Exact; C(2, 1) = 1/3, C(1, a) = a. REQUIRES: c >= 1, a >= 0.
double ErlangC(int c, double a);

// ---- M/M/c: Poisson arrivals, c servers, exponential service with rate mu
// each. Exact. All REQUIRE: lambda >= 0, mu > 0, c >= 1; quantiles 0 < q < 1.

// Mean wait W_q = C(c, a) / (c mu - lambda). +inf if unstable.
double MMcMeanWait(double lambda, double mu, int c);
// Mean sojourn T = W_q + 1 / mu. +inf if unstable.
double MMcMeanSojourn(double lambda, double mu, int c);
// P(W > t) = C(c, a) exp(-(c mu - lambda) t) for t >= 0. 1 if unstable.
double MMcWaitSurvival(double lambda, double mu, int c, double t);
// Wait quantile: 0 if 1 - q >= C, else ln(C / (1 - q)) / (c mu - lambda).
double MMcWaitQuantile(double lambda, double mu, int c, double q);
// P(T > t) for T = W + S, S ~ Exp(mu) independent of W: the mixture
// (1 - C) e^{-mu t} + C * hypoexponential(c mu - lambda, mu) survival, with
// the c mu - lambda == mu case (1 + mu t) e^{-mu t}. 1 if unstable.
double MMcSojournSurvival(double lambda, double mu, int c, double t);
// Sojourn quantile, by bisection on MMcSojournSurvival (relative precision
// 1e-13). With c = 1 it equals MM1SojournQuantile. +inf if unstable.
double MMcSojournQuantile(double lambda, double mu, int c, double q);
// Mean number waiting L_q = lambda W_q, and in system L = lambda T (Little).
double MMcMeanInQueue(double lambda, double mu, int c);
double MMcMeanInSystem(double lambda, double mu, int c);

// ---- G/G/c: Allen–Cunneen approximation (Allen 1990):
//   W_q ~= C(c, a) / (c mu - lambda) * (Ca^2 + Cs^2) / 2,   mu = 1 / E[S].
// Exact for M/M/c (Ca^2 = Cs^2 = 1); with c = 1 it is Kingman's formula and
// so exact for M/G/1; otherwise an approximation, good in heavy traffic,
// typically within ~10-20% for moderate variability. +inf if unstable.
// REQUIRES: lambda >= 0, mean_service_s > 0, c >= 1, ca2 >= 0, cs2 >= 0.
double AllenCunneenMeanWait(double lambda, double mean_service_s, int c, double ca2, double cs2);

}  // namespace fleetlab::analytic
