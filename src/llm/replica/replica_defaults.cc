#include "fleetlab/llm/replica_options.h"

#include <algorithm>

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
