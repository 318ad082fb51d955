#include <algorithm>

#include "llm/scheduler/scheduler.h"

namespace fleetlab {

bool CapacityAllows(const ReplicaState& state, std::uint32_t slot) {
  if (state.options().scheduler.capacity != CapacityPolicy::kGuaranteedNoEvict) return true;
  const std::int64_t committed = state.FinalTokens(state.seq(slot)) + state.RunningFinalTokens();
  return committed <= state.kv().Usage().capacity.value();
}

void SwapInWhatFits(ReplicaState& state, int engine, IterationPlan* plan) {
  auto& swapped = state.swapped();
  while (!swapped.empty() && state.RunningIn(engine) < state.options().scheduler.max_running) {
    if (!state.SwapIn(swapped.front(), engine, &plan->stall_s)) break;
    swapped.pop_front();
  }
}

void AdmitShipped(ReplicaState& state, int engine, SimTime now) {
  while (const std::uint32_t* next = state.NextCandidate()) {
    if (!state.seq(*next).kv_shipped || state.RunningIn(engine) >= state.options().scheduler.max_running) break;
    if (!state.Admit(*next, engine, now)) break;
    state.PopCandidate();
  }
}

void PlanDecodes(ReplicaState& state, int engine, IterationPlan* plan, std::int64_t* token_budget) {
  if (!state.options().speculative.enabled) {
    if (token_budget == nullptr) return state.PlanPlainDecodes(engine, plan);
    // Every running sequence fits the budget (one token each): none can be
    // left out, so the plain path plans the same, cohort and all.
    if (state.RunningIn(engine) <= *token_budget) {
      const std::int64_t before = plan->shape.decode_tokens;
      state.PlanPlainDecodes(engine, plan);
      *token_budget -= plan->shape.decode_tokens - before;
      return;
    }
    state.DissolveCohort(engine);  // the budget may stop the loop part-way: everyone is visited
  }
  auto& list = state.running(engine);
  for (std::size_t i = 0; i < list.size();) {
    const std::uint32_t slot = list[i];
    const Seq& s = state.seq(slot);
    if (!s.prefill_done() || s.finished()) {
      ++i;
      continue;
    }
    std::int64_t produced = 0, processed = 0;
    state.DecodeStep(s, &produced, &processed);
    if (token_budget != nullptr && processed > *token_budget) break;
    const std::size_t before = list.size();
    if (!state.GrowOrPreempt(slot, produced, engine, i, &plan->stall_s)) {
      if (list.size() == before) ++i;  // pinned and stuck: skip it this iteration
      continue;                          // it was preempted: list[i] is now the next one
    }
    state.AddDecode(plan, slot, produced, processed);
    if (token_budget != nullptr) *token_budget -= processed;
    ++i;
  }
}

}  // namespace fleetlab
