// PathOptions: a request's path through several stages — network links,
// pools of service stations (optionally hedged), and fan-outs that split a
// request into sub-requests and join them. Parsed and validated from a
// scenario's "path" object (docs/scenario.md, "path").
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "fleetlab/fleet/options.h"
#include "fleetlab/random/distribution.h"
#include "fleetlab/station/options.h"

namespace fleetlab {

// A network hop on the request path (alpha-beta model with jitter and loss).
struct LinkHopOptions {
  std::string name = "link";
  // Per-message start-up latency alpha, in seconds, drawn per attempt: its
  // spread is the link's jitter.
  Distribution alpha_s = Distribution::Deterministic(0.0);
  // Bytes/s each way, and the message size: a message occupies one lane for
  // bytes / bandwidth (its serialisation), after its alpha.
  double bandwidth_Bps = 1e9;
  double bytes = 0;
  // Messages serialised at once; more wait their turn (FIFO). 0: unlimited
  // (no contention). Raise it for a link with several channels.
  std::uint32_t lanes = 1;
  // Probability that one attempt is lost; a lost message is resent
  // retry_timeout_s after the attempt began, at most max_attempts times in
  // all, then dropped.
  double loss = 0;
  double retry_timeout_s = 0.010;
  std::uint32_t max_attempts = 8;
  // Radio/NIC energy per byte sent (joules), every attempt counted.
  double energy_j_per_byte = 0;

  // Mean time of one attempt without queueing, in seconds.
  double MeanAttemptTime() const { return alpha_s.Mean() + (bandwidth_Bps > 0 ? bytes / bandwidth_Bps : 0.0); }
  // Most messages per second the lanes can serialise (infinite if unlimited).
  double Capacity() const;
};

// Hedged requests: a backup copy to a second replica of the same pool after
// a delay, the first answer wins.
struct HedgeOptions {
  enum class Trigger {
    kNone,      // no hedging
    kFixed,     // after delay_s
    kQuantile,  // after the pool's observed `quantile` of first-copy latency
  };
  Trigger trigger = Trigger::kNone;
  double delay_s = 0.0;    // kFixed; kQuantile: the delay until min_samples are seen
  double quantile = 0.95;  // kQuantile (Dean & Barroso hedge at the 95th percentile)
  std::uint32_t min_samples = 100;
  // Withdraw the losing copy as soon as one copy answers (it stops, frees its
  // server, and its unfinished work is saved). Off: the loser runs to the end.
  bool cancel_loser = false;
};

// N identical stations behind a router: a model served by N devices.
struct PoolOptions {
  std::string name = "pool";
  std::uint32_t replicas = 1;
  RouterOptions router;
  StationOptions station;
  HedgeOptions hedge;

  // The most requests per second the pool serves (hedge copies not counted).
  double Capacity() const { return station.Capacity() * replicas; }
};

struct StageOptions;

// One branch of a fan-out: a pool, or a whole sub-path of stages (e.g. a
// link, a remote pool and the link back).
struct BranchOptions {
  PoolOptions pool;                 // when `stages` is empty
  std::vector<StageOptions> stages; // a sub-path
  std::string name;
  // Start this branch only if the join is still waiting this long after the
  // request reached the fan-out: a hedge across whole paths (a second edge
  // node) or a local fallback. 0: at once, with the others.
  double start_after_s = 0;
};

struct StageOptions {
  enum class Kind { kLink, kPool, kFanout };
  Kind kind = Kind::kPool;
  LinkHopOptions link;  // kLink
  PoolOptions pool;     // kPool
  // kFanout: one sub-request to every branch; the request goes on when
  // `need` of them have answered (need = branches.size(): wait for all).
  std::string name = "fanout";
  std::vector<BranchOptions> branches;
  std::uint32_t need = 0;
  // When the join completes early (need < branches): withdraw the branches
  // still working, as a hedge withdraws its loser.
  bool cancel_rest = false;
};

struct PathOptions {
  std::vector<StageOptions> stages;
};

// A latency budget per request (a frame budget): how often it is missed and
// the longest run of consecutive misses (stutter).
struct DeadlineOptions {
  double budget_s = 0;
};

}  // namespace fleetlab
