// The memory plan of one replica (docs/model.md, "Memory"): weights of the
// most loaded stage, an activation workspace, and the rest as KV cache, as
// vLLM sizes its cache under gpu_memory_utilization (Kwon et al. 2023).
#include "fleetlab/llm/memory_plan.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace fleetlab {
namespace {

// A cache smaller than one 16-token block (vLLM's default block) cannot
// hold any request: such a replica does not fit.
constexpr std::int64_t kMinKvTokens = 16;

std::string Gb(double bytes) { return fmt::format("{:.1f} GB", bytes / kBytesPerGB); }

// "(llama-3-70b bf16, TP1 PP1)"
std::string Layout(const ReplicaHardware& hw) {
  return fmt::format("({} {}, TP{} PP{}{})", hw.model.id, DTypeName(hw.weight_dtype), hw.tp, hw.pp,
                     hw.weight_gathered ? ", weight-gathered" : "");
}

// "one h100-sxm offers 72.0 GB (80.0 GB x 0.90)"
std::string Offer(const ReplicaHardware& hw, const MemoryPlan& p, double utilization) {
  return fmt::format("one {} offers {} ({} x {:.2f})", hw.gpu.id, Gb(p.usable_bytes), Gb(p.gpu_memory_bytes),
                     utilization);
}

std::string CheckInputs(const ReplicaHardware& hw, const MemoryOptions& o) {
  if (hw.tp < 1 || hw.pp < 1) return fmt::format("tp and pp must be >= 1 (got TP{} PP{})", hw.tp, hw.pp);
  if (!(o.gpu_memory_utilization > 0 && o.gpu_memory_utilization <= 1)) {
    return fmt::format("gpu_memory_utilization must be in (0, 1] (got {})", o.gpu_memory_utilization);
  }
  if (o.max_batch_tokens < 0) return fmt::format("max_batch_tokens must be >= 0 (got {})", o.max_batch_tokens);
  const ModelSpec& m = hw.model;
  if (m.layers <= 0 || m.kv_heads <= 0 || m.head_dim <= 0) return fmt::format("model \"{}\" has no shape", m.id);
  return "";
}

// Weights of the most loaded GPU and of the whole replica. Each stage holds
// ceil(layers / pp) layers at most; the first stage adds the embedding, the
// last the LM head (a tied head needs its own copy when pp > 1), each split
// over the TP ranks by vocabulary.
void PlanWeights(const ReplicaHardware& hw, MemoryPlan* p) {
  const ModelSpec& m = hw.model;
  const double wb = BytesPerElement(hw.weight_dtype);
  const double layer = static_cast<double>(m.AttentionParamsPerLayer() + m.MlpParamsPerLayer());
  const double embed = static_cast<double>(m.EmbeddingParams());
  const double head = hw.pp > 1 ? static_cast<double>(m.vocab * m.hidden) : static_cast<double>(m.LmHeadParams());
  const double layers_per_stage = std::ceil(static_cast<double>(m.layers) / hw.pp);
  const double ends = hw.pp == 1 ? embed + head : std::max(embed, head);
  p->weights_bytes_per_gpu = (layers_per_stage * layer + ends) * wb / hw.tp;
  p->weights_bytes_total = (static_cast<double>(m.layers) * layer + embed + head) * wb;
}

// max_batch_tokens x (hidden + ffn / tp) x activation bytes x 2 buffers; a
// weight-gathered replica also holds one gathered layer (all its weights).
double ActivationBytes(const ReplicaHardware& hw, const MemoryOptions& o) {
  const ModelSpec& m = hw.model;
  const double width = static_cast<double>(m.hidden) + static_cast<double>(m.ffn) / hw.tp;
  double bytes = static_cast<double>(o.max_batch_tokens) * width * BytesPerElement(hw.activation_dtype) * 2.0;
  if (hw.weight_gathered) {
    bytes += static_cast<double>(m.AttentionParamsPerLayer() + m.MlpParamsPerLayer()) * BytesPerElement(hw.weight_dtype);
  }
  return bytes;
}

// 2 (K, V) x layers of one stage x KV heads on one GPU x head_dim x bytes.
double KvBytesPerTokenPerGpu(const ReplicaHardware& hw) {
  const ModelSpec& m = hw.model;
  const std::int64_t split = std::min<std::int64_t>(hw.tp, m.kv_heads);
  const double kv_heads_per_gpu = static_cast<double>((m.kv_heads + split - 1) / split);
  const double layers_per_stage = std::ceil(static_cast<double>(m.layers) / hw.pp);
  return 2.0 * layers_per_stage * kv_heads_per_gpu * static_cast<double>(m.head_dim) * BytesPerElement(hw.kv_dtype);
}

std::string Reason(const ReplicaHardware& hw, const MemoryOptions& o, const MemoryPlan& p) {
  const double needed = p.weights_bytes_per_gpu + p.activation_bytes_per_gpu;
  if (p.weights_bytes_per_gpu > p.usable_bytes) {
    return fmt::format("weights need {} per GPU {} but {}", Gb(p.weights_bytes_per_gpu), Layout(hw),
                       Offer(hw, p, o.gpu_memory_utilization));
  }
  if (needed > p.usable_bytes) {
    return fmt::format("weights ({}) and activation workspace ({} for {} batch tokens) need {} per GPU {} but {}",
                       Gb(p.weights_bytes_per_gpu), Gb(p.activation_bytes_per_gpu), o.max_batch_tokens, Gb(needed),
                       Layout(hw), Offer(hw, p, o.gpu_memory_utilization));
  }
  return fmt::format("only {} tokens of KV cache fit ({} per GPU left after {} of weights and {} of activation "
                     "workspace; at least {} needed) {} on {}",
                     p.kv_capacity.value(), Gb(p.kv_bytes_per_gpu), Gb(p.weights_bytes_per_gpu),
                     Gb(p.activation_bytes_per_gpu), kMinKvTokens, Layout(hw), hw.gpu.id);
}

}  // namespace

MemoryPlan PlanMemory(const ReplicaHardware& hw, const MemoryOptions& options) {
  MemoryPlan p;
  p.gpu_memory_bytes = hw.gpu.memory_bytes;
  p.usable_bytes = hw.gpu.memory_bytes * options.gpu_memory_utilization;
  p.reason = CheckInputs(hw, options);
  if (!p.reason.empty()) return p;
  PlanWeights(hw, &p);
  p.activation_bytes_per_gpu = ActivationBytes(hw, options);
  p.kv_bytes_per_gpu = std::max(0.0, p.usable_bytes - p.weights_bytes_per_gpu - p.activation_bytes_per_gpu);
  p.kv_bytes_per_token_per_gpu = KvBytesPerTokenPerGpu(hw);
  p.kv_capacity = Tokens(static_cast<std::int64_t>(std::floor(p.kv_bytes_per_gpu / p.kv_bytes_per_token_per_gpu)));
  p.fits = p.weights_bytes_per_gpu + p.activation_bytes_per_gpu <= p.usable_bytes &&
           p.kv_capacity.value() >= kMinKvTokens;
  if (!p.fits) p.reason = Reason(hw, options, p);
  return p;
}

}  // namespace fleetlab
