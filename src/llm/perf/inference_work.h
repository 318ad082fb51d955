// The work of one layer of any architecture for one batch, before it is
// divided among tensor-parallel devices: FLOPs, bytes read and written,
// memory held. Internal to EstimateInference (inference_cost.cc); the
// formulas are in docs/model.md, "Non-LLM models and edge devices". A
// decoder layer gives only its FLOPs and what it holds: its time comes from
// the replica's roofline (decoder_stage.h), which prices what it reads.
#pragma once

#include <cstdint>

#include "fleetlab/llm/catalog.h"

namespace fleetlab::inference_internal {

struct LayerWork {
  double matmul_flops = 0;           // linear layers and convolutions
  double attention_flops = 0;        // QK^T and AV
  double weight_bytes = 0;           // weights read (for MoE: the experts touched)
  double resident_weight_bytes = 0;  // weights held (all experts)
  double activation_bytes = 0;       // activations read + written by the linear part (+ recurrent state)
  double attention_bytes = 0;        // K, V (decoder: the cache) read + written by attention
  double live_bytes = 0;             // largest set of activations live at once
  double state_bytes = 0;            // recurrent state held between inputs
  double kv_bytes = 0;               // decoder: KV cache held
  // The embedding on layer 0 and the head on the last layer: separate
  // kernels, so a roofline of their own (a memory-bound LM head is not
  // hidden behind a compute-bound layer).
  double extra_flops = 0;
  double extra_bytes = 0;
  double tp_payload_bytes = 0;       // bytes of one tensor-parallel collective
  int tp_all_reduces = 0;            // transformer layers: 2 (after attention, after the MLP)
  bool tp_all_gather = false;        // layer lists: all-gather the layer's output
};

// What the batch is: inputs, tokens per input (resolved, > 0 for
// transformers), decoder context per input, bytes per element.
struct WorkShape {
  double batch = 1;
  double tokens = 0;
  double context = 0;
  double bytes = 1;
};

// Layer `i` of `m` (0 <= i < LayerCount(m)), including the embedding on
// layer 0 and the head on the last layer.
LayerWork WorkOf(const ModelSpec& m, std::int64_t i, const WorkShape& s);

// Elements entering layer `i` per input (i == LayerCount: the model's
// output). Decoder/encoder: tokens x hidden between layers.
double ElementsBefore(const ModelSpec& m, std::int64_t i, double tokens);

}  // namespace fleetlab::inference_internal
