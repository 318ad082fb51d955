// Chunked prefill (Sarathi-Serve, OSDI 2024): every iteration has a token
// budget; decodes take their tokens first, then prefills fill the rest in
// chunks, so a long prompt never stalls the running decodes for a whole
// prefill. KV for a prompt is allocated whole when it is admitted. With
// chunk_prompts off, prompts join only whole: TensorRT-LLM's in-flight
// batching without chunked context (decodes and whole context phases mixed).
#include <algorithm>

#include "llm/scheduler/scheduler.h"

namespace fleetlab {
namespace {

class ChunkedPrefillScheduler final : public Scheduler {
 public:
  void Plan(ReplicaState& state, int engine, SimTime now, IterationPlan* plan, SimTime*) override {
    plan->Clear();
    SwapInWhatFits(state, engine, plan);
    AdmitShipped(state, engine, now);  // decode role: nothing to prefill
    const SchedulerOptions& o = state.options().scheduler;
    std::int64_t budget = o.max_batch_tokens;
    PlanDecodes(state, engine, plan, &budget);
    for (const std::uint32_t slot : state.running(engine)) {  // prompts already part-way through
      if (budget <= 0) break;
      if (state.InCohort(slot)) continue;  // decoding: prefilled long ago (and its Seq stays cold)
      const Seq& s = state.seq(slot);
      if (s.prefill_done()) continue;
      const std::int64_t chunk = std::min(s.prefill_target - s.prefilled, budget);
      state.AddPrefill(plan, slot, chunk);
      budget -= chunk;
    }
    while (budget > 0 && state.RunningIn(engine) < o.max_running) {
      const std::uint32_t* next = state.NextCandidate();
      if (next == nullptr) break;
      const std::uint32_t slot = *next;
      const Seq& q = state.seq(slot);
      // Without chunking a prompt joins only whole (alone if it exceeds the budget).
      if (!o.chunk_prompts && q.prefill_target - q.prefilled > budget && !plan->empty()) break;
      if (!CapacityAllows(state, slot) || !state.Admit(slot, engine, now)) break;
      state.PopCandidate();
      const Seq& s = state.seq(slot);
      const std::int64_t left = s.prefill_target - s.prefilled;
      const std::int64_t chunk = o.chunk_prompts ? std::min(left, budget) : left;
      state.AddPrefill(plan, slot, chunk);
      budget -= chunk;
    }
  }
};

}  // namespace

std::unique_ptr<Scheduler> MakeChunkedPrefillScheduler() { return std::make_unique<ChunkedPrefillScheduler>(); }

}  // namespace fleetlab
