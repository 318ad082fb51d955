// Timeline: a Chrome/Perfetto trace of an LLM replica run (the JSON "Trace
// Event Format", which chrome://tracing and ui.perfetto.dev open): each
// pipeline slot's iterations with their batch, and each request's queueing,
// prefill and decode, with its preemptions. Bounded: at most max_requests
// requests and max_iterations iterations are kept. Compact: an iteration's
// breakdown parts are rounded to 4 significant digits and zero parts left
// out (the command line gzips the file when its name ends in .gz).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetlab/llm/perf_model.h"
#include "fleetlab/time.h"

namespace fleetlab {

class Timeline {
 public:
  struct Limits {
    std::uint64_t max_requests = 2000;     // requests with id below this are traced
    std::uint64_t max_iterations = 200000;
  };
  Timeline() = default;
  explicit Timeline(Limits limits) : limits_(limits) {}

  void OnIteration(int engine, SimTime start, SimTime end, std::int64_t prefill_tokens,
                   std::int64_t decode_tokens, std::int64_t sequences, const StepBreakdown& b);
  // A request's phases once it is done (first_token/last_token < 0: never reached).
  void OnRequest(std::uint64_t id, SimTime arrival, SimTime scheduled, SimTime first_token, SimTime last_token,
                 std::int64_t prompt, std::int64_t output, bool completed);
  void OnPreempted(std::uint64_t id, SimTime at, bool swapped);

  // The trace as JSON ({"traceEvents": [...], "displayTimeUnit": "ms"}).
  nlohmann::json ToJson() const;

 private:
  Limits limits_;
  std::vector<nlohmann::json> events_;
  std::uint64_t iterations_ = 0;
};

}  // namespace fleetlab
