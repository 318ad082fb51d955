// The latency-throughput frontier: one scenario run at a series of arrival
// rates, with the analytic twin beside each point and the knee marked.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetlab/report.h"
#include "fleetlab/scenario/scenario.h"
#include "fleetlab/status.h"

namespace fleetlab {

struct FrontierOptions {
  double rate_low_per_s = 10;   // first arrival rate
  double rate_high_per_s = 98;  // last arrival rate
  std::size_t points = 30;      // evenly spaced, both ends included
  // Worker threads; points are independent and results do not depend on it.
  unsigned threads = 1;
};

struct Frontier {
  std::vector<double> rates_per_s;
  std::vector<Report> reports;  // one per rate, same order
  // Index of the knee among the points, or -1 if fewer than 3 stable points.
  // The knee is found by the Kneedle method (Satopaa et al., ICDCS-W 2011)
  // on the simulated P99: the stable point farthest below the straight line
  // joining the first and last stable points, both axes normalised to [0,1].
  int knee_index = -1;
};

// Parses "LOW:HIGH:POINTS" (e.g. "10:98:30") into `options`. Errors name the
// flag and the allowed values.
Status ParseRateSpec(const std::string& spec, FrontierOptions* options);

// Runs `base` at each rate (workload.arrival.rate_per_s is replaced; every
// point uses the same seed: common random numbers make the curve smooth).
// REQUIRES: base validated. Fails if base is a closed-loop workload or a run
// fails.
Result<Frontier> RunFrontier(const Scenario& base, const FrontierOptions& options);

// The Kneedle knee of (x, y) for an increasing convex curve; -1 if n < 3.
int FindKnee(const std::vector<double>& x, const std::vector<double>& y);

// Column-oriented series (uPlot's data layout): one array per metric.
nlohmann::json FrontierToJson(const Frontier& frontier);
std::string FrontierToCsv(const Frontier& frontier);
std::string FrontierToText(const Frontier& frontier);

}  // namespace fleetlab
