// The performance model of one replica: how long one iteration (one forward
// pass over a batch) takes, and where the time goes.
//
// PerfModel is one small interface; RooflineModel (roofline.h) is the first
// implementation. A replica is a model sharded over tp x pp GPUs of one kind.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "fleetlab/llm/calibration.h"
#include "fleetlab/llm/catalog.h"
#include "fleetlab/status.h"
#include "fleetlab/util/enum_names.h"

namespace fleetlab {

// Achievable fractions of peak. Named, documented parameters (docs/model.md):
// change them to calibrate against measurements of a real stack.
struct PerfEfficiency {
  // Fraction of dense peak FLOP/s reached by the linear layers' matrix
  // products (assumption: large GEMMs on H100 reach ~60-80%; docs/model.md).
  double matmul = 0.70;
  // Fraction of peak FLOP/s reached by attention math (FlashAttention-style
  // kernels reach less than plain GEMMs).
  double attention = 0.50;
  // Fraction of HBM bandwidth reached when streaming weights and KV cache
  // (assumption: decode steps reach ~60-85%; docs/model.md).
  double memory = 0.80;
  // Fraction of a link's bandwidth reached by collectives and transfers.
  double link = 0.80;
};

// How MLA decodes (docs/model.md, "Attention variants"). Absorbed (DeepSeek's
// inference, FlashMLA, vLLM): the key up-projection is folded into the
// query and the value's into the output, so attention runs over the cached
// latents (MQA-like, 576 values a token for DeepSeek-V3). Naive: every step
// projects the cached latents back up to per-head keys and values, then
// runs ordinary attention. Prefill and cached prefixes always run naive.
enum class MlaDecode { kAbsorbed, kNaive };
inline constexpr auto kMlaDecodeNames =
    MakeEnumNames<MlaDecode>({{MlaDecode::kAbsorbed, "absorbed"}, {MlaDecode::kNaive, "naive"}});

struct ReplicaHardware {
  ModelSpec model;
  GpuSpec gpu;
  LinkSpec tp_link;  // between the GPUs of one tensor-parallel group
  LinkSpec pp_link;  // between pipeline stages
  DType weight_dtype = DType::kBf16;
  DType activation_dtype = DType::kBf16;
  DType kv_dtype = DType::kBf16;
  int tp = 1;
  int pp = 1;
  // Weight-gathered tensor parallelism (Pope et al. 2022): all-gather each
  // layer's weights and split the tokens across the TP group, instead of
  // splitting the weights and all-reducing the activations. Wins when many
  // tokens are in flight (large prefill batches).
  bool weight_gathered = false;
  // Expert parallelism (MoE): each MoE layer's experts are spread, whole, over
  // the ep GPUs of a stage (experts / ep each; shared experts on every one),
  // and tokens reach them by an all-to-all dispatch and return by a combine
  // over ep_link. 1: experts are split by TP like a dense MLP. Otherwise ep
  // equals tp x attention_dp.
  int ep = 1;
  // Attention data parallelism (vLLM --data-parallel-size with EP, SGLang
  // DP attention): each stage runs attention_dp copies of the attention,
  // each over tp GPUs and its own share of the sequences and their KV cache.
  // A replica has tp x attention_dp x pp GPUs.
  int attention_dp = 1;
  LinkSpec ep_link;  // between the EP ranks (used when ep > 1)
  // Tokens the most loaded EP rank receives over the mean (>= 1). 1 is
  // uniform routing, which real routers are not: set it from a measured
  // expert load (docs/model.md, "Expert parallelism").
  double moe_imbalance = 1.0;
  MlaDecode mla_decode = MlaDecode::kAbsorbed;
  PerfEfficiency efficiency;
  // Fixed cost of one iteration on each stage: kernel launches, scheduling,
  // sampling. Change it to match a serving stack's measured step floor.
  double iteration_overhead_s = 0.0005;
  // Host time per running (decoding) sequence per iteration: scheduling,
  // sampling, detokenising and output processing that grow with the batch
  // and run between GPU steps. 0: none (fleetlab's default); an engine
  // profile sets it from a measured CPU-overhead profile.
  double sequence_overhead_s = 0;
  // Measured efficiencies for this GPU, dtype and engine (calibration.h);
  // null: PerfEfficiency's constants and the links' alpha-beta model.
  std::shared_ptr<const CalibrationProfile> calibration;
  // Whether the last stage computes the logits (the LM head). False prices
  // the front of a model split across devices (EstimateInference, a
  // placement that ends before the last layer); a replica keeps true.
  bool lm_head = true;

