// Parsing of a scenario's "fleet" object (replicas behind a router) into
// FleetOptions. Errors name the field's path ("fleet.router.policy: ...").
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "fleetlab/fleet/options.h"
#include "fleetlab/status.h"

namespace fleetlab {

Result<FleetOptions> ParseFleet(const nlohmann::json& value);

// A router object at `path` (e.g. "fleet.router", "path.stages[1].pool.router").
Status ParseRouter(const nlohmann::json& value, const std::string& path, RouterOptions* out);

}  // namespace fleetlab
