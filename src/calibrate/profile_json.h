// A calibration profile as the JSON file the catalog reads
// (data/calibration/<id>.json; data/README.md "Calibration profiles").
#pragma once

#include <nlohmann/json.hpp>

#include "fleetlab/llm/calibration.h"

namespace fleetlab::calibrate {

// Every field the profile holds, in the order data/README.md lists them,
// and its `sources` (one per part present).
// ParseCalibration of the result gives the profile back (to the printed
// precision: 6 significant digits).
nlohmann::ordered_json ProfileToJson(const CalibrationProfile& p);

}  // namespace fleetlab::calibrate
