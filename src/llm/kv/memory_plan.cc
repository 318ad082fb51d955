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
  const std::string ep = hw.ep > 1 ? fmt::format(" EP{}", hw.ep) : "";
  const std::string dp = hw.attention_dp > 1 ? fmt::format(" DP{}", hw.attention_dp) : "";
  return fmt::format("({} {}, TP{} PP{}{}{}{})", hw.model.id, DTypeName(hw.weight_dtype), hw.tp, hw.pp, ep, dp,
                     hw.weight_gathered ? ", weight-gathered" : "");
}

// "one h100-sxm offers 72.0 GB (80.0 GB x 0.90)", "... (85.5 GB x 0.90 -
// 2.4 GB reserved)", "... (85.5 GB - 2.4 GB reserved; KV gets 0.90 of the rest)"
std::string Offer(const ReplicaHardware& hw, const MemoryPlan& p, const MemoryOptions& o) {
  const std::string reserved = p.reserved_bytes > 0 ? fmt::format(" - {} reserved", Gb(p.reserved_bytes)) : "";
  if (o.budget == MemoryBudget::kFractionOfFree) {
    return fmt::format("one {} offers {} ({}{}; KV gets {:.2f} of the rest)", hw.gpu.id, Gb(p.usable_bytes),
                       Gb(p.gpu_memory_bytes), reserved, o.gpu_memory_utilization);
  }
  return fmt::format("one {} offers {} ({} x {:.2f}{})", hw.gpu.id, Gb(p.usable_bytes), Gb(p.gpu_memory_bytes),
                     o.gpu_memory_utilization, reserved);
}

std::string CheckInputs(const ReplicaHardware& hw, const MemoryOptions& o) {
  if (hw.tp < 1 || hw.pp < 1) return fmt::format("tp and pp must be >= 1 (got TP{} PP{})", hw.tp, hw.pp);
  if (hw.ep < 1 || hw.attention_dp < 1) {
    return fmt::format("ep and attention_dp must be >= 1 (got EP{} DP{})", hw.ep, hw.attention_dp);
  }
  if (hw.ep > 1 && hw.model.experts % hw.ep != 0) {
    return fmt::format("ep must divide the model's {} experts (got {})", hw.model.experts, hw.ep);
  }
  if (o.max_sequences < 0) return fmt::format("max_sequences must be >= 0 (got {})", o.max_sequences);
  if (!(o.gpu_memory_utilization > 0 && o.gpu_memory_utilization <= 1)) {
    return fmt::format("gpu_memory_utilization must be in (0, 1] (got {})", o.gpu_memory_utilization);
  }
  if (!(o.reserved_bytes >= 0)) return fmt::format("the reserved memory must be >= 0 (got {})", o.reserved_bytes);
  if (o.max_batch_tokens < 0) return fmt::format("max_batch_tokens must be >= 0 (got {})", o.max_batch_tokens);
  const ModelSpec& m = hw.model;
  if (m.layers <= 0 || m.kv_heads <= 0 || m.head_dim <= 0) return fmt::format("model \"{}\" has no shape", m.id);
  return "";
}

// Weights of one layer on one GPU: attention split by TP; the MLP split by
// TP, or with expert parallelism experts / ep whole experts plus every shared
// expert (and the router); a dense first layer's MLP split by TP.
double LayerParamsPerGpu(const ReplicaHardware& hw, std::int64_t layer) {
  const ModelSpec& m = hw.model;
  const double attention = static_cast<double>(m.AttentionParamsPerLayer()) / hw.tp;
  if (layer < m.dense_layers) return attention + static_cast<double>(m.DenseMlpParamsPerLayer()) / hw.tp;
  if (hw.ep <= 1) return attention + static_cast<double>(m.MlpParamsPerLayer()) / hw.tp;
  const double expert = static_cast<double>(m.ffn_matrices * m.hidden * m.ffn);
  const double local = static_cast<double>(m.experts / hw.ep + m.shared_experts);
  return attention + local * expert + static_cast<double>(m.hidden * m.experts) / hw.tp;
}

