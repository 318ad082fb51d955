// Calibration profiles (data/calibration/<id>.json, data/README.md
// "Calibration profiles"). Internal to the catalog loader (catalog.cc).
#pragma once

#include <nlohmann/json.hpp>

#include "fleetlab/llm/calibration.h"
#include "fleetlab/status.h"
#include "util/field_reader.h"

namespace fleetlab::catalog_internal {

// Reads every field of a profile but its sources into `p`, then checks its
// ranges (ValidateCalibration); errors are "<field>: <what is wrong>".
Status ParseCalibrationFields(FieldReader& r, CalibrationProfile* p);

}  // namespace fleetlab::catalog_internal
