#include "fleetlab/runner.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <vector>

#include <fmt/format.h>

#include "fleetlab/engine/simulator.h"
#include "runner/collector.h"
#include "runner/prediction.h"
#include "runner/class_tally.h"
#include "runner/source.h"
#include "runner/stability.h"
#include "runner/system_under_load.h"

namespace fleetlab {
namespace {

// The quarters' W of a run judged not growing, and, when W rose beyond the
// threshold, why that was no queue.
std::string TrendNote(const TrendVerdict& t) {
  const std::string w = fmt::format("; time in system by quarter of the arrivals (Little) {:.3g} / {:.3g} / {:.3g} / "
                                    "{:.3g} s", t.w_s[0], t.w_s[1], t.w_s[2], t.w_s[3]);
  if (t.growth <= t.threshold) return w + ": no growth";
  return w + fmt::format(": rising, but the wait for service did not grow ({:.3g} s in the 2nd quarter, {:.3g} s in "
                         "the last): the batches were still filling, not a queue", t.wait_s[1], t.wait_s[3]);
}

// Decides stability. Every run where no measured request completed is
// unstable (all rejected or dropped: nothing is served). An open system is
// unstable if its offered load reaches its exact capacity (a station's; an
// LLM replica's capacity is only an estimate and is not used), or if its
// backlog keeps growing once the system has filled: judged per quarter of the
// arrivals with Little's law (stability.h), so that a system that fills from
// empty, or a trace whose rate changes, is not mistaken for an overloaded one.
void JudgeStability(const Scenario& s, const Collector& c, Report* r) {
  const double span = NsToSeconds(c.last_send() - c.window_start());
  const double gain = c.in_system_at_last_send() - c.in_system_at_start();
  r->backlog_growth_per_s = span > 0 ? gain / span : 0.0;
  const std::uint64_t measured = c.history().arrivals();
  if (measured > 0 && r->completed == 0) {
    r->stable = false;
    r->stability_note = fmt::format("no measured request completed: all {} were dropped or refused{}", measured,
                                    r->llm ? fmt::format(" ({} rejected as too long, {} failed)", r->llm->rejected,
                                                         r->llm->failed)
                                           : "");
    return;
  }
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
  // An estimate of capacity (an LLM replica's) is not exact enough to call a
  // run unstable by itself, but past it a long stay of the first arrivals is
  // not credited as filling.
  const TrendVerdict t = JudgeTrend(c.history(), !(r->capacity_per_s > 0 && r->offered_load >= 1));
  r->little_w_s.assign(std::begin(t.w_s), std::end(t.w_s));
  const bool old_rule = !t.judged && r->backlog_growth_per_s > 0.02 * r->offered_rate_per_s &&
                        gain > 3 * std::sqrt(static_cast<double>(c.sent())) + 20;
  if (t.growing || old_rule) {
    r->stable = false;
    r->stability_note =
        t.judged ? fmt::format("the backlog kept growing after the system had filled: by Little's law the time in "
                               "system rose from {:.3g} s (2nd quarter of the arrivals) to {:.3g} s (last quarter), "
                               "{:.0f} more requests waiting at the mean rate, beyond the {:.0f} a stable queue's "
                               "fluctuations or a filling system reach", t.w_s[1], t.w_s[3], t.growth, t.threshold)
                 : fmt::format("the backlog grew by {:.0f} requests ({:.1f}/s) while arrivals lasted", gain,
                               r->backlog_growth_per_s);
    return;
  }
  r->stability_note = fmt::format("offered load {:.3f} of {}capacity{}", r->offered_load,
                                  s.llm() ? "estimated " : "", t.judged ? TrendNote(t) : "");
}

// When the run's measurements end: the duration of a timed run, else the
// last measured completion or the last send.
SimTime RunEnd(const Scenario& s, const Simulator& sim, const Collector& c) {
  return s.workload.duration_s > 0 ? sim.now() : std::max(c.last_completion(), c.last_send());
}

// Rates and time averages are taken over the arrival window (first measured
// arrival to the last arrival; to the duration of a timed run); a request
// path's run to its end. The drain after the last arrival is reported apart,
// with the benchmark-style throughput that includes it.
void FillCounts(const Scenario& s, const Simulator& sim, const Collector& c, bool path, Report* r) {
  const SimTime end = RunEnd(s, sim, c);
  const SimTime rates_end = path ? end : c.window_end();
  r->window_s = NsToSeconds(rates_end - c.window_start());
  r->with_drain_window_s = NsToSeconds(end - c.window_start());
  r->drain_s = c.closed_at_last_arrival() ? NsToSeconds(end - c.window_end()) : 0.0;
  r->simulated_s = NsToSeconds(sim.now());
  r->events = sim.events_delivered();
  r->arrived = c.sent();
  r->warmup = std::min<std::uint64_t>(s.workload.warmup_requests, c.sent());
  r->completed = c.e2e().size();
  r->dropped = c.dropped();
  r->in_flight_at_end = c.sent() - c.returned();
  r->in_system_at_window_start = static_cast<std::uint64_t>(c.in_system_at_start());
  r->in_system_at_window_end = static_cast<std::uint64_t>(c.history().end_in_system());
  r->drop_fraction = c.sent() > 0 ? static_cast<double>(c.dropped()) / static_cast<double>(c.sent()) : 0.0;
  r->e2e_ms = c.e2e().Summarize();
  r->queue_ms = c.queue().Summarize();
  r->wait_probability = r->completed > 0 ? static_cast<double>(c.waited()) / static_cast<double>(r->completed) : 0.0;
  const double departures = path ? static_cast<double>(r->completed) : static_cast<double>(c.window_departures());
  if (r->window_s > 0) r->throughput_rps = departures / r->window_s;
  if (r->with_drain_window_s > 0) r->throughput_with_drain_rps = static_cast<double>(r->completed) / r->with_drain_window_s;
  if (s.workload.mode == LoadMode::kClosed) {
    const auto sent = static_cast<double>(c.history().arrivals());
    r->offered_rate_per_s = r->window_s > 0 ? sent / r->window_s : 0.0;
  }
  r->classes = c.classes().Fill(r->window_s);
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
  Collector collector(timed || s.workload.requests <= s.workload.warmup_requests
                          ? 0
                          : s.workload.requests - s.workload.warmup_requests,
                      s.workload.warmup_requests, s.deadline ? s.deadline->budget_s : 0.0, s.workload.sizes.classes);
  auto built = BuildSystem(s, streams, sim, &collector, hooks, ExpectedWindow(s));
  if (!built.ok()) return built.status();
  SystemUnderLoad* system = built->get();
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
    open_source = std::make_unique<OpenLoopSource>(std::move(process), streams.Stream(StreamId::kArrivals), sizer,
                                                   system->target(), &collector, limits);
  } else {
    closed_source = std::make_unique<ClosedLoopSource>(s.workload.closed, streams.Stream(StreamId::kThinkTime), sizer,
                                                       system->target(), &collector, limits);
  }
  collector.Attach(system, closed_source.get(), s.llm() ? nullptr : hooks.requests);
  if (open_source) open_source->Start(sim);
  if (closed_source) closed_source->Start(sim);

