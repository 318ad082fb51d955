// The sizes derived from a model's shape (parameters, tokens, KV bytes) and
// a link's latency distribution (catalog.h). Counts are exact integers.
#include <cmath>
#include <optional>

#include "fleetlab/llm/catalog.h"

namespace fleetlab {

std::int64_t ModelSpec::AttentionParamsPerLayer() const {
  if (IsMla()) {  // DeepSeek-V2 (Liu et al. 2024), eq. 9-14: low-rank query and KV, decoupled RoPE key
    const std::int64_t qk = qk_nope_head_dim + qk_rope_head_dim;
    const std::int64_t q = q_lora_rank > 0 ? hidden * q_lora_rank + q_lora_rank * heads * qk : hidden * heads * qk;
    const std::int64_t kv_down = hidden * (kv_lora_rank + qk_rope_head_dim);
    return q + kv_down + MlaUpProjectionParams() + heads * v_head_dim * hidden;
  }
  const std::int64_t q = hidden * heads * head_dim, kv = 2 * hidden * kv_heads * head_dim;
  const std::int64_t out = heads * head_dim * hidden;
  return q + kv + out;
}

std::int64_t ModelSpec::MlaUpProjectionParams() const {
  return IsMla() ? kv_lora_rank * heads * (qk_nope_head_dim + v_head_dim) : 0;
}

std::int64_t ModelSpec::MlpParamsPerLayer() const {
  const std::int64_t router = experts > 1 ? hidden * experts : 0;
  return ffn_matrices * hidden * ffn * (experts + shared_experts) + router;
}

std::int64_t ModelSpec::ActiveMlpParamsPerLayer() const {
  const std::int64_t router = experts > 1 ? hidden * experts : 0;
  return ffn_matrices * hidden * ffn * (experts_per_token + shared_experts) + router;
}

std::int64_t ModelSpec::KvElementsPerTokenPerLayer() const {
  return IsMla() ? kv_lora_rank + qk_rope_head_dim : 2 * kv_heads * head_dim;
}

std::int64_t ModelSpec::EncoderTokens() const {
  if (!IsEncoder()) return 0;
  const std::int64_t side = image_size / patch_size;
  return side * side + 1;
}

// q, k, v, output projections and the MLP matrices, each with its bias, and
// the two layer norms (scale and shift).
std::int64_t ModelSpec::EncoderLayerParams() const {
  const std::int64_t inner = heads * head_dim;
  const std::int64_t attention = 3 * (hidden * inner + inner) + inner * hidden + hidden;
  const std::int64_t mlp = (ffn_matrices - 1) * (hidden * ffn + ffn) + ffn * hidden + hidden;
  return attention + mlp + 4 * hidden;
}

std::int64_t ModelSpec::EncoderEmbeddingParams() const {
  const std::int64_t conv = channels * patch_size * patch_size * hidden + hidden;
  return conv + hidden /* class token */ + EncoderTokens() * hidden /* positions */;
}

std::int64_t ModelSpec::EncoderHeadParams() const { return 2 * hidden + (classes > 0 ? hidden * classes + classes : 0); }

std::int64_t ModelSpec::TotalParams() const {
  if (IsEncoder()) return EncoderEmbeddingParams() + layers * EncoderLayerParams() + EncoderHeadParams();
  if (IsLayerList()) {
    std::int64_t sum = 0;
    for (const auto& l : layer_list) sum += l.params;
    return sum;
  }
  return EmbeddingParams() + layers * AttentionParamsPerLayer() + StandardLayers() * MlpParamsPerLayer() +
         dense_layers * DenseMlpParamsPerLayer() + LmHeadParams();
}

// Embeddings included, as in the published "active parameters" figures
// (Mixtral-8x7B: 12.9 B active = 12.6 B of layers + 0.26 B of embeddings).
std::int64_t ModelSpec::ActiveParams() const {
  if (!IsDecoder()) return TotalParams();
  return EmbeddingParams() + layers * AttentionParamsPerLayer() + StandardLayers() * ActiveMlpParamsPerLayer() +
         dense_layers * DenseMlpParamsPerLayer() + LmHeadParams();
}

Bytes ModelSpec::KvBytesPerToken(DType kv_dtype) const {
  const double elements = static_cast<double>(GlobalLayers() * KvElementsPerTokenPerLayer());
  return Bytes(std::llround(elements * BytesPerElement(kv_dtype)));
}

Bytes ModelSpec::WindowKvBytesPerSequence(DType kv_dtype) const {
  const double elements = static_cast<double>(local_layers * sliding_window * KvElementsPerTokenPerLayer());
  return Bytes(std::llround(elements * BytesPerElement(kv_dtype)));
}

std::string GpuSpec::ScaleOutLink() const { return scale_out_link.empty() ? kDefaultScaleOutLink : scale_out_link; }

std::optional<double> GpuSpec::PeakFlops(DType d) const {
  const auto it = peak_flops.find(d);
  if (it == peak_flops.end()) return std::nullopt;
  return it->second;
}

double LinkSpec::LatencyLogSigma() const {
  constexpr double kNormalP99 = 2.3263478740408408;  // Phi^-1(0.99)
  if (!(latency_s > 0) || !(latency_p99_s > latency_s)) return 0;
  return std::log(latency_p99_s / latency_s) / kNormalP99;
}

double LinkSpec::LatencyMean() const {
  const double sigma = LatencyLogSigma();
  return latency_s * std::exp(sigma * sigma / 2);
}

double LinkSpec::LatencyFor(double z) const { return latency_s * std::exp(LatencyLogSigma() * z); }

}  // namespace fleetlab
