// RequestLog: one record per request as it leaves the system (completed,
// failed or refused), for per-request output (`fleetlab run --requests`,
// docs/report.md "Per-request output"). Records are handed over as they
// happen and not kept: a log that writes them out keeps the run's memory
// where it was.
#pragma once

#include <cstdint>

#include "fleetlab/time.h"

namespace fleetlab {

// Where in a disaggregated system the record was made.
enum class RequestPool : std::uint8_t { kNone, kPrefill, kDecode };

struct RequestRecord {
  std::uint64_t id = 0;      // arrival order, from 0
  bool measured = true;      // false for warm-up requests
  bool completed = true;     // false: failed or refused (dropped)
  RequestPool pool = RequestPool::kNone;
  std::int64_t replica = -1;  // the replica that finished it (a fleet's index; -1: not known)
  SimTime arrival = 0;
  SimTime scheduled = -1;    // first admitted to an iteration / entered service (-1: never)
  SimTime first_token = -1;  // LLM only (-1: never)
  SimTime end = 0;           // when it left
  std::int64_t prompt_tokens = 0, output_tokens = 0;  // output: tokens produced
  int preemptions = 0;
};

class RequestLog {
 public:
  virtual ~RequestLog() = default;
  // Called once per request and part (a disaggregated request: its prefill
  // part, then its decode part), in simulated time order, from the run's
  // thread.
  virtual void OnRequest(const RequestRecord& record) = 0;
};

}  // namespace fleetlab
