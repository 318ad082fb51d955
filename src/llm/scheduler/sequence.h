// Seq: one request's life inside an LLM replica.
#pragma once

#include <cstdint>

#include "fleetlab/llm/perf_model.h"
#include "fleetlab/time.h"
#include "fleetlab/workload/request.h"

namespace fleetlab {

enum class SeqState : std::uint8_t { kWaiting, kRunning, kSwapped, kDone };

struct Seq {
  Request request;
  std::int64_t prompt = 0;   // prompt tokens
  std::int64_t output = 0;   // output tokens to produce in all
  // Tokens that must be in the KV cache before decoding: the prompt, or
  // after a recompute preemption the prompt plus the tokens generated.
  std::int64_t prefill_target = 0;
  std::int64_t prefilled = 0;  // of prefill_target, computed or found cached
  std::int64_t generated = 0;  // output tokens produced so far
  std::int64_t kv_tokens = 0;  // tokens in the KV cache (0 when not admitted)
  // What the allocator was last told (kv_tokens - kv_told tokens grew within
  // the slots it had already allocated, kv_room: ReplicaState::GrowOrPreempt).
  std::int64_t kv_told = 0, kv_room = 0;
  SimTime scheduled = -1;      // first admitted to an iteration
  SimTime first_token = -1;
  SimTime last_token = -1;
  int preemptions = 0;
  bool pinned = false;      // past its preemption budget: never chosen as a victim again
  bool measured = true;
  // Decode role: the prompt's KV arrived with the request (computed by a
  // prefill replica), so admission marks it prefilled. Cleared when a
  // recompute preemption drops that KV.
  bool kv_shipped = false;
  SeqState state = SeqState::kWaiting;
  int engine = -1;          // virtual engine (pipeline micro-batch slot) it runs on
  StepBreakdown ttft_parts;  // iterations its prefill took part in, until the first token

  bool prefill_done() const { return prefilled >= prefill_target; }
  bool finished() const { return generated >= output; }
  std::int64_t context() const { return prefilled + generated; }
};

}  // namespace fleetlab
