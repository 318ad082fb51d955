// The planner: which tensor x pipeline split of a GPU budget serves a model
// best, and how many users fit in its KV cache. Library functions, no
// printing; the CLI (cli/plan_command) renders the results.
//
// PlanSplits evaluates every split tp x pp = gpus with the roofline model
// (one request alone: TTFT, TPOT) and a short simulation at saturation (a
// closed loop of as many users as the KV cache holds, zero think time).
// PlanUsers compares the users a paged and a contiguous KV cache hold.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "fleetlab/llm/catalog.h"
#include "fleetlab/llm/memory_plan.h"
#include "fleetlab/llm/perf_model.h"
#include "fleetlab/llm/replica_options.h"
#include "fleetlab/status.h"

namespace fleetlab {

struct PlanRequest {
  std::string model, gpu;  // catalog ids or aliases
  int gpus = 8;            // tp x pp of every split; 1..1024
  std::int64_t prompt = 512, output = 256;  // tokens per request (fixed)
  double ttft_slo_s = 0, tpot_slo_s = 0;    // 0: no objective
  DType weight_dtype = DType::kBf16, activation_dtype = DType::kBf16, kv_dtype = DType::kBf16;
  bool weight_gathered = false;
  // Links between TP ranks and between stages; empty: the GPU's scale-up
  // link (as a scenario defaults them), even when tp x pp spans nodes.
  std::string tp_link, pp_link;
  // The saturation simulation: at most this many running sequences per
  // pipeline engine (vLLM max_num_seqs per virtual engine), and the
  // requests sent (warm-up included). Both are raised with the user count
  // so that every user completes several requests and the warm-up covers
  // the first wave: warm-up max(warmup, users), requests max(requests,
  // warm-up + 2 x users).
  std::int64_t max_running_per_engine = 256;
  std::uint64_t requests = 2000, warmup = 200;
  std::uint64_t seed = 1;
  bool simulate = true;  // false: roofline only, saturation fields stay 0
  // The load the TTFT objective is judged at (the lab's Part 2 target is a
  // P99 at a stated rate). > 0: each split also serves a Poisson stream of
  // this many requests per second whose prompt and output lengths are
  // lognormal with these coefficients of variation (0: fixed) around
  // `prompt` and `output`, and ttft_slo_s is judged on that run's P99 TTFT
  // instead of one request alone. 0: judged on one request alone.
  double rate_per_s = 0;
  double prompt_cv = 0, output_cv = 0;
  std::uint64_t load_requests = 400, load_warmup = 20;
  // Cancels the saturation simulations (RunHooks::cancel; the lab server
  // sets it at its wall-time limit or when the client leaves). Not owned.
  const std::atomic<bool>* cancel = nullptr;
};

struct SplitPlan {
  int tp = 1, pp = 1;
  // Whether the split can serve the request: sharding valid (tp divides the
  // heads, pp the layers), weights and workspace fit, and the KV cache holds
  // at least one request. `reason` says why not.
  bool fits = false;
  std::string reason;
  // One request alone (fitting splits only; 0 otherwise): its prefill of
  // `prompt` tokens, and one decode step at batch 1 with context
  // prompt + output / 2. Both pass every pipeline stage.
  double ttft_s = 0;
  StepBreakdown ttft_breakdown;
  double tpot_s = 0;
  // Requests whose KV cache fits at once: floor(capacity / (ceil((prompt +
  // output) / 16) x 16)), paged blocks of 16 tokens.
  std::int64_t max_users = 0;
  // The saturation run: min(max_users, max_running_per_engine x pp) users.
  std::int64_t users_simulated = 0;
  double saturation_rps = 0, saturation_tokens_per_s = 0;  // output tokens
  double p99_ttft_s_at_saturation = 0;
  double mean_batch_at_saturation = 0;  // sequences per iteration
  // ttft_s and tpot_s within their objectives (0 = none); false if !fits.
  bool meets_slo = false;
  double usd_per_million_output_tokens = 0;  // at saturation
  // PlanRequest::rate_per_s > 0: the P99 TTFT at that load (0 otherwise).
  double p99_ttft_s_at_rate = 0;
};

// Every split tp x pp == gpus, best first: fitting splits that meet the
// SLOs, then fitting ones that do not, each by saturation throughput
// (descending), ties by lower TTFT; splits that do not fit last, with their
// reason. Errors: an unknown model or GPU (naming --model / --gpu and the
// known ids), gpus outside 1..1024, prompt or output < 1, prompt + output
// beyond the model's context, a GPU without math for the activation dtype,
// or a simulation that fails.
Result<std::vector<SplitPlan>> PlanSplits(const PlanRequest& request, const Catalog& catalog);

struct MemoryRequest {
  std::string model, gpu;
  int tp = 1, pp = 1;
  // Expert parallelism (MoE models): ep = tp x attention_dp GPUs a stage, each
  // holding experts / ep experts and its attention group's KV (docs/model.md,
  // "Expert parallelism"). 1 and 1: experts split by TP like a dense MLP.
  int ep = 1, attention_dp = 1;
  std::int64_t context = 2048;      // tokens per user (prompt + output)
  std::int64_t block_tokens = 16;   // paged block size
  DType weight_dtype = DType::kBf16, activation_dtype = DType::kBf16, kv_dtype = DType::kBf16;
  // What a contiguous allocator reserves per user: the model's max context
  // (max_model_len), the next power of two of `context` (at most the max
  // context), or `context` itself.
  ReservationPolicy reservation = ReservationPolicy::kMaxLength;
};

struct MemoryReport {
  // Weights, workspace, KV bytes per GPU and per token per GPU, capacity.
  // When !plan.fits, plan.reason says why and the user counts are 0.
  MemoryPlan plan;
  std::int64_t max_model_len = 0;  // the model's max context
  // KV token slots one user occupies: whole blocks (ceil(context / block) x
  // block), or the contiguous reservation.
  std::int64_t slots_per_user_paged = 0, slots_per_user_contiguous = 0;
  // Users that fit at once: capacity / slots (paged capacity counted in
  // whole blocks, as the paged allocator does).
  std::int64_t users_paged = 0, users_contiguous = 0;
  double paged_over_contiguous = 0;  // users_paged / users_contiguous (0 if none)
};

// Errors: unknown model or GPU (naming --model / --gpu), tp, pp, ep or
// attention_dp outside 1..1024, not dividing the model or ep != tp x
// attention_dp (the roofline's message, naming --ep), context < 1
// or beyond the model's max context, block_tokens < 1. A configuration
// whose weights do not fit is not an error: plan.fits is false.
Result<MemoryReport> PlanUsers(const MemoryRequest& request, const Catalog& catalog);

// The replica a scenario would build for `hw` with every other option at
// its default, as scenario/replica_parse.cc fills it: host "cpu-host" and
// its link, the GPU's price, max_model_len = the model's max context,
// memory.max_batch_tokens = scheduler.max_batch_tokens.
Result<ReplicaOptions> DefaultReplicaOptions(const ReplicaHardware& hw, const Catalog& catalog);

}  // namespace fleetlab
