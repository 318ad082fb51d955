// What one run will cost, estimated from its scenario before it starts
// (docs/scenario.md, "How big a run may be"). Pure functions: nothing is
// simulated or allocated. The command line refuses a run whose estimate is
// above --max-memory; the lab server may hold a request to its own limits.
#pragma once

#include <string>

#include "fleetlab/scenario/scenario.h"
#include "fleetlab/status.h"

namespace fleetlab {

struct RunEstimate {
  // Requests the run will send. With duration_s: rate x duration (open
  // loop), or for a closed loop an upper bound, users x duration_s over the
  // shortest cycle a user can make (think time mean + a lower bound on the
  // service), or the system's capacity x duration_s when that is smaller;
  // +inf when neither bound exists.
  double requests = 0;
  // Simulated seconds the arrivals span: duration_s, requests / rate (open
  // loop), or requests x think time mean / users (closed). A lower bound on
  // how far the clock goes.
  double arrival_span_s = 0;
  // Events the simulator delivers, to within a factor of about 2.
  double events = 0;
  // Peak resident memory of a process that runs it (bytes): per recorded
  // request, per fleet member (an LLM replica's KV block table dominates),
  // and the process itself. The constants and their measurements are in
  // src/scenario/run_estimate.cc. An overloaded LLM run can take more (its
  // queue is not known in advance): see there.
  double bytes = 0;
};

RunEstimate EstimateRun(const Scenario& s);

// The most requests one run may plan, however much memory there is.
inline constexpr double kMaxPlannedRequests = 1e9;
// The command line's default --max-memory: 8 GiB.
inline constexpr double kDefaultMaxMemoryBytes = 8.0 * 1024 * 1024 * 1024;

// Refuses a run no clock or memory can hold: more than kMaxPlannedRequests
// requests, arrivals that span beyond the clock's horizon (kHorizonSeconds),
// or an estimate above `max_bytes` (named `limit` in the message, e.g.
// "--max-memory"). Errors name the field to change and the estimate, e.g.
//   workload.requests: the run would need about 22.4 GiB of memory (1e+09
//   requests at about 24 B each); --max-memory 8G allows 8.0 GiB
// ParseScenario applies it with no memory limit.
Status CheckRunEstimate(const Scenario& s, double max_bytes, const std::string& limit = "the memory limit");

// Reads a --max-memory value: bytes, or a number with a suffix K, M, G, T
// (powers of 1024, optionally followed by "B" or "iB"), e.g. "8G", "512MiB",
// "1e9". Refuses anything else, and values below 1 MiB or above 1 PiB.
Result<double> ParseMemorySize(const std::string& text, const std::string& flag);

}  // namespace fleetlab