  int gpus_per_stage() const { return tp * attention_dp; }
  int gpus() const { return tp * attention_dp * pp; }
};

// One iteration's batch, in aggregate (enough for the roofline, O(1) to keep
// up to date as sequences join and leave).
struct IterationShape {
  // Prompt tokens processed this iteration, all prefill chunks together.
  std::int64_t prefill_tokens = 0;
  // Causal query-key pairs of those chunks: for a chunk of c tokens starting
  // at prompt position p, c * p + c * (c + 1) / 2.
  double prefill_attention_pairs = 0;
  // KV tokens the prefill chunks read from cache (earlier chunks, cached
  // prefixes): sum over chunks of p.
  std::int64_t prefill_context_tokens = 0;
  // Decoding sequences, and the tokens they process (equal normally; times
  // (gamma + 1) when verifying speculative drafts).
  std::int64_t decode_sequences = 0;
  std::int64_t decode_tokens = 0;
  // Sum over decoding sequences of their context length (KV tokens read).
  std::int64_t decode_context_tokens = 0;
  // Whether the scheduler decided this iteration. False for the later steps
  // of a multi-step group (replica.scheduler.steps_per_schedule > 1), which
  // reuse the group's decision and prepared inputs: the host overheads
  // (ReplicaHardware's iteration_overhead_s and sequence_overhead_s) are
  // charged once a group, on its first step.
  bool scheduled = true;

  std::int64_t tokens() const { return prefill_tokens + decode_tokens; }
};

// Where one micro-batch's pass through the whole pipeline goes, in seconds.
// The parts add up to total_s exactly. Each layer group is either compute
// bound or memory bound (roofline): its time is charged to the bound that
// won, so "matmul_s" and "weight_memory_s" never double count.
struct StepBreakdown {
  double matmul_s = 0;         // linear layers, compute bound
  double weight_memory_s = 0;  // linear layers, bound by streaming weights
  double attention_s = 0;      // attention, compute bound
  double kv_memory_s = 0;      // attention, bound by reading the KV cache
  double tp_comm_s = 0;        // tensor-parallel all-reduces (or weight all-gathers) not hidden under compute
  double ep_comm_s = 0;        // expert-parallel all-to-all dispatch and combine
  double pp_comm_s = 0;        // stage-to-stage activation transfers
  double bubble_s = 0;         // waiting for a stage busy with another micro-batch (set by the replica)
  double overhead_s = 0;       // fixed per-iteration overhead, every stage
  double total_s = 0;

  // Time each pipeline stage is occupied by this micro-batch (total minus
  // the stage-to-stage transfers, divided by pp).
  double stage_s = 0;
  // Work, for utilisation metrics: FLOPs and HBM bytes summed over all GPUs.
  double flops = 0;
  double hbm_bytes = 0;
  // Bytes each tensor-parallel rank sends over its TP link (ring all-reduces
  // of activations, or all-gathers of weights when weight-gathered).
  double tp_bytes = 0;

  void Add(const StepBreakdown& other);  // component-wise sum
  void AddScaled(const StepBreakdown& other, double k);  // component-wise += k * other
};

class PerfModel {
 public:
  virtual ~PerfModel() = default;
  // The time of one iteration over `shape`. Never fails: shapes beyond what
  // the model was built for are extrapolated by the same formulas.
  virtual StepBreakdown Iteration(const IterationShape& shape) const = 0;
  virtual const ReplicaHardware& hardware() const = 0;
  // Short name, e.g. "roofline".
  virtual std::string name() const = 0;
};

// The roofline model (roofline.cc). Fails (a clear message naming the field)
// if tp or pp do not divide the model (heads, layers), or the GPU lacks the
// dtype's math.
Result<std::unique_ptr<PerfModel>> MakeRooflineModel(const ReplicaHardware& hw);

}  // namespace fleetlab
