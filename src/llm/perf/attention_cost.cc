#include "llm/perf/attention_cost.h"

#include <algorithm>

namespace fleetlab::attention_cost {

Share ShareOf(const IterationShape& shape, int groups) {
  Share s;
  s.prefill_pairs = shape.prefill_attention_pairs;
  s.prefill_tokens = static_cast<double>(shape.prefill_tokens);
  s.prefill_context = static_cast<double>(shape.prefill_context_tokens);
  s.decode_sequences = static_cast<double>(shape.decode_sequences);
  s.decode_tokens = static_cast<double>(shape.decode_tokens);
  s.decode_context = static_cast<double>(shape.decode_context_tokens);
  s.new_tokens = static_cast<double>(shape.tokens());
  if (groups == 1) return s;  // x / 1 == x: the division would change nothing
  const double g = groups;
  for (double* v : {&s.prefill_pairs, &s.prefill_tokens, &s.prefill_context, &s.decode_sequences, &s.decode_tokens,
                    &s.decode_context, &s.new_tokens}) {
    *v /= g;
  }
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

LayerConstants ConstantsOf(const ModelSpec& m, int tp, DType kv, MlaDecode decode) {
  LayerConstants c;
  c.mla = m.IsMla();
  c.naive_decode = decode == MlaDecode::kNaive;
  c.heads = static_cast<double>(m.heads) / tp;
  c.head_dim = static_cast<double>(m.head_dim);
  c.kv_bytes_per_token = KvBytesPerTokenPerLayerPerGpu(m, tp, kv);
  if (c.mla) {
    const double lora = static_cast<double>(m.kv_lora_rank), rope = static_cast<double>(m.qk_rope_head_dim);
    c.mla_naive = 2.0 * static_cast<double>(m.qk_nope_head_dim + m.qk_rope_head_dim + m.v_head_dim);
    c.mla_absorbed = 2.0 * (lora + rope) + 2.0 * lora;
    c.mla_up_flops_per_token = 2.0 * static_cast<double>(m.MlaUpProjectionParams()) / tp;
  }
  return c;
}

Work Layer(const ModelSpec& m, int tp, DType kv, MlaDecode decode, const Share& s) {
  return Layer(ConstantsOf(m, tp, kv, decode), s);
}

Work Layer(const LayerConstants& c, const Share& s) {
  // One token a sequence unless verifying drafts (x / x == 1 exactly).
  const double tokens_per_seq = s.decode_tokens == s.decode_sequences ? (s.decode_sequences > 0 ? 1.0 : 0.0)
                                : s.decode_sequences > 0            ? s.decode_tokens / s.decode_sequences
                                                                    : 0.0;
  const double decode_pairs = s.decode_context * tokens_per_seq;
  Work w;
  w.bytes = (s.prefill_context + s.decode_context + s.new_tokens) * c.kv_bytes_per_token;
  if (!c.mla) {
    w.flops = 4.0 * c.heads * c.head_dim * (s.prefill_pairs + decode_pairs);
    return w;
  }
  const double decompressed = s.prefill_context + (c.naive_decode ? s.decode_context : 0.0);
  w.flops = c.heads * (c.mla_naive * s.prefill_pairs + (c.naive_decode ? c.mla_naive : c.mla_absorbed) * decode_pairs) +
            c.mla_up_flops_per_token * decompressed;
  return w;
}

}  // namespace fleetlab::attention_cost
