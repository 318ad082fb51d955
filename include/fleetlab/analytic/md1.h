// The exact waiting-time law of the M/D/1 queue (Poisson arrivals at rate
// lambda, one server, every service exactly D seconds, FIFO), rho = lambda D.
//
// Crommelin's formula (C. D. Crommelin, "Delay probability formulae when the
// holding times are constant", P.O. Elec. Eng. J. 25, 1932; after Erlang 1909):
//   P(W <= t) = (1 - rho) * sum_{k=0}^{floor(t/D)} [lambda (k D - t)]^k / k!
//                                                  * e^{-lambda (k D - t)}.
// Its terms alternate in sign and grow like e^{lambda t}, so summed as
// written, even in long double, it keeps about 10 digits up to lambda t ~ 18
// and none beyond lambda t ~ 35. MD1WaitSurvival therefore evaluates the
// same function through an equivalent recursion over the grid points
// t = k D whose terms stay bounded (derived from the delay-differential equation
// F'(t) = lambda (F(t) - F(t - D)) that Crommelin's sum solves):
//   S(k D + v) = e^{lambda v} [ sum_{j=0}^{k} (-lambda v)^j / j! S((k-j) D) + R_k(lambda v) ],
//   S(0) = rho,  0 <= v < D,  R_k(x) = sum_{j>k} (-x)^j / j!,
// for S(t) = P(W > t), in long double, and switches to the asymptotic tail
//   P(W > t) ~ C e^{-theta t},  theta > 0 the root of lambda (e^{theta D} - 1) = theta,
//   C = (1 - rho) / (rho + theta D - 1)
// (the residue of the waiting-time transform at its dominant pole) beyond
// t = 100 D or once S < 1e-12. Both errors were checked against a 300-digit
// evaluation of Crommelin's sum: the recursion's absolute error stays near
// the long double epsilon (~1e-19), and the asymptotic's relative error
// decays roughly like e^{-t/D} (or faster): about 1e-15 at t = 40 D for
// rho = 0.1, 1e-11 at t = 10 D for rho = 0.9. Below S = 1e-12 at low load
// (rho <~ 0.2) the asymptotic can be off by up to ~1e-3 relative; such tails
// lie far beyond any percentile reported here.
//
// Pure functions, never throw. Unstable queues (rho >= 1): survival 1, CDF 0,
// quantiles +infinity. All REQUIRE: lambda >= 0, service_s > 0; quantiles
// 0 < q < 1.
#pragma once

namespace fleetlab::analytic {

// P(W > t), exact (see above). 1 for t < 0; rho at t = 0.
double MD1WaitSurvival(double lambda, double service_s, double t);
// P(W <= t) = 1 - MD1WaitSurvival; equals 1 - rho at t = 0.
double MD1WaitCdf(double lambda, double service_s, double t);
// Crommelin's alternating sum evaluated literally in long double. Exact
// mathematically; numerically trustworthy only while lambda t <~ 15.
// Provided to cross-check MD1WaitSurvival.
double MD1WaitCdfCrommelin(double lambda, double service_s, double t);
// theta: the decay rate (1/s) of the M/D/1 wait tail. +inf when lambda == 0;
// 0 if unstable.
double MD1TailDecayRate(double lambda, double service_s);
// The asymptotic tail C e^{-theta t} alone (see above). REQUIRES: rho in (0,1).
double MD1WaitTailAsymptotic(double lambda, double service_s, double t);
// Wait quantile: 0 if q <= 1 - rho, else bisection on MD1WaitSurvival.
double MD1WaitQuantile(double lambda, double service_s, double q);
// Sojourn quantile: the sojourn is W + D exactly, so MD1WaitQuantile + D.
double MD1SojournQuantile(double lambda, double service_s, double q);

}  // namespace fleetlab::analytic
