// Capacity search: for each configuration of a scenario, the highest request
// rate that meets the service-level objectives, found by bisection on
// workload.arrival.rate_per_s; and the cheapest configuration (GPUs x price
// per GPU-hour) that meets them at a target rate. docs/sweep.md describes
// the file format.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetlab/status.h"
#include "fleetlab/util/enum_names.h"

namespace fleetlab {

class Catalog;

// One objective: a numeric field of the report (docs/report.md, a dotted
// path such as latency_ms.ttft.p99) compared with a limit.
struct SloTarget {
  std::string metric;
  bool at_most = true;  // "<=" (else ">=")
  double limit = 0;
  std::string text;     // as written, for messages
};

// Parses "METRIC <= NUMBER" or "METRIC >= NUMBER"; errors name `field`.
Result<SloTarget> ParseSlo(const std::string& text, const std::string& field);

struct CapacityConfig {
  std::string name;
  std::vector<std::pair<std::string, nlohmann::json>> set;  // overrides, path -> value
  // This configuration's own bisection bracket and tolerance (0: the
  // spec's). The sizing search (sizing.h) sets them from each candidate's
  // estimated capacity, whose scale differs by orders of magnitude.
  double rate_low_per_s = 0, rate_high_per_s = 0, tolerance_per_s = 0;
};

struct CapacitySpec {
  nlohmann::json base;
  std::string base_dir;
  // How the configurations' scenarios are parsed (ParseOptions, parse.h):
  // the catalog (null: the default one, read from data/ at each parse),
  // whether fields may name files, and the lab server's named traces.
  const Catalog* catalog = nullptr;
  bool allow_files = true;
  const std::map<std::string, std::string>* named_traces = nullptr;
  std::vector<SloTarget> slos;
  double rate_low_per_s = 1;
  double rate_high_per_s = 100;
  // Bisection stops when the bracket is this narrow: the answer is within
  // it of the crossing (for the simulated P99s at the scenario's seed).
  double tolerance_per_s = 0.5;
  double target_rate_per_s = 0;  // 0: no cheapest-configuration search
  std::vector<CapacityConfig> configs;
};

// Parses a capacity document (every configuration's scenario is parsed at
// rate_low_per_s, so a bad override fails here, naming the configuration).
Result<CapacitySpec> ParseCapacity(const nlohmann::json& doc, const std::string& dir);
Result<CapacitySpec> LoadCapacity(const std::string& path);

// Whether a report (ReportToJson) meets every SLO. An unstable run, or a
// metric that is null, fails; a metric the report lacks is an error naming
// the SLO. `why` receives the first objective missed.
Result<bool> MeetsSlos(const nlohmann::json& report, const std::vector<SloTarget>& slos, std::string* why);

enum class CapacityBound { kNone, kBelowLow, kFound, kAtLeastHigh };
// Their names in reports ("bound", sizing's "bisection"); kNone: no search ran.
inline constexpr auto kCapacityBoundNames = MakeEnumNames<CapacityBound>({{CapacityBound::kNone, "none"},
                                                                          {CapacityBound::kBelowLow, "below_low"},
                                                                          {CapacityBound::kFound, "found"},
                                                                          {CapacityBound::kAtLeastHigh, "at_least_high"}});

struct CapacityResult {
  std::string name;
  std::string error;  // the run was refused (e.g. the model does not fit)
  CapacityBound bound = CapacityBound::kNone;
  double max_rate_per_s = 0;   // the highest rate seen to meet the SLOs (kFound, kAtLeastHigh)
  double fail_rate_per_s = 0;  // the lowest rate seen to miss them (kFound, kBelowLow)
  int runs = 0;
  nlohmann::json report_at_max;  // ReportToJson at max_rate_per_s, or null
  std::string miss;              // why the lowest failing rate failed
  nlohmann::json report_at_fail;  // ReportToJson at fail_rate_per_s, or null
  // At the target rate when the spec has one, else at max_rate_per_s (and
  // unknown without one):
  bool meets_target = false;   // only with a target
  std::int64_t gpus = 0;       // cost.gpus: every GPU of the system; 0: not an LLM scenario
  double usd_per_hour = -1;    // < 0: unknown
  double usd_per_million_input_tokens = -1, usd_per_million_output_tokens = -1;  // cost.split.*
};

struct CapacityOutcome {
  std::vector<CapacityResult> configs;  // in the spec's order
  int cheapest = -1;  // index into configs: lowest usd_per_hour meeting the target (ties: first)
};

// Refuses the search if a configuration's run, at the lowest or the highest
// rate of the bisection, is estimated above `max_bytes_per_run`
// (EstimateRun, run_estimate.h; `limit` names it in the message).
Status CheckCapacityMemory(const CapacitySpec& spec, double max_bytes_per_run, const std::string& limit);

// Called after each configuration is searched: (done, total), from the
// worker threads, one call at a time.
using CapacityProgress = std::function<void(std::size_t, std::size_t)>;

// Runs every configuration's bisection, `threads` configurations at a time.
// `cancel` (not owned, may be null) cancels the runs (RunHooks::cancel).
// REQUIRES: spec came from ParseCapacity (or every configuration parses and
// is open-loop); threads >= 1.
Result<CapacityOutcome> RunCapacity(const CapacitySpec& spec, unsigned threads, const CapacityProgress& progress = {},
                                    const std::atomic<bool>* cancel = nullptr);

}  // namespace fleetlab
