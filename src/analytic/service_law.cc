#include "fleetlab/analytic/service_law.h"

#include <cassert>
#include <cmath>
#include <numbers>

#include "fleetlab/analytic/special_functions.h"

namespace fleetlab::analytic {

using Family = ServiceLaw::Family;

ServiceLaw ServiceLaw::Deterministic(double mean_s) {
  assert(mean_s > 0);
  return {Family::kDeterministic, mean_s, 0, 0, 0};
}

ServiceLaw ServiceLaw::Exponential(double mean_s) {
  assert(mean_s > 0);
  return {Family::kExponential, mean_s, 1, 0, 0};
}

ServiceLaw ServiceLaw::Gamma(double mean_s, double cv) {
  assert(mean_s > 0 && cv > 0);
  return {Family::kGamma, mean_s, cv, 0, 0};
}

ServiceLaw ServiceLaw::Lognormal(double mean_s, double cv) {
  assert(mean_s > 0 && cv > 0);
  return {Family::kLognormal, mean_s, cv, 0, 0};
}

ServiceLaw ServiceLaw::Uniform(double low_s, double high_s) {
  assert(low_s >= 0 && low_s <= high_s && high_s > 0);
  const double mean = (low_s + high_s) / 2;
  const double cv = (high_s - low_s) / (std::sqrt(12.0) * mean);
  return {Family::kUniform, mean, cv, low_s, high_s};
}

ServiceLaw ServiceLaw::Other(double mean_s, double cv) {
  assert(mean_s > 0 && cv >= 0);
  return {Family::kOther, mean_s, cv, 0, 0};
}

bool ServiceLaw::IsConsistent() const {
  if (!(mean_s > 0) || !(cv >= 0) || !std::isfinite(mean_s) || !std::isfinite(cv)) return false;
  switch (family) {
    case Family::kDeterministic: return cv == 0;
    case Family::kExponential: return cv == 1;
    case Family::kGamma:
    case Family::kLognormal: return cv > 0;
    case Family::kUniform:
      return low_s >= 0 && low_s <= high_s &&
             std::fabs(mean_s - (low_s + high_s) / 2) <= 1e-12 * mean_s;
    case Family::kOther: return true;
  }
  return false;
}

namespace {

// Lognormal parameters (mu, sigma) from the mean and cv.
struct LogParams {
  double mu, sigma;
};
LogParams LognormalParams(double mean, double cv) {
  const double sigma2 = std::log1p(cv * cv);
  return {std::log(mean) - sigma2 / 2, std::sqrt(sigma2)};
}

}  // namespace

double ServiceLaw::Cdf(double t) const {
  assert(IsConsistent() && family != Family::kOther);
  if (t < 0) return 0;
  switch (family) {
    case Family::kDeterministic: return t >= mean_s ? 1 : 0;
    case Family::kExponential: return -std::expm1(-t / mean_s);
    case Family::kGamma: return RegularizedGammaP(1 / (cv * cv), t / (mean_s * cv * cv));
    case Family::kLognormal: {
      if (t == 0) return 0;
      const LogParams p = LognormalParams(mean_s, cv);
      return 0.5 * std::erfc(-(std::log(t) - p.mu) / (p.sigma * std::numbers::sqrt2));
    }
    case Family::kUniform:
      if (t >= high_s) return 1;
      if (t < low_s) return 0;
      return (t - low_s) / (high_s - low_s);
    case Family::kOther: break;
  }
  return 0;
}

double ServiceLaw::Survival(double t) const {
  assert(IsConsistent() && family != Family::kOther);
  if (t < 0) return 1;
  switch (family) {
    case Family::kExponential: return std::exp(-t / mean_s);
    case Family::kGamma: return RegularizedGammaQ(1 / (cv * cv), t / (mean_s * cv * cv));
    case Family::kLognormal: {
      if (t == 0) return 1;
      const LogParams p = LognormalParams(mean_s, cv);
      return 0.5 * std::erfc((std::log(t) - p.mu) / (p.sigma * std::numbers::sqrt2));
    }
    default: return 1 - Cdf(t);
  }
}

double ServiceLaw::Pdf(double t) const {
  assert(IsConsistent() && family != Family::kOther);
  if (t < 0) return 0;
  switch (family) {
    case Family::kDeterministic: return 0;
    case Family::kExponential: return std::exp(-t / mean_s) / mean_s;
    case Family::kGamma: {
      const double k = 1 / (cv * cv);
      const double theta = mean_s * cv * cv;
      if (t == 0) return k < 1 ? HUGE_VAL : (k == 1 ? 1 / theta : 0);
      return std::exp((k - 1) * std::log(t) - t / theta - LogGamma(k) - k * std::log(theta));
    }
    case Family::kLognormal: {
      if (t == 0) return 0;
      const LogParams p = LognormalParams(mean_s, cv);
      const double z = (std::log(t) - p.mu) / p.sigma;
      return std::exp(-z * z / 2) / (t * p.sigma * std::sqrt(2 * std::numbers::pi));
    }
    case Family::kUniform:
      if (high_s == low_s || t < low_s || t > high_s) return 0;
      return 1 / (high_s - low_s);
    case Family::kOther: break;
  }
  return 0;
}

}  // namespace fleetlab::analytic
