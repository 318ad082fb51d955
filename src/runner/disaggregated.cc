#include "runner/disaggregated.h"

#include <utility>

namespace fleetlab {

Result<std::unique_ptr<SystemUnderLoad>> DisaggregatedSystem::Build(const DisaggregationOptions& o,
                                                                    const RandomStreams& streams, Simulator& sim,
                                                                    CompletionListener* listener,
                                                                    const RunHooks& hooks, SimDuration horizon) {
  auto d = DisaggSystem::Build(o, streams, sim, listener, hooks.timeline, hooks.kv_heatmap, horizon, hooks.requests);
  if (!d.ok()) return d.status();
  return std::unique_ptr<SystemUnderLoad>(new DisaggregatedSystem(std::move(d).value()));
}

}  // namespace fleetlab
