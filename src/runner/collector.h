// Collector: the measurements of one run. It hears every send, completion
// and drop: latency samples of measured requests (whenever they finish), the
// arrival window (first measured arrival to last arrival: where rates and
// time averages are taken, the drain after it excluded), the departures in
// it, and the backlog's history for the stability verdict.
#pragma once

#include <cstdint>
#include <vector>

#include "fleetlab/engine/simulator.h"
#include "fleetlab/metrics/sample_set.h"
#include "fleetlab/request_log.h"
#include "fleetlab/workload/request.h"
#include "runner/class_tally.h"
#include "runner/source.h"
#include "runner/stability.h"

namespace fleetlab {

class SystemUnderLoad;

class Collector final : public CompletionListener, public SendObserver {
 public:
  // `expected`: measured requests to reserve room for (0 if unknown);
  // `warmup`: the first `warmup` request ids are not measured; `deadline_s`
  // > 0 judges each measured request against it; `classes`: the workload's
  // classes, tallied apart (empty: none).
  Collector(std::uint64_t expected, std::uint64_t warmup, double deadline_s,
            const std::vector<WorkloadClass>& classes);
  // REQUIRES: before the run; system and log outlive the collector; closed
  // and log may be null (log: stations and paths; LLM replicas log their own).
  void Attach(SystemUnderLoad* system, ClosedLoopSource* closed, RequestLog* log) {
    system_ = system;
    closed_ = closed;
    log_ = log;
  }

  void OnSent(Simulator& sim, const Request& r) override;
  void OnArrivalsEnded(Simulator& sim) override;
  void OnCompleted(Simulator& sim, const Request& r, SimTime service_start) override;
  void OnDropped(Simulator& sim, const Request& r) override;
  // At the end of a run: closes the window at `end` if no source closed it,
  // and gives requests still in flight their time so far.
  void Finish(SimTime end);

  enum Outcome : std::uint8_t { kUnknown = 0, kMet = 1, kMissed = 2 };
  const std::vector<std::uint8_t>& outcomes() const { return outcome_; }
  const SampleSet& e2e() const { return e2e_; }
  const SampleSet& queue() const { return queue_; }
  const BacklogHistory& history() const { return history_; }
  const ClassTally& classes() const { return classes_; }

  bool measuring() const { return measuring_; }
  // Whether the last arrival closed the window before the run ended (the
  // drain after it is then excluded from rates and time averages).
  bool closed_at_last_arrival() const { return closed_by_arrivals_; }
  SimTime window_start() const { return window_start_; }
  SimTime window_end() const { return window_end_; }
  SimTime last_completion() const { return last_completion_; }
  SimTime last_send() const { return last_send_; }
  double in_system_at_start() const { return in_system_at_start_; }
  double in_system_at_last_send() const { return in_system_at_last_send_; }
  std::uint64_t sent() const { return sent_; }
  std::uint64_t returned() const { return returned_; }
  std::uint64_t dropped() const { return dropped_; }
  std::uint64_t measured_dropped() const { return measured_dropped_; }
  std::uint64_t waited() const { return waited_; }
  // Departures (completions of any request, warm-up included) inside the window.
  std::uint64_t window_departures() const { return window_departures_; }

 private:
  void Judge(const Request& r, bool met);
  // `service_start` < 0: it was dropped before service.
  void Left(Simulator& sim, const Request& r, SimTime service_start);
  void CloseWindow(SimTime now);
  void Log(const Simulator& sim, const Request& r, SimTime service_start, bool completed);

  SimDuration deadline_;
  std::uint64_t warmup_;
  std::vector<std::uint8_t> outcome_;
  SystemUnderLoad* system_ = nullptr;
  ClosedLoopSource* closed_ = nullptr;
  RequestLog* log_ = nullptr;
  ClassTally classes_;
  SampleSet e2e_, queue_;
  BacklogHistory history_;
  bool measuring_ = false, window_closed_ = false, closed_by_arrivals_ = false;
  SimTime window_start_ = 0, window_end_ = 0, last_send_ = 0, last_completion_ = 0;
  double in_system_at_start_ = 0, in_system_at_last_send_ = 0;
  // Requests in the system (sent, not yet completed or dropped) and its integral.
  double in_system_ = 0, area_ = 0;
  SimTime area_at_ = 0;
  std::uint64_t sent_ = 0, returned_ = 0, dropped_ = 0, measured_dropped_ = 0, waited_ = 0;
  std::uint64_t window_departures_ = 0;
};

}  // namespace fleetlab
