// Path: a scenario's request path built and attached to a simulator — its
// stages in order, each one's exits feeding the next stage's entry, the last
// one's feeding the run's listener. After the run it fills the report's
// system-side figures and its "path" part.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "fleetlab/engine/simulator.h"
#include "fleetlab/path/options.h"
#include "fleetlab/random/rng.h"
#include "fleetlab/report.h"
#include "fleetlab/status.h"
#include "path/stage.h"

namespace fleetlab {

class Path {
 public:
  // Builds every stage and attaches it to `sim`. Stations draw from
  // Stream(StreamId::kService, k) with k unique along the path, links from
  // Stream(StreamId::kNetwork, stage). REQUIRES: options validated; streams, sim and
  // sink outlive the path.
  static std::unique_ptr<Path> Build(const PathOptions& options, const RandomStreams& streams, Simulator& sim,
                                     CompletionListener* sink);
  ~Path();

  RequestTarget* entry() const;
  double InSystemNow() const;
  void ResetStatistics(SimTime now);
  // Capacity (the bottleneck stage's), utilisation (the busiest stage's)
  // and the "path" part of `r`. REQUIRES: r->window_s and r->completed set.
  void Fill(SimTime end, Report* r) const;

 private:
  class Sink;
  Path() = default;

  std::unique_ptr<Sink> sink_;
  std::unique_ptr<class SequenceStage> stages_;
};

}  // namespace fleetlab