// Weights of the most loaded GPU and of the whole replica. Each stage holds
// ceil(layers / pp) layers at most; the first stage adds the embedding, the
// last the LM head (a tied head needs its own copy when pp > 1), each split
// over the TP ranks by vocabulary.
void PlanWeights(const ReplicaHardware& hw, MemoryPlan* p) {
  const ModelSpec& m = hw.model;
  const double wb = BytesPerElement(hw.weight_dtype);
  const double embed = static_cast<double>(m.EmbeddingParams());
  const double head = hw.pp > 1 ? static_cast<double>(m.vocab * m.hidden) : static_cast<double>(m.LmHeadParams());
  if (m.dense_layers == 0 && hw.ep <= 1 && hw.attention_dp == 1) {  // identical layers
    const double layer = static_cast<double>(m.AttentionParamsPerLayer() + m.MlpParamsPerLayer());
    const double layers_per_stage = std::ceil(static_cast<double>(m.layers) / hw.pp);
    const double ends = hw.pp == 1 ? embed + head : std::max(embed, head);
    p->weights_bytes_per_gpu = (layers_per_stage * layer + ends) * wb / hw.tp;
    p->weights_bytes_total = (static_cast<double>(m.layers) * layer + embed + head) * wb;
    return;
  }
  // Layers differ (dense first layers, experts spread by EP): stage by stage.
  const std::int64_t per_stage = (m.layers + hw.pp - 1) / hw.pp;
  p->weights_bytes_per_gpu = p->weights_bytes_total = 0;
  for (int s = 0; s < hw.pp; ++s) {
    double params = (s == 0 ? embed : 0.0) / hw.tp + (s == hw.pp - 1 ? head : 0.0) / hw.tp;
    for (std::int64_t l = s * per_stage; l < std::min(m.layers, (s + 1) * per_stage); ++l) {
      params += LayerParamsPerGpu(hw, l);
    }
    p->weights_bytes_per_gpu = std::max(p->weights_bytes_per_gpu, params * wb);
    p->weights_bytes_total += params * wb * hw.gpus_per_stage();
  }
}

// max_batch_tokens x (hidden + ffn / tp) x activation bytes x 2 buffers; a
// weight-gathered replica also holds one gathered layer (all its weights).
double ActivationBytes(const ReplicaHardware& hw, const MemoryOptions& o) {
  const ModelSpec& m = hw.model;
  const double width = static_cast<double>(m.hidden) + static_cast<double>(std::max(m.ffn, m.dense_ffn)) / hw.tp;
  double bytes = static_cast<double>(o.max_batch_tokens) * width * BytesPerElement(hw.activation_dtype) * 2.0;
  if (hw.weight_gathered) {
    bytes += static_cast<double>(m.AttentionParamsPerLayer() + m.MlpParamsPerLayer()) * BytesPerElement(hw.weight_dtype);
  }
  return bytes;
}

// KV of one token in one layer on one GPU: 2 (K, V) x KV heads on the GPU x
// head_dim x bytes (KV heads split over TP up to their count, then
// replicated); MLA's latent and RoPE key, whole on every TP rank.
double KvBytesPerTokenPerLayerPerGpu(const ReplicaHardware& hw) {
  const ModelSpec& m = hw.model;
  if (m.IsMla()) return static_cast<double>(m.KvElementsPerTokenPerLayer()) * BytesPerElement(hw.kv_dtype);
  const std::int64_t split = std::min<std::int64_t>(hw.tp, m.kv_heads);
  const double kv_heads_per_gpu = static_cast<double>((m.kv_heads + split - 1) / split);
  return 2.0 * kv_heads_per_gpu * static_cast<double>(m.head_dim) * BytesPerElement(hw.kv_dtype);
}

// The layers of one stage whose cache grows with the context, times one of
// theirs (sliding-window layers are reserved per sequence instead).
double KvBytesPerTokenPerGpu(const ReplicaHardware& hw) {
  const double layers_per_stage = std::ceil(static_cast<double>(hw.model.GlobalLayers()) / hw.pp);
  return layers_per_stage * KvBytesPerTokenPerLayerPerGpu(hw);
}

