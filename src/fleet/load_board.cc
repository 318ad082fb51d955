#include "fleet/load_board.h"

#include <cassert>

namespace fleetlab {

LoadBoard::LoadBoard(std::vector<const LoadProbe*> probes, bool live, bool count_own_sends)
    : probes_(std::move(probes)), live_(live), count_own_sends_(count_own_sends),
      snapshot_(probes_.size()), sent_since_report_(probes_.size(), 0),
      cells_(probes_.size(), 0.0), mirrored_(probes_.size(), 0) {
  assert(!probes_.empty());
  if (!live_) return;
  for (std::size_t i = 0; i < probes_.size(); ++i) mirrored_[i] = probes_[i]->MirrorOutstanding(&cells_[i]) ? 1 : 0;
}

ReplicaLoad LoadBoard::Seen(std::size_t i) const {
  if (live_) return probes_[i]->Read();
  ReplicaLoad seen = snapshot_[i];
  if (count_own_sends_) seen.outstanding += static_cast<double>(sent_since_report_[i]);
  return seen;
}

ReplicaLoad LoadBoard::Report(std::size_t i) {
  snapshot_[i] = probes_[i]->Read();
  sent_since_report_[i] = 0;
  return snapshot_[i];
}

}  // namespace fleetlab
