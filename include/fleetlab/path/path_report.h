// PathReport: what a run measured along a request path, stage by stage, and
// the path's energy; DeadlineReport: how often requests missed their budget.
// Rendered under "path" and "deadline" in the report JSON (docs/report.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "fleetlab/metrics/sample_set.h"

namespace fleetlab {

struct HedgeReport {
  bool enabled = false;
  std::string trigger;      // "fixed" or "quantile"
  double delay_ms = 0;      // the delay in force at the end of the run
  std::uint64_t requests = 0;    // requests the pool answered (measured or not)
  std::uint64_t backups = 0;     // backup copies sent
  std::uint64_t backup_wins = 0; // requests the backup answered first
  std::uint64_t cancelled = 0;   // losing copies withdrawn
  double backup_fraction = 0;    // backups / requests sent into the pool: the extra load sent
  // Service time spent on copies that lost / all service time spent: the
  // work hedging duplicated.
  double wasted_work_fraction = 0;
};

struct StageReport {
  std::string name;
  std::string kind;  // "link", "pool", "fanout" or "sequence" (a fan-out branch that is a sub-path)
  Summary latency_ms;  // entry to exit of the stage, measured requests
  double capacity_per_s = 0;
  double utilization = 0;  // link: busy lanes / lanes; pool: mean busy servers; fanout: the busiest branch
  double energy_j = 0;     // over the measurement window
  // link
  std::uint64_t messages = 0, attempts = 0, lost = 0;
  // pool
  std::uint32_t replicas = 0;
  std::vector<double> replica_utilization;
  std::uint64_t wakeups = 0;  // devices woken from sleep
  HedgeReport hedge;
  // fanout: its branches; sequence: its stages
  std::uint32_t need = 0;
  std::vector<StageReport> branches;
  // A fan-out branch: sub-requests it started, and those its delayed start
  // skipped because the join had settled.
  std::uint64_t started = 0, skipped = 0;
};

struct PathEnergy {
  bool measured = false;    // some stage has a power model or radio energy
  double total_j = 0;       // every device and link over the window
  double compute_j = 0, radio_j = 0;
  double mean_power_w = 0;  // total / window
  double per_request_j = 0; // total / completed requests
};

struct PathReport {
  std::vector<StageReport> stages;
  PathEnergy energy;
};

struct DeadlineReport {
  double budget_ms = 0;
  std::uint64_t met = 0, missed = 0;  // measured requests; a dropped request misses
  double miss_rate = 0;
  // In arrival order: the longest run of consecutive misses, and how many
  // runs of two or more (visible stutters) there were.
  std::uint64_t longest_miss_run = 0;
  std::uint64_t stutters = 0;
};

}  // namespace fleetlab
