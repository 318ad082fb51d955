// The system a scenario loads, as one of four kinds (SystemOptions, a
// std::variant): a combination the parser refuses (a station beside a
// replica, a fleet beside a request path, ...) cannot be built in code
// either. Scenario::system holds it (scenario/scenario.h); the runner's
// BuildSystem visits it (src/runner/system_under_load.h).
#pragma once

#include <cstddef>
#include <optional>
#include <variant>
#include <vector>

#include "fleetlab/fleet/disaggregation_options.h"
#include "fleetlab/fleet/options.h"
#include "fleetlab/llm/replica_options.h"
#include "fleetlab/path/options.h"
#include "fleetlab/station/options.h"

namespace fleetlab {

// The generic service station ("station"), alone or as a fleet of them.
struct StationSystem {
  // The station; every fleet member's too, unless `members` is set.
  StationOptions station;
  // When set, the system is fleet->replicas stations behind a router.
  std::optional<FleetOptions> fleet;
  // A heterogeneous fleet ("fleet.groups"): each member's station, in fleet
  // index order (size fleet->replicas). Empty when every member is `station`.
  std::vector<StationOptions> members;
  // Fleet member i's station (member 0 is the lone station's).
  const StationOptions& Member(std::size_t i) const { return members.empty() ? station : members[i]; }
};

// An LLM replica ("replica"), alone or as a fleet of them.
struct ReplicaSystem {
  // The replica; every fleet member's too, unless `members` is set.
  ReplicaOptions replica;
  // When set, the system is fleet->replicas replicas behind a router.
  std::optional<FleetOptions> fleet;
  // A heterogeneous fleet ("fleet.groups"): each member's replica, in fleet
  // index order (size fleet->replicas). Empty when every member is `replica`.
  std::vector<ReplicaOptions> members;
  // Fleet member i's replica (member 0 is the lone replica's).
  const ReplicaOptions& Member(std::size_t i) const { return members.empty() ? replica : members[i]; }
};

// A request path ("path"): links, pools of stations, fan-outs.
struct RequestPath {
  // Its stages, in order; each describes its own stations.
  PathOptions path;
};

// Disaggregated serving ("disaggregation"): a prefill pool and a decode pool
// of LLM replicas joined by a KV link.
struct DisaggregatedPools {
  // Both pools (each its replica, count and router) and the link.
  DisaggregationOptions disaggregation;
};

// One of the kinds above; a default-constructed one is a lone default station.
using SystemOptions = std::variant<StationSystem, ReplicaSystem, RequestPath, DisaggregatedPools>;

}  // namespace fleetlab
