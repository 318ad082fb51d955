#include "llm/perf/attention_cost.h"

#include <algorithm>

namespace fleetlab::attention_cost {

Share ShareOf(const IterationShape& shape, int groups) {
  const double g = groups;
  Share s;
  s.prefill_pairs = shape.prefill_attention_pairs / g;
  s.prefill_tokens = static_cast<double>(shape.prefill_tokens) / g;
  s.prefill_context = static_cast<double>(shape.prefill_context_tokens) / g;
  s.decode_sequences = static_cast<double>(shape.decode_sequences) / g;
  s.decode_tokens = static_cast<double>(shape.decode_tokens) / g;
  s.decode_context = static_cast<double>(shape.decode_context_tokens) / g;
  s.new_tokens = static_cast<double>(shape.tokens()) / g;
  return s;
}

Share Windowed(const Share& s, double window) {
  Share w = s;
  w.decode_context = std::min(s.decode_context, s.decode_sequences * window);
  w.prefill_context = std::min(s.prefill_context, window);
  w.prefill_pairs = std::min(s.prefill_pairs, s.prefill_tokens * window);
  return w;
}

double KvBytesPerTokenPerLayerPerGpu(const ModelSpec& m, int tp, DType kv) {
  if (m.IsMla()) return static_cast<double>(m.KvElementsPerTokenPerLayer()) * BytesPerElement(kv);
  const double kv_heads_per_gpu = static_cast<double>(m.kv_heads) / std::min<std::int64_t>(tp, m.kv_heads);
  return 2.0 * kv_heads_per_gpu * static_cast<double>(m.head_dim) * BytesPerElement(kv);
}

Work Layer(const ModelSpec& m, int tp, DType kv, MlaDecode decode, const Share& s) {
  const double heads = static_cast<double>(m.heads) / tp;
  const double tokens_per_seq = s.decode_sequences > 0 ? s.decode_tokens / s.decode_sequences : 0.0;
  const double decode_pairs = s.decode_context * tokens_per_seq;
  Work w;
  w.bytes = (s.prefill_context + s.decode_context + s.new_tokens) * KvBytesPerTokenPerLayerPerGpu(m, tp, kv);
  if (!m.IsMla()) {
    w.flops = 4.0 * heads * static_cast<double>(m.head_dim) * (s.prefill_pairs + decode_pairs);
    return w;
  }
  const double lora = static_cast<double>(m.kv_lora_rank), rope = static_cast<double>(m.qk_rope_head_dim);
  const double naive = 2.0 * static_cast<double>(m.qk_nope_head_dim + m.qk_rope_head_dim + m.v_head_dim);
  const double absorbed = 2.0 * (lora + rope) + 2.0 * lora;
  const bool naive_decode = decode == MlaDecode::kNaive;
  const double up_flops_per_token = 2.0 * static_cast<double>(m.MlaUpProjectionParams()) / tp;
  const double decompressed = s.prefill_context + (naive_decode ? s.decode_context : 0.0);
  w.flops = heads * (naive * s.prefill_pairs + (naive_decode ? naive : absorbed) * decode_pairs) +
            up_flops_per_token * decompressed;
  return w;
}

}  // namespace fleetlab::attention_cost
