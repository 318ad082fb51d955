#include "fleetlab/runner.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <vector>

#include <fmt/format.h>

#include "fleetlab/engine/simulator.h"
#include "fleetlab/request_log.h"
#include "runner/prediction.h"
#include "runner/class_tally.h"
#include "runner/source.h"
#include "runner/system.h"

namespace fleetlab {
namespace {

// Collects the measurements of one run: latency samples at completion, and
// the occupancy of the system at the start and end of the arrival window.
class Collector final : public CompletionListener, public SendObserver {
 public:
  Collector(std::uint64_t expected, double deadline_s, const std::vector<WorkloadClass>& classes)
      : deadline_(SecondsToNs(deadline_s)), classes_(classes) {
    e2e_.Reserve(expected);
    queue_.Reserve(expected);
  }
  void Attach(System* system, ClosedLoopSource* closed, RequestLog* log) {
    system_ = system;
    closed_ = closed;
    log_ = log;
  }

  void OnSent(Simulator& sim, const Request& r) override {
    ++sent_;
    if (r.measured && !measuring_) {
      measuring_ = true;
      window_start_ = sim.now();
      in_system_at_start_ = system_->InSystemNow();
      system_->ResetStatistics(sim.now());
    }
    last_send_ = sim.now();
    in_system_at_last_send_ = system_->InSystemNow();
  }
  void OnCompleted(Simulator& sim, const Request& r, SimTime service_start) override {
    if (r.measured) {
      e2e_.Add(NsToMs(sim.now() - r.arrival));
      queue_.Add(NsToMs(service_start - r.arrival));
      waited_ += service_start > r.arrival;
      last_completion_ = sim.now();
      Judge(r, sim.now() - r.arrival <= deadline_);
      classes_.OnCompleted(r, sim.now());
    }
    ++returned_;
    Log(sim, r, service_start, true);
    if (closed_ != nullptr) closed_->OnReturned(sim, r);
  }
  void OnDropped(Simulator& sim, const Request& r) override {
    if (r.measured) {
      Judge(r, false);
      classes_.OnDropped(r);
    }
    Log(sim, r, -1, false);
    ++dropped_;
    ++returned_;
    if (closed_ != nullptr) closed_->OnReturned(sim, r);
  }

  // Records whether measured request r met its deadline (when there is one),
  // indexed by arrival order.
  void Judge(const Request& r, bool met) {
    if (deadline_ <= 0) return;
    if (r.id >= outcome_.size()) outcome_.resize(std::max<std::size_t>(r.id + 1, outcome_.size() * 2), kUnknown);
    outcome_[r.id] = met ? kMet : kMissed;
  }

