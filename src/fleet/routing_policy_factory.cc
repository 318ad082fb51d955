#include "fleet/routing_policy.h"

namespace fleetlab {

std::unique_ptr<RoutingPolicy> MakeRoundRobinPolicy();
std::unique_ptr<RoutingPolicy> MakeRandomPolicy(Rng rng);
std::unique_ptr<RoutingPolicy> MakeLeastOutstandingPolicy();
std::unique_ptr<RoutingPolicy> MakePowerOfTwoPolicy(Rng rng);
std::unique_ptr<RoutingPolicy> MakeLeastKvPolicy();

std::unique_ptr<RoutingPolicy> MakeRoutingPolicy(RouterPolicy policy, Rng routing_rng) {
  switch (policy) {
    case RouterPolicy::kRoundRobin: return MakeRoundRobinPolicy();
    case RouterPolicy::kRandom: return MakeRandomPolicy(routing_rng);
    case RouterPolicy::kLeastOutstanding: return MakeLeastOutstandingPolicy();
    case RouterPolicy::kPowerOfTwo: return MakePowerOfTwoPolicy(routing_rng);
    case RouterPolicy::kLeastKv: return MakeLeastKvPolicy();
  }
  return MakeRoundRobinPolicy();
}

}  // namespace fleetlab
