// ReplicaPool: N LLM replicas, each with its load probe and its completion
// tally, and the optional router in front of them — the LLM fleet of a
// co-located system, and each pool of a disaggregated one. After the run it
// gives the pool's figures: capacity, time averages, the combined LLM report
// (fleet/llm_merge.h) and the per-replica fleet figures.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "fleet/completion_tally.h"
#include "fleet/load_board.h"
#include "fleet/replica_probe.h"
#include "fleet/router.h"
#include "fleetlab/engine/simulator.h"
#include "fleetlab/fleet/disaggregation_report.h"
#include "fleetlab/fleet/options.h"
#include "fleetlab/llm/replica.h"
#include "fleetlab/llm/replica_options.h"
#include "fleetlab/random/rng.h"
#include "fleetlab/status.h"

namespace fleetlab {

class ReplicaPool {
 public:
  // `horizon`: the expected measurement window (0 if unknown), passed to
  // each replica's ResetStatistics.
  explicit ReplicaPool(SimDuration horizon);
  ~ReplicaPool();
  ReplicaPool(const ReplicaPool&) = delete;
  ReplicaPool& operator=(const ReplicaPool&) = delete;

  // Builds the next replica from `o` (drawing from streams index
  // `stream_index`, LlmReplica::Create) and attaches it to `sim`; its
  // completions and drops reach `next` through the pool's tally. Returns
  // it, or why it could not be built. `perf`: a performance model shared
  // by replicas of the same hardware (SharedPerf), or null for the
  // replica's own. REQUIRES: no Route yet; next, streams and sim outlive the
  // pool; perf null or built from o.hardware.
  // `o` may be shared by all the pool's identical replicas (one copy in
  // cache for the fleet). Only the first replica samples series: the
  // pool's report shows its. REQUIRES: o not null.
  Result<LlmReplica*> Add(std::shared_ptr<const ReplicaOptions> o, const RandomStreams& streams,
                          std::uint64_t stream_index, CompletionListener* next, Simulator& sim,
                          std::shared_ptr<const PerfModel> perf = nullptr);
  // The performance model of `count` replicas of `o`, built once to be
  // shared (Add): null for a single replica, or if it cannot be built (the
  // replica's own Create then reports why).
  static std::shared_ptr<const PerfModel> SharedPerf(const ReplicaOptions& o, std::uint32_t count);
  // Puts a router in front of the replicas and attaches it. `fronts`, if
  // not empty, holds what the router sends to in place of each replica
  // (same order); loads are still read from the replicas.
  // REQUIRES: size() > 0; called at most once; fronts empty or of size().
  void Route(const RouterOptions& o, Rng rng, Simulator& sim, const std::vector<RequestTarget*>& fronts = {});

  // Where requests enter: the router, or replica 0 when unrouted.
  // REQUIRES: size() > 0.
  RequestTarget* entry() const;
  Router* router() const { return router_.get(); }
  std::size_t size() const { return replicas_.size(); }
  // REQUIRES: i < size().
  LlmReplica& replica(std::size_t i) const { return *replicas_[i]; }

  // Requests in the pool now (running + queued, every replica).
  double InSystemNow() const;
  // Restarts every replica's statistics and every tally at `now`.
  void ResetStatistics(SimTime now);
  // Ends every replica's rates and time averages at `now`.
  void CloseWindow(SimTime now);

  // The replicas' estimated capacities summed (requests/s), each request
  // served in `part` (LlmReplica::EstimateCapacity).
  double Capacity(double mean_prompt, double mean_output, const ServedPart& part = {}) const;
  // Adds each replica's time-averaged queue length and requests in system,
  // in replica order, to `*queue` and `*in_system` (nothing if window_s <= 0).
  void AddTimeAverages(SimTime end, double window_s, double* queue, double* in_system) const;
  // The pool's combined LLM report (the lone replica's when size() == 1)
  // and its fleet figures (router fields from Route's options, if routed).
  // REQUIRES: size() > 0.
  PoolReport Report(SimTime end, double window_s) const;

 private:
  SimDuration horizon_;
  std::vector<std::unique_ptr<LlmReplica>> replicas_;
  std::vector<std::unique_ptr<ReplicaProbe>> probes_;
  std::vector<std::unique_ptr<CompletionTally>> tallies_;
  RouterOptions router_options_;
  std::unique_ptr<Router> router_;
};

}  // namespace fleetlab
