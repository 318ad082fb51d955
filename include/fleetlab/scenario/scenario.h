// Scenario: everything one simulation run needs, as plain validated structs.
// It is built from JSON by ParseScenario (scenario/parse.h); nothing in it
// refers to files any more (a trace is loaded while parsing).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fleetlab/fleet/disaggregation_options.h"
#include "fleetlab/fleet/options.h"
#include "fleetlab/llm/replica_options.h"
#include "fleetlab/path/options.h"
#include "fleetlab/station/options.h"
#include "fleetlab/workload/options.h"
#include "fleetlab/workload/trace.h"

namespace fleetlab {

// A parsed JSON document (util/json.h holds its definition, nlohmann::json
// inside), held by pointer so that this header needs no JSON library.
struct JsonDocument;

struct LimitOptions {
  // Upper bound on events delivered in one run; a run that reaches it stops
  // with an error instead of running (nearly) forever. Raise it only for
  // deliberately huge runs.
  std::uint64_t max_events = 2'000'000'000;
};

struct Scenario {
  std::string name = "unnamed";
  std::string description;
  // The root of every random stream in the run: same seed, same report.
  std::uint64_t seed = 1;
  WorkloadOptions workload;
  // The system under load: an LLM replica when `replica` is set, otherwise
  // the generic service station.
  StationOptions station;
  std::optional<ReplicaOptions> replica;
  // When set, the system under load is fleet->replicas copies of the
  // station or replica above, behind a router.
  std::optional<FleetOptions> fleet;
  // A heterogeneous fleet ("fleet.groups"): each member's station or
  // replica, in fleet index order (size fleet->replicas). Empty when every
  // member is a copy of `station` / `replica` above.
  std::vector<StationOptions> fleet_stations;
  std::vector<ReplicaOptions> fleet_replicas;
  // When set, the system under load is this request path instead (links,
  // pools of stations, fan-outs); station, replica and fleet are unused.
  std::optional<PathOptions> path;
  // When set, every request has this latency budget (report "deadline").
  std::optional<DeadlineOptions> deadline;
  // When set, the system under load is a prefill pool and a decode pool of
  // LLM replicas joined by a KV link; then replica, fleet and station are
  // unused (the parser refuses them beside it).
  std::optional<DisaggregationOptions> disaggregation;
  // Whether the system is made of LLM replicas (requests carry token counts).
  // Fleet member i's station or replica.
  const StationOptions& StationOf(std::size_t i) const { return fleet_stations.empty() ? station : fleet_stations[i]; }
  const ReplicaOptions& ReplicaOf(std::size_t i) const { return fleet_replicas.empty() ? *replica : fleet_replicas[i]; }
  bool llm() const { return replica.has_value() || disaggregation.has_value(); }
  LimitOptions limits;
  std::vector<TraceRecord> trace;  // filled when workload.arrival is a trace
  // The document ParseScenario read (overrides applied, a track part's
  // "lab" left out): the report's resolved_scenario, so that a report says
  // what produced it. Null for a scenario built in code. Shared and
  // immutable: copies of a Scenario and the reports of its runs point to it.
  std::shared_ptr<const JsonDocument> document;
  // The trace's prefix block ids (Mooncake hash_ids) that its records point
  // into; null when it has none. Shared: requests point into it during a run.
  std::shared_ptr<const std::vector<std::uint64_t>> trace_hashes;
};

}  // namespace fleetlab
