// The roofline performance model (Williams, Waterman, Patterson 2009) of one
// replica: tp x pp GPUs running one model. Every formula is in docs/model.md
// with its citation; the comments here name the section.
//
// All transformer layers are identical, so one layer's per-GPU times are
// computed once and multiplied by the layer count: the sum over pipeline
// stages of each stage's layers is then exactly layers x one layer.
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "fleetlab/analytic/parallelism.h"
#include "fleetlab/llm/perf_model.h"

namespace fleetlab {
namespace {

// One roofline: the time is the larger of the compute and the memory time,
// charged to the bound that won (a tie counts as compute bound).
struct Roof {
  double flops = 0;  // per GPU
  double bytes = 0;  // HBM bytes per GPU
};

void Charge(const Roof& r, double flops_per_s, double bytes_per_s, double times, double* compute_s,
            double* memory_s) {
  const double compute = r.flops / flops_per_s, memory = r.bytes / bytes_per_s;
  (compute >= memory ? *compute_s : *memory_s) += times * std::max(compute, memory);
}

std::string Divisors(std::int64_t n) {
  std::string out;
  for (std::int64_t d = 1; d <= n; ++d) {
    if (n % d == 0) out += (out.empty() ? "" : ", ") + std::to_string(d);
  }
  return out;
}

class RooflineModel final : public PerfModel {
 public:
  explicit RooflineModel(const ReplicaHardware& hw);
  StepBreakdown Iteration(const IterationShape& shape) const override;
  const ReplicaHardware& hardware() const override { return hw_; }
  std::string name() const override { return "roofline"; }

 private:
  double TouchedLayerParams(double tokens) const;
  void AddLinear(double tokens, StepBreakdown* b) const;
  void AddAttention(const IterationShape& shape, StepBreakdown* b) const;
  void AddTpComm(double tokens, StepBreakdown* b) const;
  void AddLmHead(const IterationShape& shape, StepBreakdown* b) const;

