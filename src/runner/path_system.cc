#include "runner/path_system.h"

#include <utility>

namespace fleetlab {

Result<std::unique_ptr<SystemUnderLoad>> PathSystem::Build(const PathOptions& o, const RandomStreams& streams,
                                                           Simulator& sim, CompletionListener* listener) {
  return std::unique_ptr<SystemUnderLoad>(new PathSystem(Path::Build(o, streams, sim, listener)));
}

}  // namespace fleetlab
