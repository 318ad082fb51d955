// ReplicaProbe: an LLM replica's load as a router reads it — the requests
// in it and the share of its KV cache they store.
#pragma once

#include "fleet/load_board.h"
#include "fleetlab/llm/replica.h"

namespace fleetlab {

class ReplicaProbe final : public LoadProbe {
 public:
  // Does not own `r`. REQUIRES: r outlives the probe.
  explicit ReplicaProbe(LlmReplica* r) : r_(r) {}
  ReplicaLoad Read() const override { return {r_->in_system().value(), r_->KvStoredFraction()}; }
  bool MirrorOutstanding(MinTree* tree, std::size_t i) const override {
    r_->MirrorInSystem(tree, i);
    return true;
  }

 private:
  LlmReplica* r_;
};

}  // namespace fleetlab
