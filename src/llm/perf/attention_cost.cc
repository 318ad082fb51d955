#include "llm/perf/attention_cost.h"

#include <algorithm>

namespace fleetlab::attention_cost {

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


}  // namespace fleetlab::attention_cost
