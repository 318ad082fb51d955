#include "path/path.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "path/sequence_stage.h"

namespace fleetlab {

// Between stage i and stage i + 1 (or the sink): a request leaving stage i
// enters the next one; after the last, the run's listener hears it with
// service_start = arrival + the queueing it met along the path.
class Path::Hop final : public CompletionListener {
 public:
  explicit Hop(CompletionListener* sink) : sink_(sink) {}
  void set_next(Stage* next) { next_ = next; }
  void OnCompleted(Simulator& sim, const Request& r, SimTime service_start) override {
    if (next_ != nullptr) {
      next_->Submit(sim, r);
    } else {
      (void)service_start;
      sink_->OnCompleted(sim, r, r.arrival + r.queued);
    }
  }
  void OnDropped(Simulator& sim, const Request& r) override { sink_->OnDropped(sim, r); }

 private:
  CompletionListener* sink_;
  Stage* next_ = nullptr;
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
  for (std::size_t i = 0; i < options.stages.size(); ++i) p->hops_.push_back(std::make_unique<Hop>(sink));
  std::uint32_t next_stream = 0, next_link = 0;
  for (std::size_t i = 0; i < options.stages.size(); ++i) {
    p->stages_.push_back(MakeStage(options.stages[i], streams, sim, &next_stream, &next_link, p->hops_[i].get()));
    if (i > 0) p->hops_[i - 1]->set_next(p->stages_.back().get());
  }
  return p;
}

double Path::InSystemNow() const {
  double n = 0;
  for (const auto& s : stages_) n += s->InSystemNow();
  return n;
}

void Path::ResetStatistics(SimTime now) {
  for (auto& s : stages_) s->ResetStatistics(now);
}

void Path::Fill(SimTime end, Report* r) const {
  PathReport path;
  r->capacity_per_s = std::numeric_limits<double>::infinity();
  for (const auto& s : stages_) {
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
