// The shape of the offered load over time and across kinds of requests:
// workload.arrival.profile (a time-varying rate: diurnal sinusoid, steps,
// ramps) and workload.classes (chat, code, summarisation ... in one
// workload, each with its share, lengths and objectives). docs/scenario.md.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "fleetlab/status.h"
#include "fleetlab/workload/options.h"

namespace fleetlab {

// Reads `v` (at `path`) into a->profile. Piecewise and ramp profiles give
// the rates themselves (`rate_given`, a rate_per_s beside them, is then an
// error) and set a->rate_per_s to their mean; a sinusoid modulates
// rate_per_s.
Status ParseRateProfile(const nlohmann::json& v, const std::string& path, bool rate_given, ArrivalOptions* a);

// Reads workload.classes into sizes->classes.
Status ParseClasses(const nlohmann::json& v, RequestSizeOptions* sizes);

}  // namespace fleetlab
