// Dynamic batching (request level, as in Triton Inference Server): a batch
// starts when max_batch requests wait or the oldest has waited
// batch_window; it then runs until its longest request ends.
#include "llm/scheduler/request_batching.h"

namespace fleetlab {
namespace {

class DynamicScheduler final : public RequestBatchingScheduler {
 protected:
  bool ShouldStart(ReplicaState& state, SimTime now, SimTime* wake_at) const override {
    const SchedulerOptions& o = state.options().scheduler;
    if (!state.resumable().empty()) return true;
    if (state.waiting().empty()) return false;
    if (static_cast<std::int64_t>(state.waiting().size()) >= o.max_batch) return true;
    const SimTime deadline = state.seq(state.waiting().Front()).request.arrival + SecondsToNs(o.batch_window_s);
    if (now >= deadline) return true;
    *wake_at = deadline;
    return false;
  }
};

}  // namespace

std::unique_ptr<Scheduler> MakeDynamicScheduler() { return std::make_unique<DynamicScheduler>(); }

}  // namespace fleetlab
