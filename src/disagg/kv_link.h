// KvLink: the link a disaggregated system ships KV caches over, from the
// prefill pool to the decode pool. A transfer of B bytes takes
// alpha + B / bandwidth (alpha: the link's per-message latency). The
// B / bandwidth part holds one of the link's lanes, so when every lane is
// busy transfers wait, first come first served, for the lane that frees
// first (lowest index on a tie); alpha overlaps with other transfers.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "fleetlab/engine/simulator.h"
#include "fleetlab/fleet/disaggregation_options.h"
#include "fleetlab/fleet/disaggregation_report.h"
#include "fleetlab/metrics/sample_set.h"
#include "fleetlab/workload/request.h"

namespace fleetlab {

// Told when a transfer's last byte has arrived.
class KvLinkSink {
 public:
  virtual ~KvLinkSink() = default;
  // `source` is what the sender passed to Send (its prefill replica).
  virtual void OnTransferred(Simulator& sim, const Request& request, std::uint32_t source) = 0;
};

class KvLink final : public EventHandler {
 public:
  // REQUIRES: options.lanes >= 1, link bandwidth > 0; sink outlives the link.
  KvLink(const KvLinkOptions& options, KvLinkSink* sink);
  // Registers with `sim`. REQUIRES: called once, before the run.
  void Attach(Simulator& sim) { id_ = sim.Register(this); }

  // Queues `bytes` of `request`'s KV from `source`; returns when it will
  // arrive (the sink hears it then).
  SimTime Send(Simulator& sim, const Request& request, std::uint32_t source, double bytes);
  void OnEvent(Simulator& sim, const Event& event) override;

  // Transfers sent and not yet arrived.
  std::size_t in_flight() const { return in_flight_; }
  // Starts the measurement window at `now`.
  void ResetStatistics(SimTime now);
  // Fills `out` for the window ending at `end`.
  void Fill(SimTime end, KvLinkReport* out) const;

 private:
  struct Pending {
    Request request;
    std::uint32_t source = 0;
  };

  KvLinkOptions options_;
  KvLinkSink* sink_;
  HandlerId id_ = 0;
  SimDuration alpha_ns_;
  std::vector<SimTime> lane_free_;  // when each lane's last serialisation ends
  std::vector<Pending> pending_;    // slots, reused through free_
  std::vector<std::uint32_t> free_;
  std::size_t in_flight_ = 0;
  // Statistics of the window.
  SimTime window_start_ = 0;
  SampleSet transfer_ms_, wait_ms_;
  std::uint64_t transfers_ = 0, waited_ = 0;
  double bytes_ = 0;
  std::vector<std::pair<SimTime, SimTime>> busy_;  // serialisation intervals started in the window
};

}  // namespace fleetlab
