#include "fleet/load_board.h"

#include <cassert>

namespace fleetlab {

LoadBoard::LoadBoard(std::vector<const LoadProbe*> probes, bool live, bool count_own_sends, bool track_least)
    : probes_(std::move(probes)), live_(live), count_own_sends_(count_own_sends),
      snapshot_(probes_.size()), sent_since_report_(probes_.size(), 0),
      counts_(probes_.size(), live && track_least), mirrored_(probes_.size(), 0) {
  assert(!probes_.empty());
  if (!live_) return;
  tracked_ = track_least;
  for (std::size_t i = 0; i < probes_.size(); ++i) {
    mirrored_[i] = probes_[i]->MirrorOutstanding(&counts_, i) ? 1 : 0;
    tracked_ = tracked_ && mirrored_[i] != 0;
  }
}

std::size_t LoadBoard::LeastOutstanding() const {
  if (tracked_) return counts_.ArgMin();
  std::size_t best = 0;
  double best_load = Outstanding(0);
  for (std::size_t i = 1; i < size(); ++i) {
    const double load = Outstanding(i);
    if (load < best_load) best = i, best_load = load;  // strict: an equal load keeps the lower index
  }
  return best;
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
