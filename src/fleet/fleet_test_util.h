// Helpers shared by the fleet tests: replicas whose load a test sets by
// hand, and which record the requests they are sent.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "fleet/load_board.h"
#include "fleetlab/engine/simulator.h"
#include "fleetlab/workload/request.h"

namespace fleetlab::test {

class FixedProbe final : public LoadProbe {
 public:
  ReplicaLoad load;
  ReplicaLoad Read() const override { return load; }
};

class CountingTarget final : public RequestTarget {
 public:
  std::uint64_t received = 0;
  void Submit(Simulator&, const Request&) override { ++received; }
};

// `n` probes and a live board over them.
struct HandBuiltLoads {
  explicit HandBuiltLoads(std::size_t n) : probes(n) {}
  std::vector<FixedProbe> probes;
  void Set(const std::vector<double>& outstanding, const std::vector<double>& kv = {}) {
    for (std::size_t i = 0; i < probes.size(); ++i) {
      probes[i].load.outstanding = outstanding[i];
      probes[i].load.kv = kv.empty() ? 0.0 : kv[i];
    }
  }
  LoadBoard Live() const {
    std::vector<const LoadProbe*> p;
    for (const FixedProbe& probe : probes) p.push_back(&probe);
    return LoadBoard(p, true, false);
  }
};

}  // namespace fleetlab::test