  const auto done = [&]() {  // the share of the run done, for RunHooks::progress
    if (timed) return std::min(1.0, NsToSeconds(sim.now()) / s.workload.duration_s);
    return static_cast<double>(collector.sent()) / static_cast<double>(std::max<std::uint64_t>(1, limits.requests));
  };
  FLEETLAB_RETURN_IF_ERROR(RunBounded(s, hooks, timed ? limits.duration : kTimeNever, sim, done));
  if (closed_source && closed_source->stalled()) {
    return Status::InvalidArgument(fmt::format(
        "workload.closed.think_time: at {:g} s the closed loop's users had each sent {} requests without the clock "
        "moving: every request was dropped at once and sent again with no think time; give the think time a "
        "positive minimum, or the system room to queue", NsToSeconds(closed_source->stalled_at()),
        ClosedLoopSource::kResendsAtOneInstant));
  }
  const SimTime end = RunEnd(s, sim, collector);
  collector.Finish(end);
  const bool path = ShapeOf(s) == SystemShape::kRequestPath;
  FillCounts(s, sim, collector, path, &report);
  system->Fill(s, path ? end : collector.window_end(), &report);
  report.offered_load = report.capacity_per_s > 0 ? report.offered_rate_per_s / report.capacity_per_s : 0.0;
  JudgeStability(s, collector, &report);
  if (s.deadline) report.deadline = JudgeDeadlines(s.deadline->budget_s, collector.outcomes());
  report.analytic = PredictScenario(s);
  return report;
}

}  // namespace fleetlab
