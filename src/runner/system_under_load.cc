#include "runner/system_under_load.h"

#include <cassert>

#include "runner/disaggregated.h"
#include "runner/llm_fleet.h"
#include "runner/path_system.h"
#include "runner/station_fleet.h"

namespace fleetlab {

SystemShape ShapeOf(const Scenario& s) {
  if (s.path) return SystemShape::kRequestPath;
  if (s.disaggregation) return SystemShape::kDisaggregated;
  if (s.replica) return SystemShape::kLlmFleet;
  return SystemShape::kStationFleet;
}

Result<std::unique_ptr<SystemUnderLoad>> BuildSystem(const Scenario& s, const RandomStreams& streams, Simulator& sim,
                                                     CompletionListener* listener, const RunHooks& hooks,
                                                     SimDuration horizon) {
  switch (ShapeOf(s)) {
    case SystemShape::kRequestPath:
      return PathSystem::Build(*s.path, streams, sim, listener);
    case SystemShape::kDisaggregated:
      return DisaggregatedSystem::Build(*s.disaggregation, streams, sim, listener, hooks, horizon);
    case SystemShape::kLlmFleet:
      return LlmFleet::Build(s, streams, sim, listener, hooks, horizon);
    case SystemShape::kStationFleet:
      return StationFleet::Build(s, streams, sim, listener);
  }
  assert(false && "a SystemShape without a case");
  return Status::InvalidArgument("unknown system shape");
}

}  // namespace fleetlab
