// Running a scenario: builds the simulated system from a Scenario, runs it to
// completion and measures it. Pure computation: no files, no printing, no
// global state; safe to call from several threads at once.
#pragma once

#include "fleetlab/report.h"
#include "fleetlab/scenario/scenario.h"
#include "fleetlab/status.h"

namespace fleetlab {

// Optional observers of a run.
struct RunHooks {
  // Receives an LLM replica's iterations and requests (ignored for the
  // generic station). Not owned.
  class Timeline* timeline = nullptr;
};

// Runs `scenario` once. Fails if the system cannot be built (an LLM replica
// that does not fit) or the run exceeds scenario.limits.
// REQUIRES: scenario came from ParseScenario (validated).
Result<Report> RunScenario(const Scenario& scenario, const RunHooks& hooks = {});

}  // namespace fleetlab
