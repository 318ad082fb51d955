// ReplicaOptions: one LLM serving replica — its hardware and sharding, its
// iteration-level scheduler, its KV-cache manager, preemption and
// speculative decoding. Parsed and validated from a scenario's "replica"
// object (docs/scenario.md), with catalog ids resolved to specs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "fleetlab/llm/batching_policy.h"
#include "fleetlab/llm/engine_spec.h"
#include "fleetlab/llm/kv_cache.h"
#include "fleetlab/llm/memory_plan.h"
#include "fleetlab/llm/perf_model.h"
#include "fleetlab/util/enum_names.h"

namespace fleetlab {

struct SchedulerOptions {
  BatchingPolicy policy = BatchingPolicy::kContinuous;
  // Most sequences running at once in each pipeline micro-batch slot
  // (vLLM's max_num_seqs, which applies per virtual engine): a replica with
  // pp stages runs up to pp x max_running.
  std::int64_t max_running = 256;
  // Most tokens one iteration processes (vLLM max_num_batched_tokens); with
  // chunked prefill it is the per-iteration token budget.
  std::int64_t max_batch_tokens = 8192;
  // Longest prompt + output a request may have; longer requests are refused
  // (counted as rejected). 0: the model's max context.
  std::int64_t max_model_len = 0;
  // Static and dynamic batching: requests per batch, and the dynamic window.
  std::int64_t max_batch = 32;
  double batch_window_s = 0.010;
  // Chunked prefill: false admits a prompt only when all of it fits the
  // token budget (TensorRT-LLM's in-flight batching without chunked context).
  bool chunk_prompts = true;
  // Admission when KV blocks are short (engine_spec.h); kGuaranteedNoEvict
  // never preempts.
  CapacityPolicy capacity = CapacityPolicy::kMaxUtilization;
  // Continuous policy only: decode iterations per scheduling decision (vLLM
  // V0's --num-scheduler-steps, multi-step scheduling, PR #7000): after a
  // decision the running batch decodes this many iterations before the
  // scheduler looks again, so new prompts (and swap-ins) join only between
  // groups. 1 (vLLM's default) schedules every iteration; set it to what the
  // engine you imitate ran with.
  std::int64_t steps_per_schedule = 1;
};

enum class ReservationPolicy { kMaxLength, kPowerOfTwo, kOracle };
enum class VictimPolicy { kNewest, kOldest, kLargest };
enum class PreemptionMode { kRecompute, kSwap };
enum class BudgetAction { kPin, kFail };

// The scenario names of each (docs/scenario.md, "replica.kv", "replica.preemption").
inline constexpr auto kReservationPolicyNames = MakeEnumNames<ReservationPolicy>({
    {ReservationPolicy::kMaxLength, "max_length"},
    {ReservationPolicy::kPowerOfTwo, "power_of_two"},
    {ReservationPolicy::kOracle, "oracle"},
});
inline constexpr auto kVictimPolicyNames = MakeEnumNames<VictimPolicy>({
    {VictimPolicy::kNewest, "newest"}, {VictimPolicy::kOldest, "oldest"}, {VictimPolicy::kLargest, "largest"}});
inline constexpr auto kPreemptionModeNames =
    MakeEnumNames<PreemptionMode>({{PreemptionMode::kRecompute, "recompute"}, {PreemptionMode::kSwap, "swap"}});
inline constexpr auto kBudgetActionNames =
    MakeEnumNames<BudgetAction>({{BudgetAction::kPin, "pin"}, {BudgetAction::kFail, "fail"}});

// Token slots a contiguous allocator reserves for a request that will reach
// `final_length` tokens, under `policy`, with `max_len` the model length.
std::int64_t ReservationTokens(ReservationPolicy policy, std::int64_t final_length, std::int64_t max_len);

struct KvOptions {
  KvCacheOptions cache;
  // Contiguous allocator: how much each request reserves. kMaxLength is the
  // model's max length (what pre-vLLM systems did), kPowerOfTwo the next
  // power of two of prompt + output, kOracle the true final length.
  ReservationPolicy reservation = ReservationPolicy::kMaxLength;
};

struct PreemptionOptions {
  VictimPolicy victim = VictimPolicy::kNewest;  // vLLM preempts the most recent arrival
  PreemptionMode mode = PreemptionMode::kRecompute;
  // Preemptions a request may suffer; past it the request is pinned (never
  // chosen again) or failed. 0: no limit.
  std::int64_t budget = 0;
  BudgetAction on_budget = BudgetAction::kPin;
  // Host memory for swapped-out KV (vLLM swap_space, per GPU), bytes.
  double swap_space_bytes = 4.0 * kBytesPerGiB;
};

struct SpeculativeOptions {
  bool enabled = false;
  // The draft: a catalog model run on the same GPUs with the same sharding,
  // or an n-gram drafter that costs nothing (draft_is_ngram).
  bool draft_is_ngram = false;
  ModelSpec draft;
  std::int64_t gamma = 4;   // tokens drafted per step
  double acceptance = 0.7;  // per-token acceptance probability alpha
};

struct SloOptions {
  double ttft_s = 0;  // 0: no TTFT objective
  double tpot_s = 0;  // 0: no TPOT objective
};

// The link a replica's GPUs use by default: within one node (tp x pp at
// most the GPU's gpus_per_node) its scale-up link (NVLink); across nodes
// its scale-out link (GpuSpec::ScaleOutLink: InfiniBand NDR unless the
// GPU's file names another). TP ranks span nodes only when tp > gpus_per_node.
std::string DefaultTpLink(const GpuSpec& gpu, int tp);
std::string DefaultPpLink(const GpuSpec& gpu, int tp, int pp);
// Expert parallelism spans the stage_gpus (tp x attention_dp) GPUs of a
// stage: the scale-up link within a node, the scale-out link across.
std::string DefaultEpLink(const GpuSpec& gpu, int stage_gpus);

struct ReplicaOptions {
  ReplicaHardware hardware;
  HostSpec host;      // where swapped KV goes
  LinkSpec host_link; // GPU <-> host
  MemoryOptions memory;
  SchedulerOptions scheduler;
  KvOptions kv;
  PreemptionOptions preemption;
  SpeculativeOptions speculative;
  SloOptions slo;
  double price_per_gpu_hour_usd = 0;  // defaults to the GPU's catalog price
  // The engine profile (replica.engine) whose defaults were applied; empty:
  // fleetlab's own defaults (SchedulerOptions, MemoryOptions).
  std::string engine;

  int gpus() const { return hardware.gpus(); }
};

// Engine profile `e`'s defaults on `options` (replica.engine in a scenario,
// `plan --engine`): its scheduler (max_num_seqs and the token budget by the
// GPU's memory, as the engine picks them), prefix caching, memory budget and
// reservation (by options->hardware's GPU and TP), and its host overheads
// where it gives them; sets options->engine.
// REQUIRES: options->hardware's GPU and parallelism final.
void ApplyEngineDefaults(const EngineSpec& e, ReplicaOptions* options);

// Calibration profile `p` on the replica, as its engine runs the kernels
// (ProfileForEngine), and the profile's host overheads where it has them.
// REQUIRES: p is for the replica's GPU and its one weight/activation dtype.
void ApplyCalibrationProfile(const CalibrationProfile& p, ReplicaOptions* options);

}  // namespace fleetlab
