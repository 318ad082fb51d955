#include "path/path.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "path/sequence_stage.h"

namespace fleetlab {

// After the last stage: the run's listener hears a request with
// service_start = arrival + the queueing it met along the path.
class Path::Sink final : public CompletionListener {
 public:
  explicit Sink(CompletionListener* run) : run_(run) {}
  void OnCompleted(Simulator& sim, const Request& r, SimTime) override {
    run_->OnCompleted(sim, r, r.arrival + r.queued);
  }
  void OnDropped(Simulator& sim, const Request& r) override { run_->OnDropped(sim, r); }

 private:
  CompletionListener* run_;
};

Path::~Path() = default;

namespace {

// The part of a stage's energy spent by links, inside fan-outs and
// sub-paths too.
double RadioEnergy(const StageReport& s) {
  if (s.kind == "link") return s.energy_j;
  double e = 0;
  for (const StageReport& b : s.branches) e += RadioEnergy(b);
  return e;
}

}  // namespace

std::unique_ptr<Path> Path::Build(const PathOptions& options, const RandomStreams& streams, Simulator& sim,
                                  CompletionListener* sink) {
  std::unique_ptr<Path> p(new Path());
  p->sink_ = std::make_unique<Sink>(sink);
  std::uint32_t next_stream = 0, next_link = 0;
  p->stages_ = std::make_unique<SequenceStage>("path", options.stages, streams, sim, &next_stream, &next_link,
                                               p->sink_.get());
  return p;
}

RequestTarget* Path::entry() const { return stages_->stages().front().get(); }

double Path::InSystemNow() const { return stages_->InSystemNow(); }

void Path::ResetStatistics(SimTime now) { stages_->ResetStatistics(now); }

void Path::Fill(SimTime end, Report* r) const {
  PathReport path;
  r->capacity_per_s = std::numeric_limits<double>::infinity();
  for (const auto& s : stages_->stages()) {
    StageReport sr;
    s->Fill(end, r->window_s, &sr);
    r->capacity_per_s = std::min(r->capacity_per_s, sr.capacity_per_s);
    r->utilization = std::max(r->utilization, sr.utilization);
    const double radio = RadioEnergy(sr);
    path.energy.radio_j += radio;
    path.energy.compute_j += sr.energy_j - radio;
    path.stages.push_back(std::move(sr));
  }
  if (!std::isfinite(r->capacity_per_s)) r->capacity_per_s = 0;  // nothing on the path limits it
  PathEnergy& e = path.energy;
  e.total_j = e.compute_j + e.radio_j;
  e.measured = e.total_j > 0;
  if (r->window_s > 0) e.mean_power_w = e.total_j / r->window_s;
  if (r->completed > 0) e.per_request_j = e.total_j / static_cast<double>(r->completed);
  r->path = std::move(path);
}

}  // namespace fleetlab
