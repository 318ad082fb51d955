#include "runner/collector.h"

#include <algorithm>

#include "runner/system_under_load.h"

namespace fleetlab {

Collector::Collector(std::uint64_t expected, std::uint64_t warmup, double deadline_s,
                     const std::vector<WorkloadClass>& classes)
    : deadline_(SecondsToNs(deadline_s)), warmup_(warmup), classes_(classes) {
  e2e_.Reserve(expected);
  queue_.Reserve(expected);
}

void Collector::OnSent(Simulator& sim, const Request& r) {
  const SimTime now = sim.now();
  area_ += in_system_ * static_cast<double>(now - area_at_);
  area_at_ = now;
  if (r.measured && !measuring_) {
    measuring_ = true;
    window_start_ = now;
    in_system_at_start_ = in_system_;
    area_ = 0;
    system_->ResetStatistics(now);
  }
  in_system_ += 1;
  ++sent_;
  if (r.measured && !window_closed_) history_.Arrive(now, area_);
  last_send_ = now;
  in_system_at_last_send_ = in_system_;
}

void Collector::OnArrivalsEnded(Simulator& sim) {
  if (!measuring_ || window_closed_) return;
  closed_by_arrivals_ = true;
  CloseWindow(sim.now());
}

void Collector::CloseWindow(SimTime now) {
  area_ += in_system_ * static_cast<double>(now - area_at_);
  area_at_ = now;
  window_closed_ = true;
  window_end_ = now;
  history_.Close(now, area_, in_system_);
  system_->CloseWindow(now);
}

void Collector::Left(Simulator& sim, const Request& r, SimTime service_start) {
  const SimTime now = sim.now();
  area_ += in_system_ * static_cast<double>(now - area_at_);
  area_at_ = now;
  in_system_ -= 1;
  ++returned_;
  if (r.measured) {
    // A dropped request (no service start) waited all its time.
    const SimTime began = service_start < 0 ? now : std::clamp(service_start, r.arrival, now);
    history_.Left(r.id - warmup_, NsToSeconds(now - r.arrival), NsToSeconds(began - r.arrival));
  }
  if (closed_ != nullptr) closed_->OnReturned(sim, r);
}

void Collector::OnCompleted(Simulator& sim, const Request& r, SimTime service_start) {
  // Departures in (window start, window end]: in a closed loop the
  // departure that sends the first measured request, and those at the same
  // instant, end the warm-up's requests and belong before the window.
  if (measuring_ && !window_closed_ && sim.now() > window_start_) ++window_departures_;
  if (r.measured) {
    e2e_.Add(NsToMs(sim.now() - r.arrival));
    queue_.Add(NsToMs(service_start - r.arrival));
    waited_ += service_start > r.arrival;
    last_completion_ = sim.now();
    Judge(r, sim.now() - r.arrival <= deadline_);
    classes_.OnCompleted(r, sim.now());
  }
  Log(sim, r, service_start, true);
  Left(sim, r, service_start);
}

void Collector::OnDropped(Simulator& sim, const Request& r) {
  if (r.measured) {
    Judge(r, false);
    ++measured_dropped_;
    classes_.OnDropped(r);
  }
  ++dropped_;
  Log(sim, r, -1, false);
  Left(sim, r, -1);
}

void Collector::Finish(SimTime end) {
  if (measuring_ && !window_closed_) CloseWindow(end);
  history_.Finish(end);  // requests still in flight (a timed run): their time so far
}

void Collector::Log(const Simulator& sim, const Request& r, SimTime service_start, bool completed) {
  if (log_ == nullptr) return;
  RequestRecord record;
  record.id = r.id;
  record.measured = r.measured;
  record.completed = completed;
  record.arrival = r.arrival;
  record.scheduled = service_start;
  record.end = sim.now();
  record.prompt_tokens = r.prompt_tokens;
  log_->OnRequest(record);
}

void Collector::Judge(const Request& r, bool met) {
  if (deadline_ <= 0) return;
  if (r.id >= outcome_.size()) outcome_.resize(std::max<std::size_t>(r.id + 1, outcome_.size() * 2), kUnknown);
  outcome_[r.id] = met ? kMet : kMissed;
}

}  // namespace fleetlab
