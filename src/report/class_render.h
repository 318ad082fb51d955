// Rendering of the per-class reports of a mixed workload (report.h
// ClassReport): JSON under "classes", and a text table.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetlab/report.h"

namespace fleetlab {

nlohmann::json ClassesJson(const std::vector<ClassReport>& classes, bool valid);
std::string ClassesText(const std::vector<ClassReport>& classes, bool valid);

}  // namespace fleetlab
