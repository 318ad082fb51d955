// Rendering reports at the output edge: JSON for scripts (field names are a
// stable interface, see docs/report.md) and text for people.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "fleetlab/report.h"

namespace fleetlab {

// The machine-readable report. Latency statistics of an unstable run are
// null: they depend on how long the run was, not on the system. `series`
// adds an LLM run's time series and KV heatmap.
nlohmann::json ReportToJson(const Report& report, bool series = false);

// A readable multi-line summary. `wall_ms` >= 0 adds the wall time and the
// simulator's speed (events/s) to the footer.
std::string ReportToText(const Report& report, double wall_ms = -1);

// Rounds every floating-point number in `value` to `digits` significant
// digits, recursively (for golden files and stable diffs).
nlohmann::json RoundNumbers(const nlohmann::json& value, int digits);

}  // namespace fleetlab
