// Request: one unit of work flowing through a simulated system.
#pragma once

#include <cstdint>

#include "fleetlab/time.h"

namespace fleetlab {

struct Request {
  std::uint64_t id = 0;        // arrival order, from 0
  SimTime arrival = 0;         // when it entered the system
  std::int32_t prompt_tokens = 0;  // from a trace; 0 when the workload has no sizes
  std::int32_t output_tokens = 0;
  std::uint32_t user = 0;      // closed loop: the user who sent it
  std::uint32_t prefix_group = 0;  // requests of one group share their first prefix_tokens
  std::int32_t prefix_tokens = 0;
  // A trace's prefix blocks (Mooncake hash_ids): block i of the prompt's
  // first prefix_hash_count x prefix_hash_tokens tokens is the id
  // prefix_hashes[i]; equal ids mean equal prefixes up to that block. Null
  // when the request has none (then prefix_group keys its prefix).
  const std::uint64_t* prefix_hashes = nullptr;
  std::uint32_t prefix_hash_count = 0;
  std::uint32_t prefix_hash_tokens = 0;
  bool measured = true;        // false for warm-up requests (excluded from statistics)
  std::uint16_t request_class = 0;  // index into workload.classes (0 without classes)
  // When its first output token was made (an LLM replica sets it before
  // reporting the completion); -1 when not known (a generic station).
  SimTime first_token = -1;
  // Along a request path (path/): when it entered its current stage, and the
  // time it has spent waiting in queues so far.
  SimTime entered = 0;
  SimDuration queued = 0;
};

// Anything that accepts requests (a station, later a router or replica).
class RequestTarget {
 public:
  virtual ~RequestTarget() = default;
  virtual void Submit(class Simulator& sim, const Request& request) = 0;
};

// Told when a request leaves the system.
// A listener may call back into the system from these calls (submit the
// request's next part, free what it held): whoever calls a listener is ready
// for that, with its own state consistent at the call (LlmReplica plans its
// next iteration only once the finished one's requests are all handed on).
class CompletionListener {
 public:
  virtual ~CompletionListener() = default;
  // `service_start` is when the request left the queue (entered service).
  virtual void OnCompleted(class Simulator& sim, const Request& request, SimTime service_start) = 0;
  // The request was refused because the queue was full.
  virtual void OnDropped(class Simulator& sim, const Request& request) = 0;
};

}  // namespace fleetlab
