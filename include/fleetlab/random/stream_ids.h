// StreamId: every source of randomness in a run, declared once. Each id's
// name seeds its stream (RandomStreams::Stream hashes it), so a name here
// must never change: changing one reshuffles every run that draws from it.
// A new source is a new line here, never a string at the call site, so a
// typo cannot silently open a fresh stream.
#pragma once

#include "fleetlab/util/enum_names.h"

namespace fleetlab {

enum class StreamId {
  kArrivals,         // open-loop gaps between arrivals
  kThinkTime,        // closed-loop users' think times
  kSizes,            // prompt and output lengths
  kPrefix,           // shared-prefix groups
  kClasses,          // each request's workload class
  kRouting,          // a fleet's router (index: the path stage's first stream)
  kPrefillRouting,   // the disaggregated prefill pool's router
  kDecodeRouting,    // the disaggregated decode pool's router
  kService,          // station service times (index: the station)
  kAcceptance,       // speculative-decoding acceptance (index: the replica)
  kNetwork,          // a request path's links (index: the link)
  kUnloadedLatency,  // the frontier's unloaded-latency probe
  kSweepSample,      // a sampled sweep's points
  kCompareArrivals,  // `compare`'s vLLM-bench arrival gaps
  kValidationSample, // `validate`'s requests drawn from a point's length dataset
};

inline constexpr auto kStreamIdNames = MakeEnumNames<StreamId>({
    {StreamId::kArrivals, "arrivals"},
    {StreamId::kThinkTime, "think_time"},
    {StreamId::kSizes, "sizes"},
    {StreamId::kPrefix, "prefix"},
    {StreamId::kClasses, "classes"},
    {StreamId::kRouting, "routing"},
    {StreamId::kPrefillRouting, "prefill_routing"},
    {StreamId::kDecodeRouting, "decode_routing"},
    {StreamId::kService, "service"},
    {StreamId::kAcceptance, "acceptance"},
    {StreamId::kNetwork, "network"},
    {StreamId::kUnloadedLatency, "unloaded_latency"},
    {StreamId::kSweepSample, "sweep_sample"},
    {StreamId::kCompareArrivals, "compare_arrivals"},
    {StreamId::kValidationSample, "validation_sample"},
});

}  // namespace fleetlab
