// DisaggSystem: a disaggregated LLM serving system — a prefill pool and a
// decode pool of LLM replicas, each behind its own router, and the KV link
// between them. A request enters the prefill router; its prefill replica
// makes the first token and hands it on; the prompt's KV crosses the link
// (its blocks stay allocated on the prefill replica until the last byte has
// left, then are freed); the decode router picks a decode replica, which
// allocates the prompt's blocks on admission and decodes the rest. Built by
// the runner (runner/disaggregated.h) when a scenario has "disaggregation".
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "disagg/kv_link.h"
#include "fleet/replica_pool.h"
#include "fleetlab/engine/simulator.h"
#include "fleetlab/fleet/disaggregation_options.h"
#include "fleetlab/llm/replica.h"
#include "fleetlab/request_log.h"
#include "fleetlab/llm/timeline.h"
#include "fleetlab/random/rng.h"
#include "fleetlab/report.h"
#include "fleetlab/status.h"
#include "fleetlab/workload/options.h"

namespace fleetlab {

class DisaggSystem final : public KvLinkSink {
 public:
  // Builds both pools, their routers (streams "prefill_routing" and
  // "decode_routing") and the link, and attaches them to `sim`. Prefill
  // replica i draws from Stream(StreamId::kAcceptance, i), decode replica j from
  // Stream(StreamId::kAcceptance, prefill.replicas + j). `listener` hears each
  // request once: completed at the decode side (service_start = its
  // admission to a prefill iteration) or dropped by either pool. Fails,
  // naming the pool, if a replica cannot be built. `kv_heatmap` samples
  // the block map of decode replica 0, whose heatmap the report carries.
  // REQUIRES: o validated; listener, streams, sim and timeline (may be null;
  // shows prefill replica 0) outlive the system.
  static Result<std::unique_ptr<DisaggSystem>> Build(const DisaggregationOptions& o, const RandomStreams& streams,
                                                     Simulator& sim, CompletionListener* listener,
                                                     Timeline* timeline, bool kv_heatmap, SimDuration horizon,
                                                     RequestLog* log = nullptr);
  ~DisaggSystem() override;

  RequestTarget* target() const { return prefill_.entry(); }
  // Requests in the system now: in either pool or on the link.
  double InSystemNow() const;
  void ResetStatistics(SimTime now);
  // Ends both pools' rates and time averages at `now` (the last arrival).
  void CloseWindow(SimTime now);
  // Fills the report's engine fields (capacity: the smaller pool's; queues:
  // sums; utilisation: GPU-weighted busy fraction), its merged LLM part and
  // its "disaggregation" part. REQUIRES: r->window_s is set.
  void Fill(const RequestSizeOptions& sizes, SimTime end, Report* r) const;

  void OnTransferred(Simulator& sim, const Request& request, std::uint32_t source) override;

 private:
  class PrefillExit;
  class PrefillEntry;
  class DecodeEntry;
  class DecodeExit;
  // What the decode side needs of a request's prefill.
  struct Handoff {
    SimTime prefill_start = 0, first_token = 0;
  };
  DisaggSystem(const DisaggregationOptions& o, CompletionListener* listener, SimDuration horizon);
  Status BuildPrefill(const RandomStreams& streams, Simulator& sim);
  Status BuildDecode(const RandomStreams& streams, Simulator& sim);
  void OnPrefilled(Simulator& sim, std::uint32_t replica, const Request& request, SimTime service_start);
  void OnDecoded(Simulator& sim, const Request& request);
  void OnDropped(Simulator& sim, const Request& request);

  DisaggregationOptions options_;
  CompletionListener* listener_;
  double kv_bytes_per_token_;  // the whole model's, all layers and KV heads
  std::vector<std::unique_ptr<PrefillExit>> prefill_exits_;
  std::vector<std::unique_ptr<PrefillEntry>> prefill_entries_;
  std::vector<std::unique_ptr<DecodeEntry>> decode_entries_;
  std::unique_ptr<DecodeExit> decode_exit_;  // every decode replica's
  ReplicaPool prefill_, decode_;
  std::unique_ptr<KvLink> link_;
  std::unordered_map<std::uint64_t, Handoff> handoffs_;  // by request id, from first token to completion
};

}  // namespace fleetlab
