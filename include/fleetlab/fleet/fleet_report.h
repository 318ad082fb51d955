// FleetReport: what a run measured of each replica behind the router, and
// how evenly the router spread the load. Rendered under "fleet" in the
// report JSON (docs/report.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace fleetlab {

struct FleetReport {
  std::uint32_t replicas = 0;
  std::string router;             // the policy's scenario name
  double report_interval_ms = 0;  // 0: live load
  bool count_own_sends = false;

  // One entry per replica, in index order, over the measurement window.
  std::vector<std::uint64_t> requests;  // measured requests it completed
  std::vector<double> mean_in_system;   // time-averaged running + queued requests
  std::vector<double> utilization;      // busy fraction (station: of its servers)

  // max / mean of `requests` (1 = perfectly even; 0 when nothing completed).
  double max_over_mean_requests = 0;
  // Coefficient of variation (population) of `mean_in_system` across the
  // replicas (0 = even; 0 when the fleet was empty).
  double load_cv = 0;
};

// Fills the imbalance figures of `report` from its per-replica vectors.
void ComputeImbalance(FleetReport* report);

}  // namespace fleetlab