  // Stations and paths: the run logs each request (LLM replicas log their own).
  void Log(const Simulator& sim, const Request& r, SimTime service_start, bool completed) {
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

  enum Outcome : std::uint8_t { kUnknown = 0, kMet = 1, kMissed = 2 };
  RequestLog* log_ = nullptr;
  SimDuration deadline_;
  std::vector<std::uint8_t> outcome_;
  System* system_ = nullptr;
  ClosedLoopSource* closed_ = nullptr;
  SampleSet e2e_, queue_;
  bool measuring_ = false;
  SimTime window_start_ = 0, last_send_ = 0, last_completion_ = 0;
  double in_system_at_start_ = 0, in_system_at_last_send_ = 0;
  std::uint64_t sent_ = 0, returned_ = 0, dropped_ = 0, waited_ = 0;
  ClassTally classes_;
};

// Decides stability: an open system is unstable if its offered load reaches
// its exact capacity (the station's; an LLM replica's capacity is only an
// estimate and is not used), or if its backlog grew by clearly more than
// random fluctuation while arrivals lasted (drift of at least 2% of the
// arrival rate and a backlog gain above 3*sqrt(arrivals) + 20).
void JudgeStability(const Scenario& s, const Collector& c, Report* r) {
  const double span = NsToSeconds(c.last_send_ - c.window_start_);
  const double gain = c.in_system_at_last_send_ - c.in_system_at_start_;
  r->backlog_growth_per_s = span > 0 ? gain / span : 0.0;
  if (s.workload.mode == LoadMode::kClosed) {
    r->stability_note = "closed loop: the user population bounds the backlog";
    return;
  }
  if (!s.llm() && r->offered_load >= 1.0) {
    r->stable = false;
    r->stability_note = fmt::format("offered load {:.3f} of capacity >= 1: the queue grows without bound "
                                    "(by {:.1f} requests/s here)", r->offered_load, r->backlog_growth_per_s);
    return;
  }
  const double arrivals = static_cast<double>(c.sent_);
  if (r->backlog_growth_per_s > 0.02 * r->offered_rate_per_s && gain > 3 * std::sqrt(arrivals) + 20) {
    r->stable = false;
    r->stability_note = fmt::format("the backlog grew by {:.0f} requests ({:.1f}/s) while arrivals lasted",
                                    gain, r->backlog_growth_per_s);
    return;
  }
  r->stability_note = fmt::format("offered load {:.3f} of {}capacity", r->offered_load,
                                  s.llm() ? "estimated " : "");
}

SimTime WindowEnd(const Scenario& s, const Simulator& sim, const Collector& c) {
  return s.workload.duration_s > 0 ? sim.now() : std::max(c.last_completion_, c.last_send_);
}

void FillCounts(const Scenario& s, const Simulator& sim, const Collector& c, Report* r) {
  r->window_s = NsToSeconds(WindowEnd(s, sim, c) - c.window_start_);
  r->simulated_s = NsToSeconds(sim.now());
  r->events = sim.events_delivered();
  r->arrived = c.sent_;
  r->warmup = std::min<std::uint64_t>(s.workload.warmup_requests, c.sent_);
  r->completed = c.e2e_.size();
  r->dropped = c.dropped_;
  r->in_flight_at_end = c.sent_ - c.returned_;
  r->in_system_at_window_start = static_cast<std::uint64_t>(c.in_system_at_start_);
  r->drop_fraction = c.sent_ > 0 ? static_cast<double>(c.dropped_) / static_cast<double>(c.sent_) : 0.0;
  r->e2e_ms = c.e2e_.Summarize();
  r->queue_ms = c.queue_.Summarize();
  r->wait_probability = r->completed > 0 ? static_cast<double>(c.waited_) / static_cast<double>(r->completed) : 0.0;
  if (r->window_s > 0) r->throughput_rps = static_cast<double>(r->completed) / r->window_s;
  if (s.workload.mode == LoadMode::kClosed) {
    r->offered_rate_per_s = r->window_s > 0 ? static_cast<double>(c.sent_ - r->warmup) / r->window_s : 0.0;
  }
  r->classes = c.classes_.Fill(r->window_s);
}

// Misses, miss rate and stutter, in arrival order (requests still in flight
// at the end are neither met nor missed and do not break a run).
DeadlineReport JudgeDeadlines(double budget_s, const std::vector<std::uint8_t>& outcome) {
  DeadlineReport d;
  d.budget_ms = budget_s * 1e3;
  std::uint64_t run = 0;
  for (std::uint8_t o : outcome) {
    if (o == 1) {
      ++d.met;
      if (run >= 2) ++d.stutters;
      run = 0;
    } else if (o == 2) {
      ++d.missed;
      d.longest_miss_run = std::max(d.longest_miss_run, ++run);
    }
  }
  if (run >= 2) ++d.stutters;
  const std::uint64_t n = d.met + d.missed;
  d.miss_rate = n > 0 ? static_cast<double>(d.missed) / static_cast<double>(n) : 0.0;
  return d;
}

// How long the measurement window will probably last (0 if unknown).
SimDuration ExpectedWindow(const Scenario& s) {
  if (s.workload.duration_s > 0) return SecondsToNs(s.workload.duration_s);
  if (s.workload.mode != LoadMode::kOpen) return 0;
  const double rate = ArrivalProcess(s.workload.arrival, s.trace).MeanRate();
  const auto measured = static_cast<double>(s.workload.requests - s.workload.warmup_requests);
  return rate > 0 ? SecondsToNs(measured / rate) : 0;
}

// Runs the simulator to `until` within scenario.limits.max_events; with a
// cancel flag, in slices of RunHooks::kCancelCheckEvents events, reading the
// flag between slices (no event is added, so the run is unchanged).
Status RunBounded(const Scenario& s, const RunHooks& hooks, SimTime until, Simulator& sim,
                  const std::function<double()>& done) {
  const std::uint64_t max_events = s.limits.max_events;
  const bool sliced = hooks.cancel != nullptr || hooks.progress != nullptr;
  while (sliced) {
    const std::uint64_t slice = std::min(max_events, sim.events_delivered() + RunHooks::kCancelCheckEvents);
    sim.SetEventLimit(slice);
    sim.Run(until);
    if (sim.events_delivered() < slice || slice == max_events) break;
    if (hooks.cancel != nullptr && hooks.cancel->load(std::memory_order_relaxed)) {
      return Status::OutOfRange(fmt::format("cancelled after {} events (the wall-time limit of the caller)",
                                            sim.events_delivered()));
    }
    if (hooks.progress != nullptr) (*hooks.progress)(done());
  }
  sim.SetEventLimit(max_events);
  if (!sliced) sim.Run(until);
  if (sim.horizon_reached()) {
    return Status::OutOfRange(fmt::format("the run's clock reached {:g} s of simulated time, the most a run may "
                                          "simulate, after {} events: a time in the scenario is too long for the "
                                          "clock (a heavy-tailed service, think or link time, a batch cost that "
                                          "grows with the batch, or a backlog that never drains); shorten it",
                                          kHorizonSeconds, sim.events_delivered()));
  }
  if (sim.event_limit_reached()) {
    return Status::OutOfRange(fmt::format("the run reached limits.max_events = {} before finishing; shorten the "
                                          "workload or raise limits.max_events", max_events));
  }
  return Status::Ok();
}

}  // namespace

Result<Report> RunScenario(const Scenario& s, const RunHooks& hooks) {
  const RandomStreams streams(s.seed);
  Simulator sim;
  const bool timed = s.workload.duration_s > 0;
  Collector collector(timed ? 0 : s.workload.requests, s.deadline ? s.deadline->budget_s : 0.0,
                      s.workload.sizes.classes);
  auto built = System::Build(s, streams, sim, &collector, hooks, ExpectedWindow(s));
  if (!built.ok()) return built.status();
  System* system = built->get();
  const SendLimits limits{s.workload.requests, s.workload.warmup_requests,
                          timed ? SecondsToNs(s.workload.duration_s) : 0};
  const RequestSizer sizer(s.workload.sizes, streams, s.llm());

  Report report;
  report.scenario = s.name;
  report.seed = s.seed;
  report.resolved_scenario = s.document;
  std::unique_ptr<OpenLoopSource> open_source;
  std::unique_ptr<ClosedLoopSource> closed_source;
  if (s.workload.mode == LoadMode::kOpen) {
    ArrivalProcess process(s.workload.arrival, s.trace, s.trace_hashes);
    report.offered_rate_per_s = process.MeanRate();
    open_source = std::make_unique<OpenLoopSource>(std::move(process), streams.Stream("arrivals"), sizer,
                                                   system->target(), &collector, limits);
  } else {
    closed_source = std::make_unique<ClosedLoopSource>(s.workload.closed, streams.Stream("think_time"), sizer,
                                                       system->target(), &collector, limits);
  }
  collector.Attach(system, closed_source.get(), s.llm() ? nullptr : hooks.requests);
  if (open_source) open_source->Start(sim);
  if (closed_source) closed_source->Start(sim);

  const auto done = [&]() {  // the share of the run done, for RunHooks::progress
    if (timed) return std::min(1.0, NsToSeconds(sim.now()) / s.workload.duration_s);
    return static_cast<double>(collector.sent_) / static_cast<double>(std::max<std::uint64_t>(1, limits.requests));
  };
  FLEETLAB_RETURN_IF_ERROR(RunBounded(s, hooks, timed ? limits.duration : kTimeNever, sim, done));
  FillCounts(s, sim, collector, &report);
  const SimTime end = WindowEnd(s, sim, collector);
  system->Fill(s, end, &report);
  report.offered_load = report.capacity_per_s > 0 ? report.offered_rate_per_s / report.capacity_per_s : 0.0;
  JudgeStability(s, collector, &report);
  if (s.deadline) report.deadline = JudgeDeadlines(s.deadline->budget_s, collector.outcome_);
  report.analytic = PredictScenario(s);
  return report;
}

}  // namespace fleetlab
