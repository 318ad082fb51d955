// Scenario: everything one simulation run needs, as plain validated structs.
// It is built from JSON by ParseScenario (scenario/parse.h); nothing in it
// refers to files any more (a trace is loaded while parsing).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "fleetlab/path/options.h"
#include "fleetlab/scenario/system.h"
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
  // The system under load: a station or a fleet of them, an LLM replica or
  // a fleet of them, a request path, or disaggregated prefill/decode pools.
  SystemOptions system;
  // When set, every request has this latency budget (report "deadline").
  std::optional<DeadlineOptions> deadline;
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

  // The station every member copies: null unless the system is stations.
  const StationOptions* station() const {
    const auto* st = std::get_if<StationSystem>(&system);
    return st ? &st->station : nullptr;
  }
  // The replica every member copies: null unless the system is LLM replicas
  // behind one router (a disaggregated system has two pools, so none).
  const ReplicaOptions* replica() const {
    const auto* r = std::get_if<ReplicaSystem>(&system);
    return r ? &r->replica : nullptr;
  }
  // The fleet of stations or replicas: null for a lone one, a path or pools.
  const FleetOptions* fleet() const;
  // Fleet member i's station or replica. REQUIRES: station() / replica().
  const StationOptions& StationOf(std::size_t i) const { return std::get<StationSystem>(system).Member(i); }
  const ReplicaOptions& ReplicaOf(std::size_t i) const { return std::get<ReplicaSystem>(system).Member(i); }
  // Whether the system is made of LLM replicas (requests carry token counts).
  bool llm() const {
    return std::holds_alternative<ReplicaSystem>(system) || std::holds_alternative<DisaggregatedPools>(system);
  }
};

inline const FleetOptions* Scenario::fleet() const {
  if (const auto* st = std::get_if<StationSystem>(&system)) return st->fleet ? &*st->fleet : nullptr;
  if (const auto* r = std::get_if<ReplicaSystem>(&system)) return r->fleet ? &*r->fleet : nullptr;
  return nullptr;
}

}  // namespace fleetlab
