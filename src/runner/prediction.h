// The analytic twin of a scenario: maps the simulated configuration onto the
// closed form that describes it best (analytic/), or reports that none does.
#pragma once

#include "fleetlab/report.h"
#include "fleetlab/scenario/scenario.h"

namespace fleetlab {

// The prediction for `scenario`'s open-loop workload at its arrival rate.
// Closed-loop workloads and finite queues have no prediction here
// (available = false).
AnalyticPrediction PredictScenario(const Scenario& scenario);

}  // namespace fleetlab
