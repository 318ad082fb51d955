// Special functions the closed forms need: the regularized incomplete gamma
// function (gamma and Erlang laws, Poisson tails). Pure; never throw.
#pragma once

namespace fleetlab::analytic {

// The regularized lower incomplete gamma function
//   P(a, x) = (1 / Gamma(a)) * integral_0^x s^(a-1) e^(-s) ds,
// the CDF at x of a gamma law with shape a and scale 1. Series expansion for
// x < a + 1, Lentz's continued fraction otherwise (Press et al., Numerical
// Recipes, 3rd ed., section 6.2); relative accuracy about 1e-14.
// REQUIRES: a > 0. Returns 0 for x <= 0.
double RegularizedGammaP(double a, double x);

// Q(a, x) = 1 - P(a, x), computed directly so that small upper tails keep
// their relative accuracy.
// REQUIRES: a > 0. Returns 1 for x <= 0.
double RegularizedGammaQ(double a, double x);

// ln |Gamma(x)|, thread-safe (std::lgamma writes the global signgam, a data
// race when simulations run on several threads).
double LogGamma(double x);

}  // namespace fleetlab::analytic
