// Rendering of the path and deadline parts of a report (called by render.cc).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "fleetlab/path/path_report.h"

namespace fleetlab {

// The "path" object of the report JSON (docs/report.md). `valid`: latency
// statistics are meaningful (a stable run that completed requests).
nlohmann::json PathJson(const PathReport& p, bool valid);
nlohmann::json DeadlineJson(const DeadlineReport& d);

// The path lines of the text report: one line per stage (and branch), the
// energy, the deadline.
std::string PathText(const PathReport& p, bool valid);
std::string DeadlineText(const DeadlineReport& d);

}  // namespace fleetlab
