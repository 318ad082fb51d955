// The work of one attention layer on one GPU, for every attention variant
// the catalog knows (docs/model.md, "Attention variants"): GQA/MQA/MHA,
// MLA (absorbed or naive decode), and sliding-window layers. Pure functions
// of an aggregate iteration shape: O(1), no per-sequence state.
#pragma once

#include "fleetlab/llm/perf_model.h"

namespace fleetlab::attention_cost {

// FLOPs and HBM bytes of one layer's attention on one GPU.
struct Work {
  double flops = 0;
  double bytes = 0;
};

// The share of an iteration one attention group (one of attention_dp) sees.
struct Share {
  double prefill_pairs = 0;     // causal query-key pairs of the prefill chunks
  double prefill_tokens = 0;
  double prefill_context = 0;   // cached tokens the chunks read
  double decode_sequences = 0;
  double decode_tokens = 0;
  double decode_context = 0;    // sum of the decoding sequences' contexts
  double new_tokens = 0;        // all tokens whose K and V are written
};

// `shape` divided evenly over `groups` attention groups. Inline, as Layer:
// a roofline calls both on every iteration.
inline Share ShareOf(const IterationShape& shape, int groups) {
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

// The same share as a layer attending to the last `window` tokens sees it:
// each decoding sequence reads at most `window` tokens, a prefill chunk at
// most `window` cached ones, and a prompt token at most `window` pairs.
// Exact when every context is at least the window (decode) and there is one
// chunk (prefill); otherwise an upper bound.
Share Windowed(const Share& s, double window);

// KV bytes one token occupies in one layer on one GPU: GQA splits the KV
// heads over TP ranks up to their count, then replicates them; MLA's latent
// is shared by all heads, so every TP rank holds all of it.
double KvBytesPerTokenPerLayerPerGpu(const ModelSpec& m, int tp, DType kv);

// What Layer needs of the model and the replica, computed once (a roofline
// holds one per model; Layer(m, tp, ...) builds it per call).
struct LayerConstants {
  bool mla = false;
  bool naive_decode = false;
  double heads = 0;               // query heads per GPU: heads / tp
  double head_dim = 0;
  double kv_bytes_per_token = 0;  // KvBytesPerTokenPerLayerPerGpu
  double mla_naive = 0, mla_absorbed = 0, mla_up_flops_per_token = 0;  // MLA only
};
LayerConstants ConstantsOf(const ModelSpec& m, int tp, DType kv, MlaDecode decode);

// One layer's attention on one GPU of a tp-way group over `s`.
//   GQA: 4 d FLOPs per query-key pair per head (QK^T and AV), heads / tp
//        per GPU; the KV read once per sequence plus the new tokens written.
//   MLA: prefill pairs (and naive decode) cost 2 (nope + rope) + 2 v per
//        pair per head, after projecting the cached latents they read up to
//        keys and values (2 x the up-projection's parameters / tp per
//        token); absorbed decode pairs cost 2 (kv_lora + rope) + 2 kv_lora
//        over the latents themselves. Bytes: the latents read and written.
Work Layer(const ModelSpec& m, int tp, DType kv, MlaDecode decode, const Share& s);
inline Work Layer(const LayerConstants& c, const Share& s) {
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
