// Parsing of a scenario's "fleet" object (replicas behind a router) into
// FleetOptions. Errors name the field's path ("fleet.router.policy: ...").
#pragma once

#include <nlohmann/json.hpp>

#include "fleetlab/fleet/options.h"
#include "fleetlab/status.h"

namespace fleetlab {

Result<FleetOptions> ParseFleet(const nlohmann::json& value);

}  // namespace fleetlab
