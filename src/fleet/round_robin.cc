// Round robin: replicas in turn, 0, 1, ..., N-1, 0, ... whatever their load.
#include "fleet/routing_policy.h"

namespace fleetlab {
namespace {

class RoundRobinPolicy final : public RoutingPolicy {
 public:
  std::size_t Choose(const LoadBoard& loads) override {
    const std::size_t pick = next_ % loads.size();
    next_ = pick + 1;
    return pick;
  }

 private:
  std::size_t next_ = 0;
};

}  // namespace

std::unique_ptr<RoutingPolicy> MakeRoundRobinPolicy() { return std::make_unique<RoundRobinPolicy>(); }

}  // namespace fleetlab
