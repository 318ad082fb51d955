// StationFleet: one generic station, or a fleet of them behind a router, as
// the system under load.
#pragma once

#include <memory>
#include <vector>

#include "fleet/completion_tally.h"
#include "fleet/router.h"
#include "fleet/station_probe.h"
#include "fleetlab/station/station.h"
#include "runner/system_under_load.h"

namespace fleetlab {

class StationFleet final : public SystemUnderLoad {
 public:
  // Builds s.fleet's stations (one without a fleet), station i from
  // s.Member(i) drawing from Stream(StreamId::kService, i), and the
  // router from Stream(StreamId::kRouting). REQUIRES: s validated; streams,
  // sim and listener outlive the system.
  static Result<std::unique_ptr<SystemUnderLoad>> Build(const StationSystem& s, const RandomStreams& streams,
                                                        Simulator& sim, CompletionListener* listener);

  RequestTarget* target() const override { return target_; }
  double InSystemNow() const override;
  void ResetStatistics(SimTime now) override;
  bool CloseWindow(SimTime now) override;
  // Capacity: the stations' exact capacities summed; utilisation: the mean
  // busy share of each station's servers; the fleet part when s.fleet() is set.
  void Fill(const Scenario& s, SimTime end, Report* r) const override;

 private:
  StationFleet() = default;
  // Station i's busy share of its servers over the window.
  double BusyShare(const Scenario& s, std::size_t i, SimTime end, double window_s) const;
  FleetReport FleetFigures(const FleetOptions& fleet, SimTime end, double window_s, std::vector<double> busy) const;

  std::vector<std::unique_ptr<CompletionTally>> tallies_;
  std::vector<std::unique_ptr<Station>> stations_;
  std::vector<std::unique_ptr<StationProbe>> probes_;
  std::unique_ptr<Router> router_;  // a fleet only
  RequestTarget* target_ = nullptr;
};

}  // namespace fleetlab