  ReplicaHardware hw_;
  double layers_, tp_;
  double matmul_flops_per_s_, attention_flops_per_s_, hbm_bytes_per_s_;
  double weight_bytes_, activation_bytes_;
  double kv_bytes_per_token_per_gpu_per_layer_;
};

RooflineModel::RooflineModel(const ReplicaHardware& hw) : hw_(hw) {
  const ModelSpec& m = hw_.model;
  const double peak = *hw_.gpu.PeakFlops(hw_.activation_dtype);
  layers_ = static_cast<double>(m.layers);
  tp_ = hw_.tp;
  matmul_flops_per_s_ = peak * hw_.efficiency.matmul;
  attention_flops_per_s_ = peak * hw_.efficiency.attention;
  hbm_bytes_per_s_ = hw_.gpu.memory_bandwidth_Bps * hw_.efficiency.memory;
  weight_bytes_ = BytesPerElement(hw_.weight_dtype);
  activation_bytes_ = BytesPerElement(hw_.activation_dtype);
  // KV heads split over the TP ranks up to their count, then replicate.
  const double kv_heads_per_gpu = static_cast<double>(m.kv_heads) / std::min<std::int64_t>(hw_.tp, m.kv_heads);
  kv_bytes_per_token_per_gpu_per_layer_ = 2.0 * kv_heads_per_gpu * m.head_dim * BytesPerElement(hw_.kv_dtype);
}

// Parameters of one layer whose weights `tokens` tokens read: attention,
// router, and the experts the tokens touch. With top-k routing of tokens to
// E experts, independently and uniformly, the expected number of distinct
// experts touched is E (1 - (1 - k/E)^T) (docs/model.md, "MoE"). Dense
// models (E = k = 1) touch their one MLP.
double RooflineModel::TouchedLayerParams(double tokens) const {
  const ModelSpec& m = hw_.model;
  const double experts = static_cast<double>(m.experts), k = static_cast<double>(m.experts_per_token);
  const double touched = experts * (1.0 - std::pow(1.0 - k / experts, tokens));
  const double expert_params = static_cast<double>(m.ffn_matrices * m.hidden * m.ffn);
  const double router = m.experts > 1 ? static_cast<double>(m.hidden * m.experts) : 0.0;
  return static_cast<double>(m.AttentionParamsPerLayer()) + router + touched * expert_params;
}

// Linear layers (q, k, v, o projections and the MLP) of every layer.
// Weight-stationary (Megatron, Shoeybi et al. 2019): each GPU holds 1/tp of
// every matrix and multiplies all T tokens. Weight-gathered (Pope et al.
// 2022): each GPU multiplies T/tp tokens by the full (gathered) matrices.
void RooflineModel::AddLinear(double tokens, StepBreakdown* b) const {
  const ModelSpec& m = hw_.model;
  const double active = static_cast<double>(m.AttentionParamsPerLayer() + m.ActiveMlpParamsPerLayer());
  const double touched_bytes = TouchedLayerParams(tokens) * weight_bytes_;
  Roof r;
  r.flops = 2.0 * tokens * active / tp_;  // same in both layouts: 2 (T / tp) active = 2 T active / tp
  r.bytes = hw_.weight_gathered ? touched_bytes : touched_bytes / tp_;
  Charge(r, matmul_flops_per_s_, hbm_bytes_per_s_, layers_, &b->matmul_s, &b->weight_memory_s);
  b->flops += r.flops * tp_ * layers_;
  b->hbm_bytes += r.bytes * tp_ * layers_;
}

// Attention (FlashAttention, Dao et al. 2022): QK^T and AV cost
// 4 x heads x head_dim FLOPs per query-key pair; the KV cache is read once
// per sequence and the new tokens' K and V are written.
void RooflineModel::AddAttention(const IterationShape& s, StepBreakdown* b) const {
  const ModelSpec& m = hw_.model;
  const double tokens_per_decode_seq =
      s.decode_sequences > 0 ? static_cast<double>(s.decode_tokens) / static_cast<double>(s.decode_sequences) : 0.0;
  const double pairs = s.prefill_attention_pairs + static_cast<double>(s.decode_context_tokens) * tokens_per_decode_seq;
  const double kv_tokens = static_cast<double>(s.prefill_context_tokens + s.decode_context_tokens + s.tokens());
  Roof r;
  r.flops = 4.0 * static_cast<double>(m.heads) / tp_ * static_cast<double>(m.head_dim) * pairs;
  r.bytes = kv_tokens * kv_bytes_per_token_per_gpu_per_layer_;
  Charge(r, attention_flops_per_s_, hbm_bytes_per_s_, layers_, &b->attention_s, &b->kv_memory_s);
  b->flops += r.flops * tp_ * layers_;
  b->hbm_bytes += r.bytes * tp_ * layers_;
}

// Tensor-parallel communication of every layer. Weight-stationary: two ring
// all-reduces of the activations (T x hidden x activation bytes) per layer
// (after attention and after the MLP). Weight-gathered: one ring all-gather
// of the layer's weights, no activation traffic.
void RooflineModel::AddTpComm(double tokens, StepBreakdown* b) const {
  const double bandwidth = hw_.tp_link.bandwidth_Bps * hw_.efficiency.link, alpha = hw_.tp_link.latency_s;
  double per_layer = 0;
  const double ring = hw_.tp > 1 ? static_cast<double>(hw_.tp - 1) / hw_.tp : 0.0;  // share each rank sends
  if (hw_.weight_gathered) {
    const double weights = TouchedLayerParams(tokens) * weight_bytes_;
    per_layer = analytic::RingAllGatherTime(weights, hw_.tp, bandwidth, alpha);
    b->tp_bytes += layers_ * ring * weights;
  } else {
    const double activations = tokens * static_cast<double>(hw_.model.hidden) * activation_bytes_;
    per_layer = 2.0 * analytic::RingAllReduceTime(activations, hw_.tp, bandwidth, alpha);
    b->tp_bytes += layers_ * 2.0 * 2.0 * ring * activations;  // two all-reduces, each 2(n-1)/n x the message
  }
  b->tp_comm_s += layers_ * per_layer;
}

// The LM head on the last stage, split over the TP ranks by vocabulary:
// logits for every decode token, and for the last prompt token when a
// prefill is in the batch (one row per iteration: IterationShape does not
// count the prefill chunks). A tied head still multiplies V x h weights.
void RooflineModel::AddLmHead(const IterationShape& s, StepBreakdown* b) const {
  const ModelSpec& m = hw_.model;
  const double rows = static_cast<double>(s.decode_tokens) + (s.prefill_tokens > 0 ? 1.0 : 0.0);
  const double params = static_cast<double>(m.vocab * m.hidden);
  Roof r;
  r.flops = 2.0 * rows * params / tp_;
  r.bytes = params * weight_bytes_ / tp_;
  Charge(r, matmul_flops_per_s_, hbm_bytes_per_s_, 1.0, &b->matmul_s, &b->weight_memory_s);
  b->flops += r.flops * tp_;
  b->hbm_bytes += r.bytes * tp_;
}

StepBreakdown RooflineModel::Iteration(const IterationShape& shape) const {
  StepBreakdown b;
  const double tokens = static_cast<double>(shape.tokens());
  if (shape.tokens() <= 0) return b;  // nothing runs
  AddLinear(tokens, &b);
  AddAttention(shape, &b);
  AddTpComm(tokens, &b);
  AddLmHead(shape, &b);
  if (hw_.pp > 1) {
    const double activations = tokens * static_cast<double>(hw_.model.hidden) * activation_bytes_;
    b.pp_comm_s = (hw_.pp - 1) *
                  (activations / (hw_.pp_link.bandwidth_Bps * hw_.efficiency.link) + hw_.pp_link.latency_s);
  }
  b.overhead_s = hw_.iteration_overhead_s * hw_.pp;
  b.total_s = b.matmul_s + b.weight_memory_s + b.attention_s + b.kv_memory_s + b.tp_comm_s + b.pp_comm_s +
              b.bubble_s + b.overhead_s;
  b.stage_s = (b.total_s - b.pp_comm_s) / hw_.pp;
  return b;
}

Status Field(const char* field, const std::string& message) {
  return Status::InvalidArgument(fmt::format("replica.{}: {}", field, message));
}

Status CheckParallelism(const ReplicaHardware& hw) {
  const ModelSpec& m = hw.model;
  if (hw.tp < 1) return Field("tp", fmt::format("must be >= 1 (got {})", hw.tp));
  if (hw.pp < 1) return Field("pp", fmt::format("must be >= 1 (got {})", hw.pp));
  if (m.heads % hw.tp != 0) {
    return Field("tp", fmt::format("must divide {}'s {} attention heads; allowed: {} (got {})", m.id, m.heads,
                                   Divisors(m.heads), hw.tp));
  }
  if (m.kv_heads % hw.tp != 0 && hw.tp % m.kv_heads != 0) {
    return Field("tp", fmt::format("must divide {}'s {} KV heads or be a multiple of them (got {})", m.id,
                                   m.kv_heads, hw.tp));
  }
  if (m.layers % hw.pp != 0) {
    return Field("pp", fmt::format("must divide {}'s {} layers; allowed: {} (got {})", m.id, m.layers,
                                   Divisors(m.layers), hw.pp));
  }
  return Status::Ok();
}

Status CheckFraction(const char* field, double v) {
  if (v > 0 && v <= 1) return Status::Ok();
  return Field(field, fmt::format("must be a fraction in (0, 1] (got {})", v));
}

Status CheckHardware(const ReplicaHardware& hw) {
  const ModelSpec& m = hw.model;
  if (!m.IsDecoder()) {
    return Field("model", fmt::format("\"{}\" is {} model; an LLM replica serves decoder models (cost other "
                                      "models with EstimateInference, inference_cost.h)",
                                      m.id, m.IsEncoder() ? "an encoder" : "a layer-list"));
  }
  if (m.layers <= 0 || m.hidden <= 0 || m.heads <= 0 || m.kv_heads <= 0 || m.head_dim <= 0 || m.vocab <= 0 ||
      m.experts < 1 || m.experts_per_token < 1 || m.experts_per_token > m.experts) {
    return Field("model", fmt::format("\"{}\" has an incomplete shape (layers, hidden, heads, kv_heads, head_dim, "
                                      "vocab must be > 0; 1 <= experts_per_token <= experts)", m.id));
  }
  if (!hw.gpu.PeakFlops(hw.activation_dtype)) {
    std::string has;
    for (const auto& [d, f] : hw.gpu.peak_flops) has += (has.empty() ? "" : ", ") + std::string(DTypeName(d));
    return Field("activation_dtype", fmt::format("{} has no {} math (it has: {}); the matrix products run in the "
                                                 "activation dtype", hw.gpu.id, DTypeName(hw.activation_dtype), has));
  }
  if (!(hw.gpu.memory_bandwidth_Bps > 0)) return Field("gpu", fmt::format("{} has no memory bandwidth", hw.gpu.id));
  if (hw.tp > 1 && !(hw.tp_link.bandwidth_Bps > 0)) return Field("tp_link", "bandwidth must be > 0 when tp > 1");
  if (hw.pp > 1 && !(hw.pp_link.bandwidth_Bps > 0)) return Field("pp_link", "bandwidth must be > 0 when pp > 1");
  FLEETLAB_RETURN_IF_ERROR(CheckFraction("efficiency.matmul", hw.efficiency.matmul));
  FLEETLAB_RETURN_IF_ERROR(CheckFraction("efficiency.attention", hw.efficiency.attention));
  FLEETLAB_RETURN_IF_ERROR(CheckFraction("efficiency.memory", hw.efficiency.memory));
  FLEETLAB_RETURN_IF_ERROR(CheckFraction("efficiency.link", hw.efficiency.link));
  if (!(hw.iteration_overhead_s >= 0)) {
    return Field("iteration_overhead_s", fmt::format("must be >= 0 (got {})", hw.iteration_overhead_s));
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<PerfModel>> MakeRooflineModel(const ReplicaHardware& hw) {
  FLEETLAB_RETURN_IF_ERROR(CheckHardware(hw));
  FLEETLAB_RETURN_IF_ERROR(CheckParallelism(hw));
  return std::unique_ptr<PerfModel>(std::make_unique<RooflineModel>(hw));
}

}  // namespace fleetlab
