// An engine profile: the serving engine a replica imitates (vLLM V1,
// TensorRT-LLM), read from data/engines/<id>.json. It gives the scheduler's
// defaults and how the engine budgets GPU memory for its KV cache; a
// scenario names it as replica.engine and may still override any field.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "fleetlab/llm/batching_policy.h"
#include "fleetlab/util/enum_names.h"

namespace fleetlab {

// Which memory size a GPU has for the plan: the vendor's nominal figure
// (memory_gb x 1e9, conservative) or what the device reports to the driver
// (device_memory_mib; the nominal figure where a GPU gives none).
enum class MemoryCapacity { kNominal, kDevice };
inline constexpr auto kMemoryCapacityNames =
    MakeEnumNames<MemoryCapacity>({{MemoryCapacity::kNominal, "nominal"}, {MemoryCapacity::kDevice, "device"}});

// How the engine sizes its KV cache from that memory.
enum class MemoryBudget {
  // vLLM: total x gpu_memory_utilization, less weights, activations and the
  // framework's reservation, is KV cache.
  kFractionOfTotal,
  // TensorRT-LLM: what is free after weights, activations and the
  // reservation, times the fraction (kv_cache_free_gpu_memory_fraction).
  kFractionOfFree,
  // SGLang: total x mem_fraction_static holds the weights and the KV pool
  // (less the reservation in use when the pool is sized); activations and
  // CUDA graphs live in the rest, so they are not taken off the KV.
  kStaticFraction,
};
inline constexpr auto kMemoryBudgetNames = MakeEnumNames<MemoryBudget>(
    {{MemoryBudget::kFractionOfTotal, "fraction_of_total"},
     {MemoryBudget::kFractionOfFree, "fraction_of_free"},
     {MemoryBudget::kStaticFraction, "static_fraction"}});

// Which requests an iteration may admit when KV blocks are short.
enum class CapacityPolicy {
  // Admit while the blocks a request needs now are free; preempt when a
  // running request cannot grow (vLLM; TensorRT-LLM MAX_UTILIZATION).
  kMaxUtilization,
  // Admit only if every admitted request's whole prompt + output fits at
  // once, so nothing is ever preempted (TensorRT-LLM GUARANTEED_NO_EVICT).
  kGuaranteedNoEvict,
};
inline constexpr auto kCapacityPolicyNames = MakeEnumNames<CapacityPolicy>(
    {{CapacityPolicy::kMaxUtilization, "max_utilization"}, {CapacityPolicy::kGuaranteedNoEvict, "guaranteed_no_evict"}});

struct EngineSpec {
  std::string id, name;
  BatchingPolicy policy = BatchingPolicy::kChunkedPrefill;
  // With chunked prefill: false admits a prompt only when all of it fits
  // the iteration's token budget (TensorRT-LLM without chunked context).
  bool chunk_prompts = true;
  CapacityPolicy capacity = CapacityPolicy::kMaxUtilization;
  // max_num_seqs and max_num_batched_tokens: the large-GPU values apply on a
  // GPU with at least large_gpu_min_gib of device memory whose id is not in
  // large_gpu_except (vLLM's own rule); the others elsewhere.
  std::int64_t max_running = 256, max_batch_tokens = 8192;
  std::int64_t max_running_large = 256, max_batch_tokens_large = 8192;
  double large_gpu_min_gib = 0;
  std::vector<std::string> large_gpu_except;
  bool prefix_caching = false;
  MemoryBudget budget = MemoryBudget::kFractionOfTotal;
  double memory_fraction = 0.9;
  // The fraction by tensor-parallel degree where the engine's default
  // depends on it (SGLang): (minimum TP, fraction), TP ascending; a replica
  // takes the entry of the largest minimum <= its TP. Empty: memory_fraction.
  std::vector<std::pair<int, double>> memory_fraction_by_tp;
  double MemoryFractionFor(int tp) const {
    double f = memory_fraction;
    for (const auto& [min_tp, fraction] : memory_fraction_by_tp) {
      if (tp >= min_tp) f = fraction;
    }
    return f;
  }
  // Per GPU, outside the engine's own tensors: CUDA context, driver,
  // communication buffers; one GPU alone and a GPU of a multi-GPU replica.
  double reserved_gib = 0, reserved_gib_multi_gpu = 0;
  // Host time per iteration and per running sequence (ReplicaHardware's
  // iteration_overhead_s and sequence_overhead_s); negative: keep
  // fleetlab's defaults.
  double iteration_overhead_ms = -1, sequence_overhead_ms = -1;
  std::map<std::string, std::string> sources;
};

}  // namespace fleetlab
