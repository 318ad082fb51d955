// StationProbe: a station's load as a router reads it — the requests in it;
// its waiting requests stand in for KV pressure (a station has no KV cache).
#pragma once

#include "fleet/load_board.h"
#include "fleetlab/station/station.h"

namespace fleetlab {

class StationProbe final : public LoadProbe {
 public:
  // Does not own `s`. REQUIRES: s outlives the probe.
  explicit StationProbe(Station* s) : s_(s) {}
  ReplicaLoad Read() const override { return {s_->in_system().value(), static_cast<double>(s_->waiting())}; }
  bool MirrorOutstanding(MinTree* tree, std::size_t i) const override {
    s_->MirrorInSystem(tree, i);
    return true;
  }

 private:
  Station* s_;
};

}  // namespace fleetlab
