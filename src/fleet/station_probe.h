// StationProbe: a station's load as a router reads it — the requests in it;
// its waiting requests stand in for KV pressure (a station has no KV cache).
#pragma once

#include "fleet/load_board.h"
#include "fleetlab/station/station.h"

namespace fleetlab {

class StationProbe final : public LoadProbe {
 public:
  // Does not own `s`. REQUIRES: s outlives the probe.
  explicit StationProbe(const Station* s) : s_(s) {}
  ReplicaLoad Read() const override { return {s_->in_system().value(), static_cast<double>(s_->waiting())}; }

 private:
  const Station* s_;
};

}  // namespace fleetlab
