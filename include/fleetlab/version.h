// The tool's version: in `fleetlab --version`, the lab API's health reply and
// every JSON report (docs/report.md "fleetlab_version").
#pragma once

namespace fleetlab {

inline constexpr const char* kVersion = "0.1.0";

}  // namespace fleetlab
