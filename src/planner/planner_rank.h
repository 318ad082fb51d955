// How the planner (planner.h) judges and orders configurations: the run of
// a fleet at the stated rate, the objectives, goodput per dollar, and the
// ranking. Internal to src/planner/.
#pragma once

#include "fleetlab/llm/replica_options.h"
#include "fleetlab/scenario/scenario.h"
#include "fleetlab/status.h"
#include "planner/planner.h"

namespace fleetlab {

// The stream every configuration is judged under: Poisson at r.rate_per_s,
// lognormal (or fixed) prompt and output lengths around r.prompt and
// r.output, r.load_requests requests of which r.load_warmup warm-up.
WorkloadOptions LoadWorkload(const PlanRequest& r);

// Runs `s` (its workload LoadWorkload(r), its SLOs r's) and fills
// p99_ttft_s_at_rate, p99_tpot_s_at_rate (infinity when the run is
// unstable) and goodput_rps as SimulateAtRate says. REQUIRES: r.rate_per_s > 0.
Status JudgeRun(const Scenario& s, const PlanRequest& r, SplitPlan* p);

// Fills p99_ttft_s_at_rate, p99_tpot_s_at_rate (infinity when the run is
// unstable) and goodput_rps from one run of r.load_requests requests: a
// Poisson stream at r.rate_per_s into p->replicas copies of `replica`
// (one replica: no router, as today's splits; several: least outstanding,
// as the lab's fleets), judged against r's objectives.
// REQUIRES: r.rate_per_s > 0, p->fits, p->replicas >= 1.
Status SimulateAtRate(const ReplicaOptions& replica, const PlanRequest& r, SplitPlan* p);

// Sets meets_slo (PlanRequest and SplitPlan say against what), usd_per_hour
// and goodput_per_usd. REQUIRES: price_per_gpu_hour >= 0; with a rate,
// SimulateAtRate has run on a fitting p.
void Score(const PlanRequest& r, double price_per_gpu_hour, SplitPlan* p);

// Whether a ranks before b (PlanSplits' order): meeting the SLOs, then
// fitting, then the rest; within a tier goodput per dollar when
// by_goodput, then saturation throughput, then lower TTFT. Non-fitting
// configurations tie (a stable sort keeps their order).
bool Better(const SplitPlan& a, const SplitPlan& b, bool by_goodput);

}  // namespace fleetlab
