// LlmReplica: one LLM serving replica in the simulation — a model sharded
// over tp x pp GPUs, an iteration-level scheduler, a KV-cache manager, and
// (optionally) a speculative-decoding draft. One event per iteration of
// each pipeline micro-batch slot ("virtual engine"), never one per token.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "fleetlab/engine/simulator.h"
#include "fleetlab/llm/llm_report.h"
#include "fleetlab/llm/replica_options.h"
#include "fleetlab/random/rng.h"
#include "fleetlab/request_log.h"
#include "fleetlab/status.h"
#include "fleetlab/util/time_weighted.h"
#include "fleetlab/workload/request.h"

namespace fleetlab {

class ReplicaState;
class ReplicaStats;
class Timeline;
struct Seq;
class Scheduler;
struct IterationPlan;

// The part of a request's life a replica serves: all of it by default.
// Disaggregated serving (src/disagg/) composes two parts on two replicas
// with the same calls any caller could make: one serves up to the first
// token and keeps the KV for shipping; the other receives that KV and
// token and makes the rest. The replica knows nothing of pools or links.
struct ServedPart {
  // The prompt's KV and the first output token arrive with the request
  // (made elsewhere, at first_token_at): admission allocates the prompt's
  // KV blocks plus the next token's slot and computes no prefill; TPOT and
  // inter-token gaps count from first_token_at; TTFT is not recorded here.
  bool prefilled = false;
  SimTime first_token_at = 0;
  // Make only the first output token, then report the request done and
  // keep its KV allocated until ReleaseKv (also when that token was the
  // whole answer).
  bool first_token_only = false;
};

class LlmReplica final : public EventHandler, public RequestTarget {
 public:
  // Builds the replica's performance model, memory plan and KV cache.
  // Fails with a clear message if the model does not fit (naming what is
  // needed and what there is) or the sharding is invalid. `index` tells the
  // replicas of a fleet apart: replica i draws from Stream(StreamId::kAcceptance, i).
  // `perf`, if given, is the performance model to use, shared with other
  // replicas of the same hardware (one model, and its memo, in cache for a
  // whole fleet); otherwise the replica builds its own.
  // `options` may be shared by a fleet's identical replicas: one copy, in
  // cache for all of them, instead of one per replica.
  // REQUIRES: perf null or built from options.hardware (MakeRooflineModel);
  // options not null.
  static Result<std::unique_ptr<LlmReplica>> Create(std::shared_ptr<const ReplicaOptions> options,
                                                    const RandomStreams& streams, CompletionListener* listener,
                                                    std::uint64_t index = 0,
                                                    std::shared_ptr<const PerfModel> perf = nullptr);
  static Result<std::unique_ptr<LlmReplica>> Create(const ReplicaOptions& options, const RandomStreams& streams,
                                                    CompletionListener* listener, std::uint64_t index = 0,
                                                    std::shared_ptr<const PerfModel> perf = nullptr) {
    return Create(std::make_shared<const ReplicaOptions>(options), streams, listener, index, std::move(perf));
  }
  ~LlmReplica() override;

  // Registers with `sim`. REQUIRES: called once, before the run.
  void Attach(Simulator& sim);
  // Records iterations and request phases into `timeline` (not owned; may
  // be null). REQUIRES: timeline outlives the run.
  void SetTimeline(Timeline* timeline) { timeline_ = timeline; }
  // Hands every request that leaves this replica (completed, failed or
  // refused) to `log` (not owned; may be null) as replica `index` of `pool`.
  // REQUIRES: log outlives the run.
  void SetRequestLog(RequestLog* log, std::int64_t index, RequestPool pool) {
    request_log_ = log;
    log_index_ = index;
    log_pool_ = pool;
  }
  // Samples the KV block map into the report's heatmap (LlmReport::heatmap)
  // with the other series. Off by default: only one replica's heatmap
  // reaches a report, and on a large cache the map is the costly part of
  // the series. REQUIRES: called before the run.
  void SetKvHeatmap(bool on);
  // Samples the queue and KV series (LlmReport::queue_series). On by
  // default; a pool turns it off on every replica but the one whose series
  // its report shows, so the others spend neither time nor memory on rows
  // nobody reads. REQUIRES: called before the run.
  void SetSeries(bool on);

  // Takes a new request and serves the whole of it: Serve(sim, request, {}).
  void Submit(Simulator& sim, const Request& request) override;
  // Takes a new request and serves `part` of its life (ServedPart). The
  // listener hears OnCompleted when that part is done.
  // REQUIRES: part.prefilled implies request.output_tokens > 1 (a one-token
  // answer is done where its prompt was computed).
  void Serve(Simulator& sim, const Request& request, const ServedPart& part);
  // Frees the KV of a request served with keep_kv, once its part is done
  // (it has been shipped). REQUIRES: called once per such request, after
  // the listener heard OnCompleted for it.
  // Submit, Serve and ReleaseKv may be called from the listener's
  // OnCompleted, inside the iteration that finished the request: the
  // replica then plans its next iteration once that one's requests are all
  // done, at the same instant, as it would have anyway.
  void ReleaseKv(Simulator& sim, std::uint64_t request_id);
  void OnEvent(Simulator& sim, const Event& event) override;

