// Routing policies: which replica gets the next request, one policy per
// file, chosen in one factory switch (MakeRoutingPolicy). A policy reads
// loads only through the LoadBoard, so live and stale routing share it.
#pragma once

#include <cstddef>
#include <memory>

#include "fleet/load_board.h"
#include "fleetlab/fleet/options.h"
#include "fleetlab/random/rng.h"

namespace fleetlab {

class RoutingPolicy {
 public:
  virtual ~RoutingPolicy() = default;
  // The index of the replica for the next request. Deterministic given the
  // loads and the policy's own random stream; ties go to the lowest index.
  // REQUIRES: loads.size() > 0.
  virtual std::size_t Choose(const LoadBoard& loads) = 0;
};

// The one place a policy is chosen. `routing_rng` is the stream "routing";
// only the random policies draw from it.
std::unique_ptr<RoutingPolicy> MakeRoutingPolicy(RouterPolicy policy, Rng routing_rng);

}  // namespace fleetlab
