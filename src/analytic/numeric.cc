#include "fleetlab/analytic/numeric.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

namespace fleetlab::analytic {

double QuantileFromSurvival(const std::function<double(double)>& survival, double q, double scale) {
  assert(q > 0 && q < 1);
  assert(scale > 0);
  const double target = 1 - q;
  if (survival(0) <= target) return 0;
  double lo = 0;
  double hi = scale;
  while (survival(hi) > target) {
    lo = hi;
    hi *= 2;
    if (hi > 1e300) return std::numeric_limits<double>::infinity();
  }
  for (int i = 0; i < 200 && hi - lo > 1e-13 * hi; ++i) {
    const double mid = lo + (hi - lo) / 2;
    if (survival(mid) > target) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return hi;
}

namespace {

struct SimpsonPanel {
  double a, b, fa, fm, fb, whole;
};

double Refine(const std::function<double(double)>& f, const SimpsonPanel& p, double tol,
              int depth) {
  const double m = (p.a + p.b) / 2;
  const double lm = (p.a + m) / 2;
  const double rm = (m + p.b) / 2;
  const double flm = f(lm);
  const double frm = f(rm);
  const double left = (m - p.a) / 6 * (p.fa + 4 * flm + p.fm);
  const double right = (p.b - m) / 6 * (p.fm + 4 * frm + p.fb);
  const double delta = left + right - p.whole;
  // Also stop once the error estimate is at rounding level, so that a tolerance
  // finer than the arithmetic allows cannot force a full-depth refinement.
  const double rounding =
      1e-14 * (p.b - p.a) * (std::fabs(p.fa) + std::fabs(p.fm) + std::fabs(p.fb));
  if (depth <= 0 || std::fabs(delta) <= std::max(15 * tol, rounding)) {
    return left + right + delta / 15;
  }
  return Refine(f, {p.a, m, p.fa, flm, p.fm, left}, tol / 2, depth - 1) +
         Refine(f, {m, p.b, p.fm, frm, p.fb, right}, tol / 2, depth - 1);
}

}  // namespace

double IntegrateAdaptiveSimpson(const std::function<double(double)>& f, double a, double b,
                                double abs_tol, int panels) {
  assert(a <= b);
  assert(abs_tol > 0 && panels >= 1);
  if (a == b) return 0;
  const double h = (b - a) / panels;
  double total = 0;
  double fa = f(a);
  for (int i = 0; i < panels; ++i) {
    const double lo = a + i * h;
    const double hi = (i + 1 == panels) ? b : lo + h;
    const double fm = f((lo + hi) / 2);
    const double fb = f(hi);
    const double whole = (hi - lo) / 6 * (fa + 4 * fm + fb);
    total += Refine(f, {lo, hi, fa, fm, fb, whole}, abs_tol / panels, 30);
    fa = fb;
  }
  return total;
}

}  // namespace fleetlab::analytic
