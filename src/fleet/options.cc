#include "fleetlab/fleet/options.h"

namespace fleetlab {

const char* RouterPolicyName(RouterPolicy policy) {
  switch (policy) {
    case RouterPolicy::kRoundRobin: return "round_robin";
    case RouterPolicy::kRandom: return "random";
    case RouterPolicy::kLeastOutstanding: return "least_outstanding";
    case RouterPolicy::kPowerOfTwo: return "power_of_two";
    case RouterPolicy::kLeastKv: return "least_kv";
  }
  return "round_robin";
}

}  // namespace fleetlab
