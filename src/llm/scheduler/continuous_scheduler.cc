// Continuous (iteration-level) batching, prefill-prioritising like vLLM's
// default scheduler (Orca, OSDI 2022; vLLM, SOSP 2023): requests join and
// leave the running batch at every iteration; when new requests can be
// admitted, the iteration runs their whole prefills and the decodes wait.
// With steps_per_schedule k > 1 (vLLM's multi-step scheduling) a decode
// iteration that follows a decision starts a group of k, and the scheduler
// admits nothing until the group has run or has nothing left to decode.
#include <vector>

#include "llm/scheduler/scheduler.h"

namespace fleetlab {
namespace {

class ContinuousScheduler final : public Scheduler {
 public:
  void Plan(ReplicaState& state, int engine, SimTime now, IterationPlan* plan, SimTime*) override {
    plan->Clear();
    const std::size_t e = static_cast<std::size_t>(engine);
    if (group_left_.size() <= e) group_left_.resize(e + 1, 0);
    if (group_left_[e] > 0) {  // inside a multi-step group: its decodes only, on the group's decision
      PlanDecodes(state, engine, plan, nullptr);
      if (!plan->empty()) {
        --group_left_[e];
        plan->shape.scheduled = false;
        return;
      }
      group_left_[e] = 0;
    }
    SwapInWhatFits(state, engine, plan);
    AdmitShipped(state, engine, now);  // decode role: nothing to prefill
    const SchedulerOptions& o = state.options().scheduler;
    std::int64_t budget = o.max_batch_tokens;
    while (const std::uint32_t* next = state.NextCandidate()) {
      if (state.RunningIn(engine) >= o.max_running) break;
      const std::uint32_t slot = *next;
      // A prompt longer than the budget still runs, alone.
      if (!plan->empty() && state.seq(slot).prefill_target > budget) break;
      // First come, first served: no overtaking.
      if (!CapacityAllows(state, slot) || !state.Admit(slot, engine, now)) break;
      state.PopCandidate();
      const Seq& s = state.seq(slot);
      state.AddPrefill(plan, slot, s.prefill_target - s.prefilled);
      budget -= s.prefill_target - s.prefilled;
    }
    if (!plan->empty()) return;
    PlanDecodes(state, engine, plan, nullptr);
    if (!plan->empty()) group_left_[e] = o.steps_per_schedule - 1;
  }

 private:
  // Per engine: decode iterations left in the current multi-step group.
  std::vector<std::int64_t> group_left_;
};

}  // namespace

std::unique_ptr<Scheduler> MakeContinuousScheduler() { return std::make_unique<ContinuousScheduler>(); }

}  // namespace fleetlab
