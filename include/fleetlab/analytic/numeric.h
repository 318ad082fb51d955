// Small numerical tools shared by the analytic formulas: inverting a survival
// function by bisection and integrating by adaptive Simpson. Pure functions;
// they never throw.
#pragma once

#include <functional>

namespace fleetlab::analytic {

// The q-quantile of a law given by its survival function S(t) = P(X > t):
// the smallest t >= 0 with S(t) <= 1 - q, found by doubling an upper bracket
// from `scale` and then bisecting to a relative width of 1e-13. Returns 0 when
// S(0) <= 1 - q (an atom at 0 covers q), and +infinity when S stays above
// 1 - q up to 1e300.
// REQUIRES: S non-increasing; 0 < q < 1; scale > 0 (a typical magnitude of X).
double QuantileFromSurvival(const std::function<double(double)>& survival, double q, double scale);

// The integral of f over [a, b] by adaptive Simpson quadrature: [a, b] is cut
// into `panels` equal panels, each refined until the Richardson error
// estimate is below its share of `abs_tol` (or 30 levels deep).
// REQUIRES: a <= b; abs_tol > 0; panels >= 1; f finite on [a, b].
double IntegrateAdaptiveSimpson(const std::function<double(double)>& f, double a, double b,
                                double abs_tol, int panels = 16);

}  // namespace fleetlab::analytic
