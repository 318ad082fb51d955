// Iteration-level scheduling policies of an LLM replica, one per file,
// chosen in one factory switch (MakeScheduler).
#pragma once

#include <memory>

#include "fleetlab/llm/replica_options.h"
#include "llm/replica/replica_state.h"

namespace fleetlab {

class Scheduler {
 public:
  virtual ~Scheduler() = default;

  // Plans `engine`'s next iteration into *plan (cleared first). An empty
  // plan means there is nothing to run now; then *wake_at > now asks to be
  // planned again at that time (a batch window closing).
  virtual void Plan(ReplicaState& state, int engine, SimTime now, IterationPlan* plan, SimTime* wake_at) = 0;

  // Whether a finished sequence leaves the batch at once (iteration-level
  // policies) or stays as padding until its whole batch ends (request-level).
  virtual bool ReleasesFinishedAtOnce() const { return true; }
};

// The one place a policy is chosen.
std::unique_ptr<Scheduler> MakeScheduler(BatchingPolicy policy);

// Shared steps of the policies (scheduler_steps.cc).
// Whether the scheduler's capacity policy lets `slot` be admitted now:
// always under kMaxUtilization; under kGuaranteedNoEvict only if the whole
// final length (prompt + output, in whole blocks) of every running request
// and of this one fits the cache together, so no request is ever preempted.
// O(1) (ReplicaState keeps the running requests' sum).
bool CapacityAllows(const ReplicaState& state, std::uint32_t slot);
// Swaps back swapped-out sequences while memory and max_running allow.
void SwapInWhatFits(ReplicaState& state, int engine, IterationPlan* plan);
// Decode role: admits the waiting requests at the head of the queue whose
// prompt KV arrived with them (kv_shipped), while memory and max_running
// allow, so that PlanDecodes decodes them in this iteration. First come,
// first served: stops at the first request that is not shipped or does not fit.
void AdmitShipped(ReplicaState& state, int engine, SimTime now);
// Adds a decode step for every running, prefilled, unfinished sequence of
// `engine` (preempting as the victim policy says when KV runs out), within
// `*token_budget` tokens if it is not null.
void PlanDecodes(ReplicaState& state, int engine, IterationPlan* plan, std::int64_t* token_budget);

}  // namespace fleetlab
