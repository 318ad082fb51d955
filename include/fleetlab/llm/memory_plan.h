// Memory of one replica: what each GPU holds, and how many tokens of KV
// cache fit beside the weights.
#pragma once

#include <string>

#include "fleetlab/llm/perf_model.h"
#include "fleetlab/llm/units.h"
#include "fleetlab/status.h"

namespace fleetlab {

struct MemoryOptions {
  // Fraction of each GPU's memory the serving stack may use (vLLM's
  // gpu_memory_utilization, default 0.9); the rest is left for the CUDA
  // context, the allocator's slack and other processes.
  double gpu_memory_utilization = 0.90;
  // Which size of the GPU's memory the plan starts from: nominal (the
  // vendor's GB, conservative: what the lab teaches with) or what the device
  // reports (an engine profile's choice; catalog.h GpuSpec::MemoryBytes).
  MemoryCapacity capacity = MemoryCapacity::kNominal;
  // How the KV budget follows from it (engine_spec.h): vLLM's fraction of
  // the total, TensorRT-LLM's fraction of what is free after the weights, or
  // SGLang's static fraction (weights and KV only).
  MemoryBudget budget = MemoryBudget::kFractionOfTotal;
  // Per GPU, bytes the framework holds outside its tensors (CUDA context,
  // communication buffers): an engine profile's reserved_gib.
  double reserved_bytes = 0;
  // Activation workspace per GPU, as tokens of one iteration that must fit
  // in flight (the largest prefill chunk or batch): sized as
  // max_batch_tokens x (hidden + ffn/tp) x activation bytes x 2 buffers.
  std::int64_t max_batch_tokens = 8192;
  // Sequences that may run at once (the scheduler's max_running x pp): each
  // holds up to a window of KV in a sliding-window model's local layers.
  std::int64_t max_sequences = 256;
};

struct MemoryPlan {
  double gpu_memory_bytes = 0;     // memory of one GPU (nominal or device-reported)
  // What weights, activations and KV may use: gpu_memory_bytes x
  // gpu_memory_utilization - reserved (fraction of total; a static fraction
  // the same, less weights and KV only: activations live outside it);
  // gpu_memory_bytes - reserved (fraction of free, where the fraction
  // applies to the rest).
  double usable_bytes = 0;
  double reserved_bytes = 0;       // the framework's reservation per GPU
  double weights_bytes_per_gpu = 0;  // the most loaded GPU (first or last stage)
  double weights_bytes_total = 0;    // all GPUs of the replica together
  double activation_bytes_per_gpu = 0;
  // Sliding-window layers: the window of every sequence that may run
  // (max_sequences), reserved before the rest becomes KV token slots.
  double window_kv_bytes_per_gpu = 0;
  double kv_bytes_per_gpu = 0;       // what is left for the KV cache
  // KV bytes one token occupies on one GPU (its KV heads and layers only;
  // KV heads split across TP ranks up to their count, then replicate).
  double kv_bytes_per_token_per_gpu = 0;
  // Token slots of KV cache in the replica (every GPU holds its slice of
  // every token, so this is the per-GPU quotient; with attention data
  // parallelism, times the attention groups, each holding its sequences).
  Tokens kv_capacity{0};
  bool fits = false;
  // When it does not fit: e.g. "weights need 141.1 GB per GPU (llama-3-70b
  // bf16, TP1 PP1) but one h100-sxm offers 72.0 GB (80.0 GB x 0.90)".
  std::string reason;
};

// Plans the replica's memory. Never fails: a configuration that does not fit
// returns fits = false with the reason.
MemoryPlan PlanMemory(const ReplicaHardware& hw, const MemoryOptions& options);

}  // namespace fleetlab
