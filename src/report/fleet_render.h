// Rendering of the fleet part of a report (called by render.cc).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "fleetlab/fleet/fleet_report.h"

namespace fleetlab {

// The "fleet" object of the report JSON (docs/report.md).
nlohmann::json FleetJson(const FleetReport& f);

// The fleet lines of the text report: the router, requests per replica (the
// first 16) and the imbalance.
std::string FleetText(const FleetReport& f);

}  // namespace fleetlab
