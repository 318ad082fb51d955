// The iteration-level scheduling policies of an LLM replica
// (src/llm/scheduler/*_scheduler.cc, one per file).
#pragma once

#include "fleetlab/util/enum_names.h"

namespace fleetlab {

enum class BatchingPolicy {
  kStatic,          // a batch of max_batch waits to fill, then runs until its longest request ends
  kDynamic,         // like static, but starts when max_batch wait or the oldest waited batch_window
  kContinuous,      // iteration-level joins and leaves; prefills run first (vLLM V0)
  kChunkedPrefill,  // one token budget per iteration shared by decodes and prefill chunks (Sarathi-Serve, vLLM V1)
};
inline constexpr auto kBatchingPolicyNames = MakeEnumNames<BatchingPolicy>({
    {BatchingPolicy::kStatic, "static"},
    {BatchingPolicy::kDynamic, "dynamic"},
    {BatchingPolicy::kContinuous, "continuous"},
    {BatchingPolicy::kChunkedPrefill, "chunked_prefill"},
});

}  // namespace fleetlab
