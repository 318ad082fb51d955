#include "runner/source.h"

#include <algorithm>

namespace fleetlab {
namespace {

bool MaySend(const SendLimits& limits, std::uint64_t sent, SimTime at) {
  if (limits.duration > 0) return at < limits.duration;
  return sent < limits.requests;
}

}  // namespace

OpenLoopSource::OpenLoopSource(ArrivalProcess process, Rng rng, RequestSizer sizer, RequestTarget* target,
                               SendObserver* observer, SendLimits limits)
    : process_(std::move(process)), rng_(rng), sizer_(std::move(sizer)),
      from_trace_(process_.kind() == ArrivalKind::kTrace), target_(target), observer_(observer), limits_(limits) {}

void OpenLoopSource::Start(Simulator& sim) {
  id_ = sim.Register(this);
  ScheduleNext(sim);
}

void OpenLoopSource::ScheduleNext(Simulator& sim) {
  const bool more = process_.Next(rng_, sim.now(), &next_);
  if (more && MaySend(limits_, sent_, next_.time)) {
    sim.Schedule(next_.time, id_, 0);
  } else if (limits_.duration == 0 && sent_ > 0) {
    observer_->OnArrivalsEnded(sim);  // the count is reached or the trace has ended
  }
}

void OpenLoopSource::OnEvent(Simulator& sim, const Event&) {
  Request r;
  r.id = sent_++;
  r.arrival = sim.now();
  r.prompt_tokens = next_.prompt_tokens;
  r.output_tokens = next_.output_tokens;
  r.prefix_hashes = next_.hashes;
  r.prefix_hash_count = next_.hash_count;
  r.prefix_hash_tokens = next_.hash_tokens;
  r.measured = r.id >= limits_.warmup;
  sizer_.Size(&r, from_trace_);
  observer_->OnSent(sim, r);  // sent first: the system may refuse it at once
  target_->Submit(sim, r);
  ScheduleNext(sim);
}

ClosedLoopSource::ClosedLoopSource(const ClosedLoopOptions& options, Rng think_rng, RequestSizer sizer,
                                   RequestTarget* target, SendObserver* observer, SendLimits limits)
    : options_(options), rng_(think_rng), sizer_(std::move(sizer)), target_(target), observer_(observer),
      limits_(limits) {}

void ClosedLoopSource::Start(Simulator& sim) {
  id_ = sim.Register(this);
  for (std::uint32_t u = 0; u < options_.users; ++u) sim.Schedule(0, id_, 0, u);
}

void ClosedLoopSource::OnEvent(Simulator& sim, const Event& event) {
  if (!MaySend(limits_, sent_, sim.now())) return;
  if (sim.now() != instant_) instant_ = sim.now(), at_instant_ = 0;
  if (++at_instant_ > (kResendsAtOneInstant + 1) * std::max<std::uint64_t>(1, options_.users)) {
    stalled_ = true;  // a drop at once, a resend at once: time would never move
    stalled_at_ = sim.now();
    return sim.Stop();
  }
  Request r;
  r.id = sent_++;
  r.arrival = sim.now();
  r.user = static_cast<std::uint32_t>(event.arg);
  r.measured = r.id >= limits_.warmup;
  sizer_.Size(&r, false);
  observer_->OnSent(sim, r);  // sent first: the system may refuse it at once
  target_->Submit(sim, r);
  if (limits_.duration == 0 && !MaySend(limits_, sent_, sim.now())) observer_->OnArrivalsEnded(sim);
}

void ClosedLoopSource::OnReturned(Simulator& sim, const Request& request) {
  // Always through an event, even with zero think time, so a completion
  // never re-enters the station while it is finishing a batch.
  sim.ScheduleAfter(SecondsToNs(options_.think_time_s.Sample(rng_)), id_, 0, request.user);
}

}  // namespace fleetlab
