// The planner's shared parts (planner.cc), used by its disaggregated search
// (planner_disagg.cc). Internal to src/planner/.
#pragma once

#include <cstddef>
#include <functional>

#include "fleetlab/llm/catalog.h"
#include "fleetlab/llm/replica_options.h"
#include "fleetlab/status.h"
#include "planner/planner.h"

namespace fleetlab {

// A split evaluated once, for one replica: its plan and the options its
// runs use.
struct Evaluated {
  ReplicaOptions options;
  SplitPlan plan;
};

// Roofline, memory and (r.simulate) saturation of one replica of TP tp x PP
// pp of `base` (the model, GPU and dtypes of PlanRequest r), with the
// default links of that split unless r names them; plan.fits false (with
// the reason) when it does not fit. REQUIRES: tp, pp >= 1.
Result<Evaluated> EvaluateSplit(const ReplicaHardware& base, int tp, int pp, const PlanRequest& r, const Catalog& c);

// Calls fn(0) .. fn(n - 1) on up to hardware_concurrency threads.
// REQUIRES: fn is safe to call from several threads at once.
void RunInParallel(std::size_t n, const std::function<void(std::size_t)>& fn);

// The disaggregated configurations of PlanRequest::search_disaggregation
// (PlanDisaggregatedCount), each run at the rate and scored, unsorted.
// REQUIRES: r checked (CheckPlanRequest), r.rate_per_s > 0; base as
// EvaluateSplit's.
Result<std::vector<SplitPlan>> PlanDisaggregated(const ReplicaHardware& base, const PlanRequest& r, const Catalog& c);

}  // namespace fleetlab
