// LoadBoard: the replica loads a router sees — read live at each decision,
// or each replica's last report (stale), optionally plus the requests the
// router itself sent there since. Routing policies read only this.
//
// Live outstanding counts the replicas mirror (MirrorOutstanding) sit in
// one tournament tree the board owns (MinTree): a policy reads a count
// without touching the replica's own state (with hundreds of replicas, a
// cache miss each), and the least count at the root, in O(1) per request.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "fleetlab/util/min_tree.h"

namespace fleetlab {

// What a router may know of one replica at one instant.
struct ReplicaLoad {
  double outstanding = 0;  // running + queued requests
  // LLM replica: KV-cache stored tokens / capacity. Generic station (no KV
  // cache): its waiting requests, the closest analogue of memory pressure.
  double kv = 0;

  bool empty() const { return outstanding == 0 && kv == 0; }
};

// Reads one replica's live load (implemented beside the replica types).
class LoadProbe {
 public:
  virtual ~LoadProbe() = default;
  virtual ReplicaLoad Read() const = 0;
  // Has the replica keep value i of `tree` equal to Read().outstanding from
  // now on, written on every change; false if it cannot (then the board
  // reads Read()). REQUIRES: the tree outlives the replica's later changes.
  virtual bool MirrorOutstanding(MinTree* /*tree*/, std::size_t /*i*/) const { return false; }
};

class LoadBoard {
 public:
  // `live`: Seen() reads the probes (and the board has each replica mirror
  // its count, MirrorOutstanding); otherwise it returns each replica's
  // snapshot (all empty until its first Report). `count_own_sends` (stale
  // only) adds the sends since the snapshot to its outstanding count.
  // `track_least`: keep the least mirrored count at hand (LeastOutstanding
  // in O(1), each count change O(log N)); without it LeastOutstanding scans.
  // REQUIRES: !probes.empty(); no probe is null; probes outlive the board.
  LoadBoard(std::vector<const LoadProbe*> probes, bool live, bool count_own_sends, bool track_least = false);
  // The replicas write into the board's cells: it stays where it was built.
  LoadBoard(const LoadBoard&) = delete;
  LoadBoard& operator=(const LoadBoard&) = delete;

  std::size_t size() const { return probes_.size(); }
  bool live() const { return live_; }
  // Replica i's load as the router sees it now. REQUIRES: i < size().
  ReplicaLoad Seen(std::size_t i) const;
  // Seen(i).outstanding, read from the mirror when replica i keeps one.
  // REQUIRES: i < size().
  double Outstanding(std::size_t i) const {
    if (live_ && mirrored_[i] != 0) {
      assert(counts_.Value(i) == probes_[i]->Read().outstanding);
      return counts_.Value(i);
    }
    return Seen(i).outstanding;
  }
  // The replica with the fewest outstanding requests, the lowest index on a
  // tie: argmin of Outstanding(i). O(1) when the board tracks the least
  // and every replica mirrors its count (live), else a scan.
  std::size_t LeastOutstanding() const;
  // Replica i reports: its snapshot becomes its live load, which is returned.
  ReplicaLoad Report(std::size_t i);
  // The router sent one request to replica i.
  void OnSent(std::size_t i) { ++sent_since_report_[i]; }

 private:
  std::vector<const LoadProbe*> probes_;
  bool live_;
  bool count_own_sends_;
  std::vector<ReplicaLoad> snapshot_;
  std::vector<std::uint64_t> sent_since_report_;
  MinTree counts_;                      // the mirrored counts (live only)
  std::vector<std::uint8_t> mirrored_;  // 1 where counts_ value i is kept
  bool tracked_ = false;  // counts_ tracks its least, and every replica mirrors into it
};

}  // namespace fleetlab
