#include "calibrate/roofline_fit.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "fleetlab/metrics/sample_set.h"

namespace fleetlab::calibrate {

int PowerOfTwoBucket(double v) { return static_cast<int>(std::floor(std::log2(std::max(v, 1.0)))); }

double MedianOf(std::vector<double> x) { return x.empty() ? 0 : QuantileInPlace(x, 0.5); }

// Least squares of t = a + b x weighted by 1 / t^2 (relative error); a >= 0.
// Returns {a, b}.
std::pair<double, double> FitLine(const std::vector<double>& x, const std::vector<double>& t) {
  double sw = 0, sx = 0, st = 0, sxx = 0, sxt = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double w = 1.0 / (t[i] * t[i]);
    sw += w, sx += w * x[i], st += w * t[i], sxx += w * x[i] * x[i], sxt += w * x[i] * t[i];
  }
  const double det = sw * sxx - sx * sx;
  double a = det > 0 ? (st * sxx - sx * sxt) / det : 0, b = det > 0 ? (sw * sxt - sx * st) / det : 0;
  if (a < 0 || b <= 0) {  // through the origin
    a = 0;
    b = sxt / sxx;
  }
  return {a, b};
}

namespace {

// For messages: what the samples are, and what M counts.
struct Names {
  const std::string& what;
  const std::string& rows;
};

// Floor and streaming efficiency from the memory-bound samples.
Status FitMemory(const std::vector<TimedProduct>& samples, double bandwidth, double max_rows, const Names& names,
                 ProductRoofline* r) {
  std::vector<double> bytes, seconds;
  for (const auto& p : samples) {
    if (p.rows <= max_rows) bytes.push_back(p.bytes), seconds.push_back(p.seconds);
  }
  if (bytes.size() < 2) {
    return Status::InvalidArgument(fmt::format("needs >= 2 {} timings at <= {} {} (memory bound) to fit the "
                                               "kernel floor and HBM efficiency (got {})", names.what, max_rows, names.rows, bytes.size()));
  }
  const auto [floor_s, s_per_byte] = FitLine(bytes, seconds);
  r->floor_s = std::min(floor_s, 1e-3);
  r->memory_efficiency = std::min(1.0, 1.0 / (s_per_byte * bandwidth));
  return Status::Ok();
}

// The sum over `samples` of |ln(predicted / measured)| with products at
// efficiency e: a robust measure (a few latency-bound small products do not
// drag a bucket's efficiency down).
double LogError(const std::vector<const TimedProduct*>& samples, double e, double peak, double bandwidth, double floor_s) {
  double sum = 0;
  for (const TimedProduct* p : samples) {
    const double predicted = floor_s + std::max(p->flops / (peak * e), p->bytes / bandwidth);
    sum += std::abs(std::log(predicted / p->seconds));
  }
  return sum;
}

// Golden-section search for the minimum of f on [lo, hi].
template <typename F>
double Refine(const F& f, double lo, double hi) {
  const double g = (std::sqrt(5.0) - 1) / 2;
  for (int i = 0; i < 80; ++i) {
    const double a = hi - g * (hi - lo), b = lo + g * (hi - lo);
    (f(a) <= f(b) ? hi : lo) = f(a) <= f(b) ? b : a;
  }
  return (lo + hi) / 2;
}

// The lowest e <= best whose f is within tol of f(best), by bisection. Where
// the bucket's products are memory bound at any efficiency above their ridge
// point, the error is flat there and this is the ridge: the least the data
// show, not an arbitrary value from the flat (a curve that rises with tokens,
// as real GEMM efficiency does).
template <typename F>
double LowestAsGood(const F& f, double best, double tol) {
  const double target = f(best) + tol;
  double lo = 0.005, hi = best;
  if (f(lo) <= target) return lo;
  for (int i = 0; i < 80; ++i) {
    const double mid = (lo + hi) / 2;
    (f(mid) <= target ? hi : lo) = mid;
  }
  return hi;
}

// Efficiency by power-of-two bucket of rows: the e in [0.005, 1] (a
// geometric grid of 400, then refined between the grid's neighbours) that
// minimises LogError over the bucket's samples; the lowest such where a
// range of e fits equally well (LowestAsGood).
Status FitCompute(const std::vector<TimedProduct>& samples, double peak, double bandwidth, double max_rows,
                  const Names& names, ProductRoofline* r) {
  const double streaming = bandwidth * r->memory_efficiency;
  std::map<int, std::vector<const TimedProduct*>> buckets;
  for (const auto& p : samples) {
    if (p.rows > max_rows) buckets[PowerOfTwoBucket(p.rows)].push_back(&p);
  }
  for (const auto& entry : buckets) {
    const std::vector<const TimedProduct*>& bucket = entry.second;  // a lambda may not capture a binding (clang 14)
    const auto error = [&](double e) { return LogError(bucket, e, peak, streaming, r->floor_s); };
    const double step = std::pow(200.0, 1 / 399.0);
    double best_e = 1, best = error(1);
    for (int i = 0; i < 400; ++i) {
      const double e = 0.005 * std::pow(200.0, i / 399.0);
      if (const double err = error(e); err < best - 1e-12) best = err, best_e = e;
    }
    best_e = Refine(error, best_e / step, std::min(1.0, best_e * step));
    best_e = LowestAsGood(error, best_e, 1e-9 * static_cast<double>(bucket.size()));
    std::vector<double> rows;
    for (const TimedProduct* p : bucket) rows.push_back(p->rows);
    r->efficiency.x.push_back(MedianOf(rows));
    r->efficiency.y.push_back(best_e);
  }
  if (buckets.empty()) {
    return Status::InvalidArgument(fmt::format("no {} timing above {} {} to fit the compute efficiency", names.what, max_rows,
                                               names.rows));
  }
  return Status::Ok();
}

}  // namespace

double ProductRoofline::Predict(const TimedProduct& p, double peak, double bandwidth) const {
  return floor_s + std::max(p.flops / (peak * efficiency.At(p.rows)), p.bytes / (bandwidth * memory_efficiency));
}

Result<ProductRoofline> FitProductRoofline(const std::vector<TimedProduct>& samples, double peak, double bandwidth,
                                           double memory_bound_max_rows, const std::string& what,
                                           const std::string& rows_name) {
  ProductRoofline r;
  const Names names{what, rows_name};
  FLEETLAB_RETURN_IF_ERROR(FitMemory(samples, bandwidth, memory_bound_max_rows, names, &r));
  FLEETLAB_RETURN_IF_ERROR(FitCompute(samples, peak, bandwidth, memory_bound_max_rows, names, &r));
  return r;
}

}  // namespace fleetlab::calibrate
