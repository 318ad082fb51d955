// DisaggregatedSystem: prefill and decode pools joined by a KV link
// (disagg/disagg_system.h) as the system under load.
#pragma once

#include <memory>

#include "disagg/disagg_system.h"
#include "runner/system_under_load.h"

namespace fleetlab {

class DisaggregatedSystem final : public SystemUnderLoad {
 public:
  // Builds both pools and the link (DisaggSystem::Build) with the hooks'
  // timeline, KV heatmap and request log. REQUIRES: o validated; streams,
  // sim, listener and the hooks' targets outlive the system.
  static Result<std::unique_ptr<SystemUnderLoad>> Build(const DisaggregationOptions& o, const RandomStreams& streams,
                                                        Simulator& sim, CompletionListener* listener,
                                                        const RunHooks& hooks, SimDuration horizon);

  RequestTarget* target() const override { return disagg_->target(); }
  double InSystemNow() const override { return disagg_->InSystemNow(); }
  void ResetStatistics(SimTime now) override { disagg_->ResetStatistics(now); }
  bool CloseWindow(SimTime now) override {
    disagg_->CloseWindow(now);
    return true;
  }
  void Fill(const Scenario& s, SimTime end, Report* r) const override { disagg_->Fill(s.workload.sizes, end, r); }

 private:
  explicit DisaggregatedSystem(std::unique_ptr<DisaggSystem> d) : disagg_(std::move(d)) {}

  std::unique_ptr<DisaggSystem> disagg_;
};

}  // namespace fleetlab
