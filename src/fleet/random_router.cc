// Random: each request to a replica drawn uniformly (stream "routing").
// Poisson arrivals split this way are N independent Poisson streams
// (thinning), so each replica is a queue of its own at rate lambda / N.
#include "fleet/routing_policy.h"

namespace fleetlab {
namespace {

class RandomPolicy final : public RoutingPolicy {
 public:
  explicit RandomPolicy(Rng rng) : rng_(rng) {}
  std::size_t Choose(const LoadBoard& loads) override { return static_cast<std::size_t>(rng_.Below(loads.size())); }

 private:
  Rng rng_;
};

}  // namespace

std::unique_ptr<RoutingPolicy> MakeRandomPolicy(Rng rng) { return std::make_unique<RandomPolicy>(rng); }

}  // namespace fleetlab
