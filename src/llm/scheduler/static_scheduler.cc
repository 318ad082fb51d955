// Static batching: when the engine is free, it takes whatever waits (up to
// max_batch) as one batch and runs it until its longest request ends.
#include "llm/scheduler/request_batching.h"

namespace fleetlab {
namespace {

class StaticScheduler final : public RequestBatchingScheduler {
 protected:
  bool ShouldStart(ReplicaState& state, SimTime, SimTime*) const override {
    return state.NextCandidate() != nullptr;
  }
};

}  // namespace

std::unique_ptr<Scheduler> MakeStaticScheduler() { return std::make_unique<StaticScheduler>(); }

}  // namespace fleetlab
