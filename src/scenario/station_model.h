// A station that runs a catalog model on catalog devices: its batch times
// come from the roofline (EstimateInference, llm/inference_cost.h) and its
// power from the device's datasheet figures.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "fleetlab/station/options.h"
#include "fleetlab/status.h"
#include "scenario/parse_scope.h"

namespace fleetlab {

// Reads a station's "model" object ({"model", "device", "tp", "pp", "link",
// "dtype", "first_layer", "last_layer", "tokens", "overhead_ms",
// "sleep_after_ms", "calibration"}) at `path` and fills st->batching.batch_time_s for every
// batch size up to max_batch, and st->power from the device when
// `device_power`. Fails, naming the field, on an unknown id, a bad split, or
// a model that does not fit the device ("does not fit: needs ..., has ...").
// REQUIRES: st->batching.max_batch final.
Status ParseStationModel(const nlohmann::json& value, const std::string& path, ParseScope& catalog,
                         bool device_power, StationOptions* st);

}  // namespace fleetlab
