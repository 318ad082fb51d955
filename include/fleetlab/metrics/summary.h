// Summary: the statistics of one metric that a report carries (a latency's
// count, mean, percentiles and max, and confidence half-widths).
#pragma once

#include <cstddef>

namespace fleetlab {

struct Summary {
  std::size_t count = 0;
  double mean = 0, p50 = 0, p90 = 0, p95 = 0, p99 = 0, p999 = 0, max = 0;
  // Half-widths of the 95% batch-means confidence intervals (0 when there
  // are too few samples for K batches of at least 10).
  double mean_ci95 = 0;
  double p99_ci95 = 0;
};

}  // namespace fleetlab