  // Occupancy for the engine's report: requests in the replica, waiting.
  const TimeWeighted& in_system() const { return in_system_; }
  // Keeps value i of `tree` equal to in_system().value() (TimeWeighted::Mirror;
  // the router's LoadBoard asks through the replica's probe).
  void MirrorInSystem(MinTree* tree, std::size_t i) { in_system_.Mirror(tree, i); }
  const TimeWeighted& queue_length() const { return waiting_tw_; }
  // The share of the KV capacity holding tokens now (stored / capacity,
  // 0..1), the load signal of a KV-aware router.
  double KvStoredFraction() const;
  // Starts the measurement window at `now`; `expected` (> 0 if known) is
  // the window's likely length, to space the time series evenly.
  void ResetStatistics(SimTime now, SimDuration expected = 0);
  // Ends the window's rates and time averages at `now` (the last arrival);
  // measured requests' latencies keep counting until they finish.
  void CloseWindow(SimTime now);
  // The largest sustainable request rate, estimated from the performance
  // model for the workload's mean prompt and output lengths, each request
  // served in `part` (its prefill skipped when prefilled, its decode steps
  // when first_token_only; infinite when nothing is left to compute).
  double EstimateCapacity(double mean_prompt, double mean_output, const ServedPart& part = {}) const;

  // The LLM part of the report for the window ending at `end`.
  void Fill(SimTime end, double window_s, LlmReport* out) const;
  // Appends the window's raw TTFT, TPOT and inter-token observations to
  // `out` (for a fleet's combined report).
  void AppendSamples(LlmSamples* out) const;

 private:
  class Events;
  LlmReplica(std::shared_ptr<const ReplicaOptions> options, std::shared_ptr<const PerfModel> perf,
             std::unique_ptr<PerfModel> draft, const MemoryPlan& plan, CompletionListener* listener);

  // Counts and drops a request too long for the model or the whole KV cache.
  bool Refuse(Simulator& sim, const Request& request, std::int64_t held);
  void Enqueue(Simulator& sim, std::uint32_t slot);
  void KickIdle(Simulator& sim);
  // Plans and starts engine `engine`'s next iteration; records the state
  // after unless `record` is false (the caller records it).
  void StartIteration(Simulator& sim, int engine, bool record = true);
  StepBreakdown Cost(const IterationPlan& plan) const;
  SimTime Pipeline(SimTime start, StepBreakdown* b);
  void FinishIteration(Simulator& sim, int engine);
  void EmitTokens(std::uint32_t slot, std::int64_t n, SimTime now);
  void FlushGaps();
  void StepCohort(int engine, SimTime now);
  void Complete(Simulator& sim, std::uint32_t slot);
  void TraceRequest(const Seq& s, bool completed);
  void Fail(std::uint32_t slot);
  void FailStuck(int engine);
  void RecordState(SimTime now);

  std::shared_ptr<const ReplicaOptions> options_;  // never null
  std::shared_ptr<const PerfModel> perf_;
  std::unique_ptr<PerfModel> draft_perf_;  // null without a draft model
  MemoryPlan memory_;
  std::int64_t kv_slots_ = 0;  // token slots the KV allocator has (whole blocks)
  CompletionListener* listener_;
  std::unique_ptr<Events> events_;
  std::unique_ptr<ReplicaState> state_;
  std::unique_ptr<Scheduler> scheduler_;
  std::unique_ptr<ReplicaStats> stats_;
  Simulator* sim_ = nullptr;
  Timeline* timeline_ = nullptr;
  RequestLog* request_log_ = nullptr;
  std::int64_t log_index_ = -1;
  RequestPool log_pool_ = RequestPool::kNone;
  HandlerId id_ = 0;
  // Per engine: the iteration planned or in flight, whether one is in
  // flight and whether a wake-up is scheduled (one block: touched together).
  struct Engine;
  std::vector<Engine> engines_;
  // Inside FinishIteration: a listener's call back (Submit, ReleaseKv)
  // must not plan an iteration into the plan being walked.
  bool finishing_ = false;
  std::vector<SimTime> stage_free_;        // per pipeline stage
  TimeWeighted in_system_, waiting_tw_;
  std::uint64_t spec_steps_ = 0, spec_tokens_ = 0;
  // Inter-token gaps of measured requests, run-length coded before they
  // reach the histogram.
  SimDuration pending_gap_ = 0;
  std::int64_t pending_gap_count_ = 0, zero_gaps_ = 0;
  // The state RecordState last recorded, and when (-1: nothing since the
  // statistics' window last opened or closed). Recording the same state
  // again at the same time changes no statistic, so it is skipped (an
  // iteration that ends and starts the next records once, not twice).
  struct Recorded {
    SimTime at = -1;
    std::int64_t waiting = 0, running = 0;
    KvUsage usage;
  } recorded_;
};

}  // namespace fleetlab
