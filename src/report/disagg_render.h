// Rendering of the disaggregation part of a report (called by render.cc).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "fleetlab/fleet/disaggregation_report.h"

namespace fleetlab {

// The "disaggregation" object of the report JSON (docs/report.md);
// latencies are null unless `valid`.
nlohmann::json DisaggJson(const DisaggregationReport& d, bool valid);

// The disaggregation lines of the text report: each pool and the link.
std::string DisaggText(const DisaggregationReport& d, bool valid);

}  // namespace fleetlab
