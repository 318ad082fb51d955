#include "fleetlab/fleet/fleet_report.h"

#include <algorithm>
#include <cmath>

namespace fleetlab {

void ComputeImbalance(FleetReport* r) {
  r->max_over_mean_requests = 0;
  r->load_cv = 0;
  if (!r->requests.empty()) {
    double total = 0, most = 0;
    for (std::uint64_t n : r->requests) {
      total += static_cast<double>(n);
      most = std::max(most, static_cast<double>(n));
    }
    const double mean = total / static_cast<double>(r->requests.size());
    if (mean > 0) r->max_over_mean_requests = most / mean;
  }
  if (!r->mean_in_system.empty()) {
    const auto n = static_cast<double>(r->mean_in_system.size());
    double sum = 0, squares = 0;
    for (double x : r->mean_in_system) sum += x;
    const double mean = sum / n;
    for (double x : r->mean_in_system) squares += (x - mean) * (x - mean);
    if (mean > 0) r->load_cv = std::sqrt(squares / n) / mean;
  }
}

}  // namespace fleetlab
