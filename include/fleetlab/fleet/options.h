// FleetOptions: many copies of one system (a generic station or an LLM
// replica) behind a router. Parsed and validated from a scenario's "fleet"
// object (docs/scenario.md).
#pragma once

#include <cstdint>

#include "fleetlab/util/enum_names.h"

namespace fleetlab {

// How the router picks a replica for each request. Every policy breaks ties
// by the lowest replica index.
enum class RouterPolicy {
  kRoundRobin,        // replicas in turn, ignoring load
  kRandom,            // uniformly at random (stream "routing")
  kLeastOutstanding,  // fewest running + queued requests (join the shortest queue)
  kPowerOfTwo,        // two distinct replicas at random (stream "routing"), the less loaded of them
  kLeastKv,           // smallest KV-cache stored fraction (a station: fewest waiting); then least outstanding
};

// The policies' scenario names: parsing, printing and the count derive from it.
inline constexpr auto kRouterPolicyNames = MakeEnumNames<RouterPolicy>({
    {RouterPolicy::kRoundRobin, "round_robin"},
    {RouterPolicy::kRandom, "random"},
    {RouterPolicy::kLeastOutstanding, "least_outstanding"},
    {RouterPolicy::kPowerOfTwo, "power_of_two"},
    {RouterPolicy::kLeastKv, "least_kv"},
});

// The policy's scenario name ("round_robin", "power_of_two", ...).
const char* RouterPolicyName(RouterPolicy policy);

struct RouterOptions {
  RouterPolicy policy = RouterPolicy::kRoundRobin;
  // 0: the router reads every replica's load live at each decision (an
  // oracle). > 0: it sees each replica's load as last reported; replica i
  // reports at i * interval / N and then every interval. Raise it to see
  // routers herd onto replicas that merely looked idle.
  double report_interval_s = 0.0;
  // With stale reports: add the requests the router itself sent to a
  // replica since its last report to what it saw. Off by default, so the
  // snapshot is all the router knows and the herding shows undamped; turn
  // it on to model a router that tracks its own in-flight sends.
  bool count_own_sends = false;
};

struct FleetOptions {
  // Identical copies of the scenario's station or replica. Change it to
  // scale out; each copy draws from its own random streams.
  std::uint32_t replicas = 1;
  RouterOptions router;
};

}  // namespace fleetlab
