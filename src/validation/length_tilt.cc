#include "validation/length_tilt.h"

#include <algorithm>
#include <array>
#include <cmath>

#include <fmt/format.h>

namespace fleetlab {
namespace {

// The tilt's weights at (a, b), on lengths in units of `unit` tokens (so
// the exponents stay moderate), normalised to sum to 1.
std::vector<double> Weights(const std::vector<TraceRecord>& r, double a, double b, double unit) {
  std::vector<double> e(r.size());
  double top = -INFINITY;
  for (std::size_t i = 0; i < r.size(); ++i) {
    e[i] = (a * r[i].prompt_tokens + b * r[i].output_tokens) / unit;
    top = std::max(top, e[i]);
  }
  double sum = 0;
  for (double& v : e) sum += (v = std::exp(v - top));
  for (double& v : e) v /= sum;
  return e;
}

struct Moments {
  double p = 0, o = 0, pp = 0, po = 0, oo = 0;  // means and covariances, in units
};

Moments Of(const std::vector<TraceRecord>& r, const std::vector<double>& w, double unit) {
  Moments m;
  for (std::size_t i = 0; i < r.size(); ++i) m.p += w[i] * r[i].prompt_tokens / unit, m.o += w[i] * r[i].output_tokens / unit;
  for (std::size_t i = 0; i < r.size(); ++i) {
    const double dp = r[i].prompt_tokens / unit - m.p, dout = r[i].output_tokens / unit - m.o;
    m.pp += w[i] * dp * dp, m.po += w[i] * dp * dout, m.oo += w[i] * dout * dout;
  }
  return m;
}

}  // namespace

Result<std::vector<double>> TiltToMeans(const std::vector<TraceRecord>& records, double mean_prompt,
                                        double mean_output) {
  if (records.empty()) return Status::InvalidArgument("no records to weigh");
  std::array<double, 2> lo = {INFINITY, INFINITY}, hi = {0, 0};
  for (const TraceRecord& r : records) {
    lo[0] = std::min<double>(lo[0], r.prompt_tokens), hi[0] = std::max<double>(hi[0], r.prompt_tokens);
    lo[1] = std::min<double>(lo[1], r.output_tokens), hi[1] = std::max<double>(hi[1], r.output_tokens);
  }
  const auto outside = [](double v, double l, double h) { return !(v > l && v < h); };
  if (outside(mean_prompt, lo[0], hi[0]) || outside(mean_output, lo[1], hi[1])) {
    return Status::InvalidArgument(fmt::format("means {} and {} are not strictly between the records' shortest and "
                                               "longest prompts ({}-{}) and replies ({}-{})",
                                               mean_prompt, mean_output, lo[0], hi[0], lo[1], hi[1]));
  }
  // Newton's method on the convex log-partition function: its gradient is
  // the weighted means minus the targets, its Hessian their covariance.
  const double unit = 100;
  double a = 0, b = 0;
  for (int iteration = 0; iteration < 200; ++iteration) {
    const std::vector<double> w = Weights(records, a, b, unit);
    const Moments m = Of(records, w, unit);
    const double gp = m.p - mean_prompt / unit, go = m.o - mean_output / unit;
    if (std::abs(gp) * unit <= 1e-9 * mean_prompt && std::abs(go) * unit <= 1e-9 * mean_output) return w;
    const double det = m.pp * m.oo - m.po * m.po;
    if (!(det > 0)) break;
    double da = (m.oo * gp - m.po * go) / det, db = (m.pp * go - m.po * gp) / det;
    const double step = std::max(std::abs(da), std::abs(db));
    if (step > 1) da /= step, db /= step;  // damped: at most one unit per step
    a -= da, b -= db;
  }
  return Status::InvalidArgument(fmt::format("no tilt of the records reaches means {} and {}", mean_prompt, mean_output));
}

}  // namespace fleetlab
