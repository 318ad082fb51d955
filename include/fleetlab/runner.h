// Running a scenario: builds the simulated system from a Scenario, runs it to
// completion and measures it. Pure computation: no files, no printing, no
// global state; safe to call from several threads at once.
#pragma once

#include "fleetlab/report.h"
#include "fleetlab/scenario/scenario.h"
#include "fleetlab/status.h"

namespace fleetlab {

// Runs `scenario` once. Fails only if the run exceeds scenario.limits.
// REQUIRES: scenario came from ParseScenario (validated).
Result<Report> RunScenario(const Scenario& scenario);

}  // namespace fleetlab
