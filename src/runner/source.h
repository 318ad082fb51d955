// Load generators: open-loop (arrivals regardless of the system's state) and
// closed-loop (a fixed population of users, each waiting for its answer).
#pragma once

#include <cstdint>
#include <vector>

#include "fleetlab/engine/simulator.h"
#include "fleetlab/random/rng.h"
#include "fleetlab/workload/arrival_process.h"
#include "fleetlab/workload/options.h"
#include "fleetlab/workload/request.h"
#include "runner/request_sizer.h"

namespace fleetlab {

// When to stop sending, and which requests are warm-up.
struct SendLimits {
  std::uint64_t requests = 0;        // stop after this many (when duration == 0)
  std::uint64_t warmup = 0;          // the first `warmup` requests are not measured
  SimTime duration = 0;              // > 0: send nothing at or after this time
};

// Told of every request a source sends (after it was submitted).
class SendObserver {
 public:
  virtual ~SendObserver() = default;
  virtual void OnSent(Simulator& sim, const Request& request) = 0;
  // The source will send nothing more (its request count is reached or its
  // trace has ended); not called when a run's duration stops it.
  virtual void OnArrivalsEnded(Simulator& sim) = 0;
};

class OpenLoopSource final : public EventHandler {
 public:
  // Does not own `target` or `observer`.
  OpenLoopSource(ArrivalProcess process, Rng rng, RequestSizer sizer, RequestTarget* target, SendObserver* observer,
                 SendLimits limits);
  // Registers with `sim` and schedules the first arrival. REQUIRES: once.
  void Start(Simulator& sim);
  void OnEvent(Simulator& sim, const Event& event) override;

 private:
  void ScheduleNext(Simulator& sim);

  ArrivalProcess process_;
  Rng rng_;
  RequestSizer sizer_;
  bool from_trace_;
  RequestTarget* target_;
  SendObserver* observer_;
  SendLimits limits_;
  HandlerId id_ = 0;
  std::uint64_t sent_ = 0;
  Arrival next_;
};

class ClosedLoopSource final : public EventHandler {
 public:
  ClosedLoopSource(const ClosedLoopOptions& options, Rng think_rng, RequestSizer sizer, RequestTarget* target,
                   SendObserver* observer, SendLimits limits);
  // Registers with `sim`; every user sends its first request at time 0.
  // REQUIRES: once.
  void Start(Simulator& sim);
  void OnEvent(Simulator& sim, const Event& event) override;
  // The user's request came back (completed or dropped): think, then send.
  void OnReturned(Simulator& sim, const Request& request);
  // Whether the users sent more than (kResendsAtOneInstant + 1) x users
  // requests at one instant (each dropped at once and sent again with no
  // think time), so that the clock could never move and the source stopped
  // the run; and that instant (0 if not stalled).
  bool stalled() const { return stalled_; }
  SimTime stalled_at() const { return stalled_ ? stalled_at_ : 0; }
  // Resends a user may make at one instant, past its first request there.
  static constexpr std::uint64_t kResendsAtOneInstant = 1000;

 private:
  ClosedLoopOptions options_;
  Rng rng_;
  RequestSizer sizer_;
  RequestTarget* target_;
  SendObserver* observer_;
  SendLimits limits_;
  HandlerId id_ = 0;
  std::uint64_t sent_ = 0;
  SimTime instant_ = -1;            // when the last request was sent
  std::uint64_t at_instant_ = 0;    // requests sent at that instant
  bool stalled_ = false;
  SimTime stalled_at_ = 0;
};

}  // namespace fleetlab
