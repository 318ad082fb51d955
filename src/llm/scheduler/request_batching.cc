#include "llm/scheduler/request_batching.h"

#include <algorithm>
#include <vector>

namespace fleetlab {

void RequestBatchingScheduler::FormBatch(ReplicaState& state, int engine, SimTime now) {
  const SchedulerOptions& o = state.options().scheduler;
  for (std::int64_t n = 0; n < o.max_batch && state.RunningIn(engine) < o.max_running; ++n) {
    const std::uint32_t* next = state.NextCandidate();
    if (next == nullptr || !state.Admit(*next, engine, now)) break;
    state.PopCandidate();
  }
}

void RequestBatchingScheduler::PlanBatchDecodes(ReplicaState& state, int engine, IterationPlan* plan) {
  auto& list = state.running(engine);
  for (std::size_t i = 0; i < list.size();) {
    const std::uint32_t slot = list[i];
    const Seq& s = state.seq(slot);
    if (s.finished()) {  // padding: the slot is computed, nothing comes of it
      state.AddDecode(plan, slot, 0, 1);
      ++i;
      continue;
    }
    std::int64_t produced = 0, processed = 0;
    state.DecodeStep(s, &produced, &processed);
    const std::size_t before = list.size();
    if (!state.GrowOrPreempt(slot, produced, engine, i, &plan->stall_s)) {
      if (list.size() == before) ++i;
      continue;
    }
    state.AddDecode(plan, slot, produced, processed);
    ++i;
  }
}

void RequestBatchingScheduler::Plan(ReplicaState& state, int engine, SimTime now, IterationPlan* plan,
                                    SimTime* wake_at) {
  plan->Clear();
  auto& list = state.running(engine);
  const bool all_done = std::all_of(list.begin(), list.end(), [&](std::uint32_t s) { return state.seq(s).finished(); });
  if (all_done) {
    const std::vector<std::uint32_t> batch = list;  // Retire edits the list
    for (const std::uint32_t slot : batch) state.Retire(slot);
    if (state.swapped().empty() && !ShouldStart(state, now, wake_at)) return;
    SwapInWhatFits(state, engine, plan);
    FormBatch(state, engine, now);
  }
  std::int64_t budget = state.options().scheduler.max_batch_tokens;
  for (const std::uint32_t slot : list) {
    const Seq& s = state.seq(slot);
    if (s.prefill_done()) continue;
    const std::int64_t tokens = s.prefill_target - s.prefilled;
    if (!plan->empty() && tokens > budget) break;
    state.AddPrefill(plan, slot, tokens);
    budget -= tokens;
  }
  if (plan->empty()) PlanBatchDecodes(state, engine, plan);
}

}  // namespace fleetlab