// A window of KV in every local layer of a stage for each sequence an
// attention group may run.
double WindowKvBytesPerGpu(const ReplicaHardware& hw, const MemoryOptions& o) {
  const ModelSpec& m = hw.model;
  if (m.local_layers == 0) return 0;
  const double layers_per_stage = std::ceil(static_cast<double>(m.local_layers) / hw.pp);
  const double sequences = std::ceil(static_cast<double>(o.max_sequences) / hw.attention_dp);
  return layers_per_stage * static_cast<double>(m.sliding_window) * sequences * KvBytesPerTokenPerLayerPerGpu(hw);
}

// The activation workspace the budget must hold: none under a static
// fraction (SGLang keeps activations and CUDA graphs outside it).
double BudgetedActivation(const MemoryOptions& o, const MemoryPlan& p) {
  return o.budget == MemoryBudget::kStaticFraction ? 0.0 : p.activation_bytes_per_gpu;
}

std::string Reason(const ReplicaHardware& hw, const MemoryOptions& o, const MemoryPlan& p) {
  const double needed = p.weights_bytes_per_gpu + BudgetedActivation(o, p);
  if (p.weights_bytes_per_gpu > p.usable_bytes) {
    return fmt::format("weights need {} per GPU {} but {}", Gb(p.weights_bytes_per_gpu), Layout(hw),
                       Offer(hw, p, o));
  }
  if (needed > p.usable_bytes) {
    return fmt::format("weights ({}) and activation workspace ({} for {} batch tokens) need {} per GPU {} but {}",
                       Gb(p.weights_bytes_per_gpu), Gb(p.activation_bytes_per_gpu), o.max_batch_tokens, Gb(needed),
                       Layout(hw), Offer(hw, p, o));
  }
  if (needed + p.window_kv_bytes_per_gpu > p.usable_bytes) {
    return fmt::format("weights ({}), activation workspace ({}) and the sliding-window KV of {} sequences ({}) "
                       "need {} per GPU {} but {}", Gb(p.weights_bytes_per_gpu), Gb(p.activation_bytes_per_gpu),
                       o.max_sequences, Gb(p.window_kv_bytes_per_gpu), Gb(needed + p.window_kv_bytes_per_gpu),
                       Layout(hw), Offer(hw, p, o));
  }
  return fmt::format("only {} tokens of KV cache fit ({} per GPU left after {} of weights and {} of activation "
                     "workspace; at least {} needed) {} on {}",
                     p.kv_capacity.value(), Gb(p.kv_bytes_per_gpu), Gb(p.weights_bytes_per_gpu),
                     Gb(p.activation_bytes_per_gpu), kMinKvTokens, Layout(hw), hw.gpu.id);
}

}  // namespace

MemoryPlan PlanMemory(const ReplicaHardware& hw, const MemoryOptions& options) {
  MemoryPlan p;
  p.gpu_memory_bytes = hw.gpu.MemoryBytes(options.capacity);
  p.reserved_bytes = options.reserved_bytes;
  const bool of_free = options.budget == MemoryBudget::kFractionOfFree;
  p.usable_bytes = (of_free ? p.gpu_memory_bytes : p.gpu_memory_bytes * options.gpu_memory_utilization) -
                   options.reserved_bytes;
  p.reason = CheckInputs(hw, options);
  if (!p.reason.empty()) return p;
  PlanWeights(hw, &p);
  p.activation_bytes_per_gpu = ActivationBytes(hw, options);
  p.window_kv_bytes_per_gpu = WindowKvBytesPerGpu(hw, options);
  const double fixed = p.weights_bytes_per_gpu + BudgetedActivation(options, p) + p.window_kv_bytes_per_gpu;
  p.kv_bytes_per_gpu = std::max(0.0, p.usable_bytes - fixed) * (of_free ? options.gpu_memory_utilization : 1.0);
  p.kv_bytes_per_token_per_gpu = KvBytesPerTokenPerGpu(hw);
  p.kv_capacity = Tokens(static_cast<std::int64_t>(std::floor(p.kv_bytes_per_gpu / p.kv_bytes_per_token_per_gpu)) *
                         hw.attention_dp);
  p.fits = fixed <= p.usable_bytes && p.kv_capacity.value() >= kMinKvTokens;
  if (!p.fits) p.reason = Reason(hw, options, p);
  return p;
}

}  // namespace fleetlab
