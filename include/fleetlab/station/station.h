// Station: c parallel servers in front of one FIFO queue, with batching.
//
// Requests are dispatched in arrival order. A free server starts a batch when
// max_batch requests wait, when the oldest has waited the batch window, or at
// once if the window is 0 (taking up to max_batch of those waiting). The
// station tracks its own time-weighted occupancy for the metrics.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "fleetlab/engine/simulator.h"
#include "fleetlab/random/rng.h"
#include "fleetlab/station/options.h"
#include "fleetlab/station/power.h"
#include "fleetlab/util/ring_buffer.h"
#include "fleetlab/util/time_weighted.h"
#include "fleetlab/workload/request.h"

namespace fleetlab {

class Station final : public EventHandler, public RequestTarget {
 public:
  // Does not take ownership of `listener`.
  // REQUIRES: options validated; listener outlives the station.
  Station(const StationOptions& options, Rng service_rng, CompletionListener* listener);
  // Registers with `sim`. REQUIRES: called once, before the run.
  void Attach(Simulator& sim) { id_ = sim.Register(this); }

  void Submit(Simulator& sim, const Request& request) override;
  void OnEvent(Simulator& sim, const Event& event) override;

  // Withdraws request `id` (a hedged copy whose twin already finished): a
  // waiting request leaves the queue; one served alone stops and frees its
  // server; one in a batch with others leaves it (the batch runs on). The
  // listener is not told. Returns how long it had been in service (0 if it
  // was waiting), or nullopt if it is not here. O(queue + servers).
  std::optional<SimDuration> Cancel(Simulator& sim, std::uint64_t id);

  // Occupancy, integrated over time since the last ResetStatistics.
  const TimeWeighted& queue_length() const { return queue_len_; }
  const TimeWeighted& in_system() const { return in_system_; }
  // Keeps value i of `tree` equal to in_system().value() (TimeWeighted::Mirror;
  // the router's LoadBoard asks through the station's probe).
  void MirrorInSystem(MinTree* tree, std::size_t i) { in_system_.Mirror(tree, i); }
  const TimeWeighted& busy_servers() const { return busy_; }
  std::uint64_t batches_started() const { return batches_; }
  std::uint64_t batched_requests() const { return batched_requests_; }
  std::size_t waiting() const { return queue_.size(); }
  // The devices' energy since the last ResetStatistics (nullptr: no power model).
  const PowerMeter* power() const { return power_.get(); }

  // Starts the time-weighted statistics afresh at `now` (end of warm-up).
  void ResetStatistics(SimTime now);
  // Ends the time averages at `now` (the run's last arrival: the drain after
  // it does not dilute them).
  void CloseWindow(SimTime now) {
    queue_len_.Freeze(now);
    in_system_.Freeze(now);
    busy_.Freeze(now);
  }

 private:
  enum EventKind : std::uint32_t { kServiceDone = 0, kWindowExpired = 1 };
  struct Waiting {
    Request request;
    SimTime enqueued;
  };
  struct InService {
    Request request;
    SimTime started;
  };

  void TryDispatch(Simulator& sim);
  void StartBatch(Simulator& sim, std::uint32_t server, std::uint32_t size);
  void Finish(Simulator& sim, std::uint32_t server);

  StationOptions options_;
  Rng rng_;
  CompletionListener* listener_;
  HandlerId id_ = 0;
  RingBuffer<Waiting> queue_;
  std::vector<std::vector<InService>> batches_in_service_;  // per server
  std::vector<std::uint32_t> free_servers_;                 // stack of idle server ids
  std::vector<EventId> service_event_;                      // per server: its kServiceDone
  std::unique_ptr<PowerMeter> power_;
  bool window_timer_pending_ = false;
  std::uint64_t in_service_requests_ = 0;
  std::uint64_t batches_ = 0;
  std::uint64_t batched_requests_ = 0;
  TimeWeighted queue_len_, in_system_, busy_;
};

}  // namespace fleetlab
