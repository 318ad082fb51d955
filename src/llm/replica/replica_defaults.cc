#include "fleetlab/llm/replica_options.h"

#include <algorithm>
#include <cassert>

namespace fleetlab {

std::string DefaultTpLink(const GpuSpec& gpu, int tp) {
  return tp <= gpu.gpus_per_node ? gpu.scale_up_link : gpu.ScaleOutLink();
}

std::string DefaultPpLink(const GpuSpec& gpu, int tp, int pp) {
  return tp * pp <= gpu.gpus_per_node ? gpu.scale_up_link : gpu.ScaleOutLink();
}

std::string DefaultEpLink(const GpuSpec& gpu, int stage_gpus) {
  return stage_gpus <= gpu.gpus_per_node ? gpu.scale_up_link : gpu.ScaleOutLink();
}

void ApplyEngineDefaults(const EngineSpec& e, ReplicaOptions* o) {
  o->engine = e.id;
  const GpuSpec& gpu = o->hardware.gpu;
  const bool excluded =
      std::find(e.large_gpu_except.begin(), e.large_gpu_except.end(), gpu.id) != e.large_gpu_except.end();
  const bool large = !excluded && gpu.MemoryBytes(MemoryCapacity::kDevice) >= e.large_gpu_min_gib * kBytesPerGiB;
  SchedulerOptions& s = o->scheduler;
  s.policy = e.policy;
  s.chunk_prompts = e.chunk_prompts;
  s.capacity = e.capacity;
  s.max_running = large ? e.max_running_large : e.max_running;
  s.max_batch_tokens = large ? e.max_batch_tokens_large : e.max_batch_tokens;
  o->kv.cache.prefix_caching = e.prefix_caching;
  if (e.iteration_overhead_ms >= 0) o->hardware.iteration_overhead_s = e.iteration_overhead_ms / 1e3;
  if (e.sequence_overhead_ms >= 0) o->hardware.sequence_overhead_s = e.sequence_overhead_ms / 1e3;
  MemoryOptions& m = o->memory;
  m.capacity = MemoryCapacity::kDevice;
  m.budget = e.budget;
  m.gpu_memory_utilization = e.MemoryFractionFor(o->hardware.tp);
  m.reserved_bytes = (o->hardware.gpus() > 1 ? e.reserved_gib_multi_gpu : e.reserved_gib) * kBytesPerGiB;
}

void ApplyCalibrationProfile(const CalibrationProfile& p, ReplicaOptions* o) {
  assert(p.gpu == o->hardware.gpu.id && p.dtype == o->hardware.activation_dtype &&
         o->hardware.weight_dtype == o->hardware.activation_dtype);
  o->hardware.calibration = ProfileForEngine(p, o->engine);
  if (p.iteration_overhead_s) o->hardware.iteration_overhead_s = *p.iteration_overhead_s;
  if (p.sequence_overhead_s) o->hardware.sequence_overhead_s = *p.sequence_overhead_s;
}

std::int64_t ReservationTokens(ReservationPolicy policy, std::int64_t final_length, std::int64_t max_len) {
  switch (policy) {
    case ReservationPolicy::kMaxLength: return max_len;
    case ReservationPolicy::kOracle: return final_length;
    case ReservationPolicy::kPowerOfTwo: {
      std::int64_t r = 1;
      while (r < final_length) r *= 2;
      return std::min(r, max_len);
    }
  }
  return max_len;
}

}  // namespace fleetlab
