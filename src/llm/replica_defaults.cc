#include "fleetlab/llm/replica_options.h"

namespace fleetlab {

std::string DefaultTpLink(const GpuSpec& gpu, int tp) {
  return tp <= gpu.gpus_per_node ? gpu.scale_up_link : kScaleOutLink;
}

std::string DefaultPpLink(const GpuSpec& gpu, int tp, int pp) {
  return tp * pp <= gpu.gpus_per_node ? gpu.scale_up_link : kScaleOutLink;
}

}  // namespace fleetlab
