#include <algorithm>

#include "llm/scheduler/scheduler.h"

namespace fleetlab {
namespace {

std::int64_t WholeBlocks(std::int64_t tokens, std::int64_t block) { return (tokens + block - 1) / block * block; }

}  // namespace

bool CapacityAllows(const ReplicaState& state, std::uint32_t slot) {
  const ReplicaOptions& o = state.options();
  if (o.scheduler.capacity != CapacityPolicy::kGuaranteedNoEvict) return true;
  const std::int64_t block = std::max<std::int64_t>(1, o.kv.cache.block_tokens.value());
  const auto final_tokens = [&](std::uint32_t s) {
    const Seq& q = state.seq(s);
    return WholeBlocks(q.prompt + q.output, block);
  };
  std::int64_t committed = final_tokens(slot);
  for (int e = 0; e < state.engines(); ++e) {
    for (const std::uint32_t s : state.running_list(e)) committed += final_tokens(s);
  }
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
  if (token_budget == nullptr && !state.options().speculative.enabled) return state.PlanPlainDecodes(engine, plan);
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
