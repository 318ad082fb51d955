#include "runner/system_under_load.h"

#include <variant>

#include "runner/disaggregated.h"
#include "runner/llm_fleet.h"
#include "runner/path_system.h"
#include "runner/station_fleet.h"

namespace fleetlab {

namespace {

// The shape of each kind of system (std::visit).
struct ShapeVisitor {
  SystemShape operator()(const StationSystem&) const { return SystemShape::kStationFleet; }
  SystemShape operator()(const ReplicaSystem&) const { return SystemShape::kLlmFleet; }
  SystemShape operator()(const RequestPath&) const { return SystemShape::kRequestPath; }
  SystemShape operator()(const DisaggregatedPools&) const { return SystemShape::kDisaggregated; }
};

// Builds each kind of system (std::visit): BuildSystem's arguments.
struct BuildVisitor {
  using Built = Result<std::unique_ptr<SystemUnderLoad>>;
  const RandomStreams& streams;
  Simulator& sim;
  CompletionListener* listener;
  const RunHooks& hooks;
  SimDuration horizon;

  Built operator()(const StationSystem& st) const { return StationFleet::Build(st, streams, sim, listener); }
  Built operator()(const ReplicaSystem& r) const { return LlmFleet::Build(r, streams, sim, listener, hooks, horizon); }
  Built operator()(const RequestPath& p) const { return PathSystem::Build(p.path, streams, sim, listener); }
  Built operator()(const DisaggregatedPools& d) const {
    return DisaggregatedSystem::Build(d.disaggregation, streams, sim, listener, hooks, horizon);
  }
};

}  // namespace

SystemShape ShapeOf(const Scenario& s) { return std::visit(ShapeVisitor{}, s.system); }

Result<std::unique_ptr<SystemUnderLoad>> BuildSystem(const Scenario& s, const RandomStreams& streams, Simulator& sim,
                                                     CompletionListener* listener, const RunHooks& hooks,
                                                     SimDuration horizon) {
  return std::visit(BuildVisitor{streams, sim, listener, hooks, horizon}, s.system);
}

}  // namespace fleetlab
