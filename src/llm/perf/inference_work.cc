// Per-layer work of the three architectures (inference_work.h). Every
// matrix product costs 2 FLOPs per multiply-accumulate (Kaplan et al. 2020:
// forward FLOPs per token ~ 2 x parameters); attention costs 4 x heads x head_dim
// FLOPs per query-key pair (QK^T and AV).
#include "llm/perf/inference_work.h"

#include <algorithm>
#include <cmath>

namespace fleetlab::inference_internal {
namespace {

double D(std::int64_t v) { return static_cast<double>(v); }

// Decoder layer: what it holds and its FLOPs. Its time is the replica's
// roofline (decoder_stage.h), which prices the bytes it reads.
LayerWork DecoderLayer(const ModelSpec& m, std::int64_t i, const WorkShape& s) {
  LayerWork w;
  const double t = s.batch * s.tokens, b = s.bytes, h = D(m.hidden), k = D(m.experts_per_token);
  w.matmul_flops = 2.0 * t * D(m.AttentionParamsPerLayer() + m.ActiveMlpParamsPerLayer());
  w.resident_weight_bytes = D(m.AttentionParamsPerLayer() + m.MlpParamsPerLayer()) * b;
  const double pairs = s.batch * (s.tokens * s.context + s.tokens * (s.tokens + 1) / 2);
  // MLA: keys of nope + rope and values of v_head_dim per head (naive form);
  // the cache holds the latent, kv_lora + rope a token (docs/model.md).
  const double per_pair = m.IsMla() ? 2.0 * D(m.qk_nope_head_dim + m.qk_rope_head_dim + m.v_head_dim) : 4.0 * D(m.head_dim);
  w.attention_flops = per_pair * D(m.heads) * pairs;
  w.kv_bytes = s.batch * (s.context + s.tokens) * D(m.KvElementsPerTokenPerLayer()) * b;
  w.live_bytes = t * (2.0 * h + D(m.ffn_matrices - 1) * D(m.ffn) * k) * b;
  const double vh = D(m.vocab) * h;
  if (i == 0) w.resident_weight_bytes += vh * b;  // embedding table (rows gathered: no FLOPs)
  if (i == m.layers - 1) {                        // LM head: one row of logits per input
    w.extra_flops += 2.0 * s.batch * vh;
    if (!m.tied_embeddings) w.resident_weight_bytes += vh * b;  // tied: the embedding's table (see TiedHeadBytes)
  }
  return w;
}

// Vision-transformer layer: full (non-causal) attention over the tokens.
LayerWork EncoderLayer(const ModelSpec& m, std::int64_t i, const WorkShape& s) {
  LayerWork w;
  const double t = s.batch * s.tokens, b = s.bytes, h = D(m.hidden), inner = D(m.heads * m.head_dim);
  const double linear = 4.0 * h * inner + D(m.ffn_matrices) * h * D(m.ffn);
  w.matmul_flops = 2.0 * t * linear;
  w.weight_bytes = w.resident_weight_bytes = D(m.EncoderLayerParams()) * b;
  w.activation_bytes = 2.0 * t * h * b;
  w.attention_flops = 4.0 * inner * s.batch * s.tokens * s.tokens;
  w.attention_bytes = 4.0 * t * inner * b;  // read Q, K, V; write the output
  const double scores = s.batch * D(m.heads) * s.tokens * s.tokens;
  w.live_bytes = std::max(t * (2.0 * h + D(m.ffn_matrices - 1) * D(m.ffn)), t * (h + 3.0 * inner) + scores) * b;
  w.tp_payload_bytes = t * h * b;
  w.tp_all_reduces = 2;
  if (i == 0) {  // patch embedding: a patch x patch conv over the image, stride = patch
    const double patches = s.tokens - 1, patch_in = D(m.channels * m.patch_size * m.patch_size);
    const double image = D(m.channels * m.image_size * m.image_size);
    w.extra_flops += 2.0 * s.batch * patches * patch_in * h;
    w.extra_bytes += D(m.EncoderEmbeddingParams()) * b + s.batch * image * b + t * h * b;
    w.resident_weight_bytes += D(m.EncoderEmbeddingParams()) * b;
    w.live_bytes = std::max(w.live_bytes, (s.batch * image + t * h) * b);
  }
  if (i == m.layers - 1) {  // final norm + classifier on the class token
    w.extra_flops += 2.0 * s.batch * h * D(m.classes);
    w.extra_bytes += D(m.EncoderHeadParams()) * b + s.batch * D(m.classes) * b;
    w.resident_weight_bytes += D(m.EncoderHeadParams()) * b;
  }
  return w;
}

// One entry of a layer list: its MACs, parameters and activations per input.
LayerWork ListLayer(const ModelSpec& m, std::int64_t i, const WorkShape& s) {
  LayerWork w;
  const LayerSpec& l = m.layer_list[static_cast<std::size_t>(i)];
  const double b = s.bytes;
  w.matmul_flops = 2.0 * l.macs * s.batch;
  w.weight_bytes = w.resident_weight_bytes = D(l.params) * b;
  w.activation_bytes = (D(l.in_elements + l.out_elements) + 2.0 * D(l.state_elements)) * s.batch * b;
  w.live_bytes = D(l.live_elements) * s.batch * b;
  w.state_bytes = D(l.state_elements) * s.batch * b;
  w.tp_payload_bytes = D(l.out_elements) * s.batch * b;
  w.tp_all_gather = true;
  return w;
}

}  // namespace

LayerWork WorkOf(const ModelSpec& m, std::int64_t i, const WorkShape& s) {
  if (m.IsLayerList()) return ListLayer(m, i, s);
  if (m.IsEncoder()) return EncoderLayer(m, i, s);
  return DecoderLayer(m, i, s);
}

double ElementsBefore(const ModelSpec& m, std::int64_t i, double tokens) {
  if (m.IsLayerList()) {
    if (i >= m.layers) return D(m.layer_list.back().out_elements);
    return D(m.layer_list[static_cast<std::size_t>(i)].in_elements);
  }
  if (m.IsEncoder()) {
    if (i == 0) return D(m.channels * m.image_size * m.image_size);
    if (i >= m.layers) return D(m.classes > 0 ? m.classes : m.hidden);
    return tokens * D(m.hidden);
  }
  if (i >= m.layers) return D(m.vocab);  // logits of the last token
  return tokens * D(m.hidden);           // layer 0: the embedded tokens
}

}  // namespace fleetlab::inference_internal
