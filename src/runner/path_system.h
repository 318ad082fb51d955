// PathSystem: a request path (path/path.h) as the system under load. Its
// figures run to the end of the run, so CloseWindow does nothing.
#pragma once

#include <memory>

#include "path/path.h"
#include "runner/system_under_load.h"

namespace fleetlab {

class PathSystem final : public SystemUnderLoad {
 public:
  // Builds the path (Path::Build). REQUIRES: o validated; streams, sim and
  // listener outlive the system.
  static Result<std::unique_ptr<SystemUnderLoad>> Build(const PathOptions& o, const RandomStreams& streams,
                                                        Simulator& sim, CompletionListener* listener);

  RequestTarget* target() const override { return path_->entry(); }
  double InSystemNow() const override { return path_->InSystemNow(); }
  void ResetStatistics(SimTime now) override { path_->ResetStatistics(now); }
  bool CloseWindow(SimTime) override { return false; }
  void Fill(const Scenario&, SimTime end, Report* r) const override { path_->Fill(end, r); }

 private:
  explicit PathSystem(std::unique_ptr<Path> path) : path_(std::move(path)) {}

  std::unique_ptr<Path> path_;
};

}  // namespace fleetlab
