// Request-level batching, shared by the static and dynamic policies: a batch
// is formed when the engine is free, prefilled, then decoded until its
// longest request ends. Finished requests stay in the batch as padding (the
// engine still computes their slot), and new requests wait for the next
// batch. This is what iteration-level scheduling (Orca) fixed.
#pragma once

#include "llm/scheduler/scheduler.h"

namespace fleetlab {

class RequestBatchingScheduler : public Scheduler {
 public:
  void Plan(ReplicaState& state, int engine, SimTime now, IterationPlan* plan, SimTime* wake_at) final;
  bool ReleasesFinishedAtOnce() const final { return false; }

 protected:
  // Whether a new batch should start now; if not, may set *wake_at.
  virtual bool ShouldStart(ReplicaState& state, SimTime now, SimTime* wake_at) const = 0;

 private:
  void FormBatch(ReplicaState& state, int engine, SimTime now);
  void PlanBatchDecodes(ReplicaState& state, int engine, IterationPlan* plan);
};

}  // namespace fleetlab
