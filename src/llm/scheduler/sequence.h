// Seq: one request's life inside an LLM replica.
#pragma once

#include <cstdint>

#include "fleetlab/llm/perf_model.h"
#include "fleetlab/time.h"
#include "fleetlab/workload/request.h"

namespace fleetlab {

enum class SeqState : std::uint8_t { kWaiting, kRunning, kSwapped, kDone };

// The fields every decode step reads or writes come first, in one 64-byte
// cache line, and those of a block crossing in the second (sequence_test.cc
// checks): a fleet's replicas together hold more sequences than the caches
// do. The rest of the request and the prefill's breakdown follow.
struct alignas(64) Seq {
  // Output tokens to produce in all (at most max_model_len, <= 1e8).
  std::int32_t output = 0;
  // Of the generated tokens, those recomputed as prompt after a recompute
  // preemption (they are in prefill_target, so context() counts them once).
  std::int32_t folded = 0;
  // Tokens that must be in the KV cache before decoding: the prompt, or
  // after a recompute preemption the prompt plus the tokens generated.
  std::int64_t prefill_target = 0;
  std::int64_t prefilled = 0;  // of prefill_target, computed or found cached
  std::int64_t generated = 0;  // output tokens produced so far
  std::int64_t kv_tokens = 0;  // tokens in the KV cache (0 when not admitted)
  // The length kv_tokens may grow to without telling the allocator: the
  // slots it has allocated, up to the final length prompt + output
  // (ReplicaState::GrowOrPreempt).
  std::int64_t kv_room = 0;
  SimTime last_token = -1;
  int engine = -1;          // virtual engine (pipeline micro-batch slot) it runs on
  SeqState state = SeqState::kWaiting;
  bool measured = true;
  bool pinned = false;      // past its preemption budget: never chosen as a victim again
  // Decode role: the prompt's KV arrived with the request (computed by a
  // prefill replica), so admission marks it prefilled. Cleared when a
  // recompute preemption drops that KV.
  bool kv_shipped = false;
  // The fields a block crossing or a cohort's due visit reads or writes
  // (ReplicaState::CrossBlock, Told, DecodeCohort::PopDue, Rebase) follow
  // in the second line, the request's id (the KV allocator's key) with them.
  // DecodeCohort membership (0: none) and the planned step it joined at;
  // while a member, generated, kv_tokens and last_token are as of then.
  std::uint64_t cohort_id = 0;
  std::int64_t cohort_base = 0;
  // When it last joined its engine's running list (ReplicaState's counter):
  // the list is in this order.
  std::uint64_t running_order = 0;
  std::int64_t kv_told = 0;  // what the allocator was last told (kv_tokens - kv_told grew untold)
  std::int64_t prompt = 0;   // prompt tokens
  Request request;
  SimTime scheduled = -1;      // first admitted to an iteration
  SimTime first_token = -1;
  int preemptions = 0;
  // Keep the KV when done, until LlmReplica::ReleaseKv (first_token_only).
  bool keep_kv = false;
  // Output tokens made before this replica (ServedPart::prefilled: 1).
  std::int64_t made_before = 0;
  StepBreakdown ttft_parts;  // iterations its prefill took part in, until the first token

  bool prefill_done() const { return prefilled >= prefill_target; }
  bool finished() const { return generated >= output; }
  // Tokens in the KV cache once the computed ones are: the prompt (and
  // recomputed output) computed so far, and the output made since.
  std::int64_t context() const { return prefilled + generated - folded; }
};

}  // namespace fleetlab
