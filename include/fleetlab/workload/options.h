// WorkloadOptions: what load is offered to the system, and for how long.
// Parsed and validated from a scenario's "workload" object (scenario/).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>
#include <string>

#include "fleetlab/random/distribution.h"
#include "fleetlab/workload/rate_profile.h"
#include "fleetlab/workload/trace.h"

namespace fleetlab {

enum class ArrivalKind { kPoisson, kGamma, kDeterministic, kOnOff, kTrace };

struct OnOffOptions {
  // Mean length of a burst (on) and of a lull (off); both exponential.
  // Change them to set how long bursts last relative to the service time.
  double mean_on_s = 1.0;
  double mean_off_s = 1.0;
  // Arrival rate while off, as a fraction of the rate while on. 0 is a pure
  // on/off source (interrupted Poisson); 1 is plain Poisson.
  double off_rate_fraction = 0.0;
};

struct ArrivalOptions {
  ArrivalKind kind = ArrivalKind::kPoisson;
  // Long-run mean arrival rate. For a trace, 0 replays its timestamps as
  // recorded; a positive rate rescales them to this mean rate.
  double rate_per_s = 90.0;
  // Gamma renewal only: CV of the inter-arrival gaps (1 = Poisson, 2 =
  // bursty). Change it to see burstiness move the knee (Kingman).
  double cv = 1.0;
  OnOffOptions on_off;
  // Poisson and gamma only: a time-varying rate (diurnal sinusoid, steps,
  // ramps) instead of the constant rate_per_s.
  RateProfileOptions profile;
  std::string trace_path;  // trace only
  // The trace's format (trace.h): one with arrival times.
  TraceFormat trace_format = TraceFormat::kFleetlab;
  // The part replayed (seconds after the trace's first request) and how much
  // faster than recorded; applied while the scenario is read.
  TraceWindow window;
  // Mooncake traces: prompt tokens per hash id (the trace's KV block size;
  // 512 in the published traces). Change it only for a trace made so.
  std::int32_t hash_block_tokens = 512;
};


// A class of requests in a mixed workload (chat, code, summarisation, ...):
// its share of the arrivals, its lengths and its objectives, reported on
// its own (docs/scenario.md, "workload.classes").
struct WorkloadClass {
  std::string name;
  double share = 1;  // relative weight; a request is of this class with share / total
  Distribution prompt_tokens = Distribution::Lognormal(512, 1.0);
  Distribution output_tokens = Distribution::Lognormal(256, 1.0);
  // Objectives for this class's attainment (0: none). Change them to judge
  // each class by its own latency target.
  double ttft_slo_s = 0, tpot_slo_s = 0, e2e_slo_s = 0;
};

// Request sizes for LLM serving (the generic station ignores them).
struct RequestSizeOptions {
  // Defaults resemble chat traffic (ShareGPT-like: prompts of a few hundred
  // tokens, answers of a couple of hundred, both long-tailed). Samples are
  // rounded to whole tokens, at least 1. A trace's own sizes replace them.
  Distribution prompt_tokens = Distribution::Lognormal(512, 1.0);
  Distribution output_tokens = Distribution::Lognormal(256, 1.0);
  // Shared prefixes: each request joins one of `prefix_groups` groups
  // (uniformly at random) whose first `prefix_tokens` prompt tokens are
  // identical (a system prompt). Sampled prompts get the prefix prepended;
  // a trace's prompts are taken to begin with it. 0 groups: none.
  std::uint32_t prefix_groups = 0;
  std::int64_t prefix_tokens = 0;
  // Conversations: with turns > 1 each group is a conversation whose next
  // request's shared prefix is its previous request's prompt and answer
  // (what prefix caching reuses across turns); after `turns` requests the
  // group starts a new conversation (a new prefix group) from the system
  // prompt. In an open loop a turn may arrive before the previous one has
  // finished; a closed loop keeps them in order only per user, not per
  // conversation.
  std::uint32_t turns = 1;
  // Lengths from a dataset (workload.dataset) instead of the two
  // distributions: each request takes one record's prompt and output
  // lengths, uniformly at random with replacement (stream "sizes"). Shared
  // and immutable, so copies of the options are cheap. Null: none.
  std::shared_ptr<const std::vector<TraceRecord>> dataset;
  // Classes of requests (workload.classes): each request is of one, drawn
  // by share (stream "classes"), with the class's lengths instead of the two
  // distributions above. Empty: one unnamed class.
  std::vector<WorkloadClass> classes;
};

struct ClosedLoopOptions {
  // Concurrent users; each sends its next request when its previous one
  // returns, after a think time. This is how serving benchmarks usually run.
  std::uint32_t users = 1;
  Distribution think_time_s = Distribution::Deterministic(0.0);
};

enum class LoadMode { kOpen, kClosed };

struct WorkloadOptions {
  LoadMode mode = LoadMode::kOpen;
  ArrivalOptions arrival;     // open loop only
  ClosedLoopOptions closed;   // closed loop only
  RequestSizeOptions sizes;
  // Requests to send in all (warm-up included). Ignored when duration_s > 0.
  std::uint64_t requests = 50'000;
  // The first requests are excluded from statistics while the system fills.
  std::uint64_t warmup_requests = 1'000;
  // > 0: send requests until this much simulated time has passed, then stop.
  double duration_s = 0.0;
};

}  // namespace fleetlab
