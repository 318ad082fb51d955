// --max-memory, shared by the commands that run scenarios (run, frontier,
// sweep, capacity): the most memory their runs may take together, checked
// against EstimateRun (run_estimate.h) before anything is simulated.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "fleetlab/scenario/scenario.h"
#include "fleetlab/status.h"

namespace fleetlab::cli {

// Adds --max-memory SIZE to `cmd`, stored as text in `value` (default "8G").
void AddMaxMemoryFlag(CLI::App* cmd, std::string* value);

// The limit in bytes for each of `concurrent` runs at once.
// REQUIRES: concurrent >= 1.
Result<double> MemoryPerRun(const std::string& value, unsigned concurrent);

// Refuses `s` when its estimate is above MemoryPerRun(value, concurrent),
// or when it plans more than the clock or the request cap allow.
Status CheckRunMemory(const Scenario& s, const std::string& value, unsigned concurrent);

}  // namespace fleetlab::cli
