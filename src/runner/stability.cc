#include "runner/stability.h"

#include <algorithm>
#include <cmath>

namespace fleetlab {
namespace {

constexpr std::size_t kMinArrivals = 40;  // fewer: no trend can be told from noise

// The integral of requests in system at the i-th boundary (i = n: the end).
double AreaAt(const BacklogHistory& h, std::size_t i) { return i < h.area.size() ? h.area[i] : h.end_area; }
SimTime TimeAt(const BacklogHistory& h, std::size_t i) { return i < h.arrival.size() ? h.arrival[i] : h.end; }

}  // namespace

TrendVerdict JudgeTrend(const BacklogHistory& h, bool credit_filling) {
  TrendVerdict v;
  const std::size_t n = h.arrival.size();
  if (n < kMinArrivals || h.area.size() != n || h.end <= h.arrival.front()) return v;
  std::size_t bound[5];
  for (int q = 0; q <= 4; ++q) bound[q] = n * static_cast<std::size_t>(q) / 4;
  for (int q = 0; q < 4; ++q) {
    const double span_s = NsToSeconds(TimeAt(h, bound[q + 1]) - TimeAt(h, bound[q]));
    if (span_s <= 0) return v;  // a burst of simultaneous arrivals: no time to average over
    v.l[q] = (AreaAt(h, bound[q + 1]) - AreaAt(h, bound[q])) / 1e9 / span_s;
    v.lambda[q] = static_cast<double>(bound[q + 1] - bound[q]) / span_s;
    v.w_s[q] = v.l[q] / v.lambda[q];
  }
  const double window_s = NsToSeconds(h.end - h.arrival.front());
  const double lambda = static_cast<double>(n) / window_s;
  double fill_sum = 0;
  std::size_t fill_n = 0;
  for (std::size_t i = 0; i < bound[1]; ++i) {
    if (std::isnan(h.sojourn_s[i])) continue;
    fill_sum += h.sojourn_s[i];
    ++fill_n;
  }
  v.fill_w_s = fill_n > 0 ? fill_sum / static_cast<double>(fill_n) : 0;
  const double q1_s = NsToSeconds(TimeAt(h, bound[1]) - h.arrival.front());
  const double filling = credit_filling ? lambda * std::max(0.0, v.fill_w_s - q1_s) : 0.0;
  const double noise = 3 * std::sqrt(static_cast<double>(n) / 2) + 20;
  v.growth = lambda * (v.w_s[3] - v.w_s[1]);
  v.threshold = std::max(noise, filling);
  v.judged = true;
  v.growing = v.growth > v.threshold && v.w_s[3] - v.w_s[1] > 0.01 * window_s;
  return v;
}

}  // namespace fleetlab
