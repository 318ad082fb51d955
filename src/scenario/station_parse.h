// Parsing of a station object (servers, queue, service law, batching,
// power) at a given path: the scenario's "station", or a pool's station on a
// request path. Errors name the full path of the field.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "fleetlab/station/options.h"
#include "fleetlab/status.h"

namespace fleetlab {

// `catalog` resolves a "model" block's ids (nullptr: no model allowed).
Status ParseStation(const nlohmann::json& value, const std::string& path, class ParseScope* catalog,
                    StationOptions* out);

// A "power" object: active_w, idle_w, sleep_w, wake_mj, sleep_after_ms.
Status ParsePower(const nlohmann::json& value, const std::string& path, PowerOptions* out);

}  // namespace fleetlab
