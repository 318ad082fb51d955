#include "llm/scheduler/scheduler.h"

namespace fleetlab {

std::unique_ptr<Scheduler> MakeContinuousScheduler();
std::unique_ptr<Scheduler> MakeChunkedPrefillScheduler();
std::unique_ptr<Scheduler> MakeStaticScheduler();
std::unique_ptr<Scheduler> MakeDynamicScheduler();

std::unique_ptr<Scheduler> MakeScheduler(BatchingPolicy policy) {
  switch (policy) {
    case BatchingPolicy::kStatic: return MakeStaticScheduler();
    case BatchingPolicy::kDynamic: return MakeDynamicScheduler();
    case BatchingPolicy::kContinuous: return MakeContinuousScheduler();
    case BatchingPolicy::kChunkedPrefill: return MakeChunkedPrefillScheduler();
  }
  return MakeContinuousScheduler();
}

}  // namespace fleetlab
