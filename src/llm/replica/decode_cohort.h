// DecodeCohort: the sequences of one engine that decode one token in every
// plain decode iteration and need nothing else until a step known when they
// join: the step whose token needs a KV slot beyond those allocated, or the
// step that makes their last token. Their progress is one shared step
// counter, so a decode iteration costs O(1) for all of them instead of a
// visit to each sequence (the simulator's hottest loop; with hundreds of
// replicas those visits were mostly cache misses). A member leaves, and is
// visited one by one again, at its due step or when it is preempted.
//
// A member's Seq fields generated, kv_tokens and last_token are as of the
// step it joined (its base); Leave brings them up to date. The cohort keeps
// the sums an iteration's cost needs (members, their contexts).
#pragma once

#include <algorithm>
#include <array>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <queue>
#include <span>
#include <vector>

#include "fleetlab/time.h"
#include "llm/scheduler/sequence.h"

namespace fleetlab {

class DecodeCohort {
 public:
  // Decode steps the members have finished, and planned (one more while an
  // iteration that steps them runs).
  std::int64_t step() const { return step_; }
  std::int64_t planned() const { return planned_; }
  std::int64_t size() const { return size_; }
  std::int64_t measured() const { return measured_; }
  // The members' contexts (prompt and generated tokens) summed, as of step().
  std::int64_t context() const { return context_; }
  // When the members' last token came (the end of the last step).
  SimTime last_token() const { return last_token_; }
  // The bytes every step reads first: the counts and the occupancy mask,
  // not the buckets (Simulator::SetHotMemory).
  std::span<const std::byte> HotMemory() const {
    const auto* first = reinterpret_cast<const std::byte*>(this);
    return {first, static_cast<std::size_t>(reinterpret_cast<const std::byte*>(&near_) - first)};
  }

  // The plan step at which `s` must be visited again if it joins now: the
  // first whose token needs a slot beyond kv_room, or the one that makes its
  // last token. REQUIRES: s decodes (prefilled, not finished) and
  // s.kv_tokens == s.context().
  std::int64_t DueStep(const Seq& s) const;
  // Whether `s` may join now: it decodes, holds exactly its context, and
  // would not be due at the next step. `stepped`: the members made a token
  // at `now` (or there are none), so they share s's last token time.
  bool MayJoin(const Seq& s, bool stepped) const;
  // REQUIRES: MayJoin(s, stepped) and s's last token came at `now`; `id`
  // unique among every cohort of the replica (a slot may leave one engine's
  // cohort and join another's, whose stale entries must not match it).
  void Join(Seq& s, std::uint32_t slot, SimTime now, std::uint64_t id);
  // Brings s's fields up to date and removes it. REQUIRES: s is a member;
  // no step is planned and unfinished.
  void Leave(Seq& s);
  // Brings a member's fields up to date; it stays (its base is now).
  // REQUIRES: as Leave.
  void Rebase(Seq& s);
  // Whether the next planned step makes a member's last token.
  bool MakesLastToken(const Seq& s) const { return s.generated + (step_ - s.cohort_base) + 1 == s.output; }
  // A member that was due and stays (its KV grew into a new block): due
  // again at DueStep. REQUIRES: rebased, s.kv_tokens == s.context().
  void Reschedule(const Seq& s, std::uint32_t slot);
  // s.kv_tokens as it is now (planned steps included). REQUIRES: member.
  std::int64_t KvTokens(const Seq& s) const { return s.kv_tokens + (planned_ - s.cohort_base); }

  // Pops the members due at the next planned step into *due (slots; stale
  // entries of members that left are dropped). `seqs` is the slot storage.
  void PopDue(const std::vector<Seq>& seqs, std::vector<std::uint32_t>* due);
  // The members take a step (plan); it ends at `now` (finish).
  void Plan() { ++planned_; }
  void Finish(SimTime now);

  // Starts loading what the next PopDue calls and their reschedules read,
  // for a replica whose state leaves the cache between its iterations
  // (hundreds of replicas), one stage a step: the bucket three steps ahead;
  // the sequences due two steps ahead (their bucket warmed here a step ago);
  // the bucket where the next step's dues will be due again, one KV block
  // on (`block_steps` ahead). Changes nothing. Inlined by force: out of
  // line, GCC judges a function of prefetches alone free of effects and
  // drops the call.
  [[gnu::always_inline]] inline void PrefetchAhead(const std::vector<Seq>& seqs, std::int64_t block_steps) const {
    const std::int64_t next = planned_ + 1;
    __builtin_prefetch(&near_[static_cast<std::size_t>((next + 2) % kNear)]);
    __builtin_prefetch(&near_[static_cast<std::size_t>((next + block_steps) % kNear)], 1);
    for (const std::uint32_t slot : DueSlotsAt(next + 1)) {
      assert(slot < seqs.size());  // slots index the replica's slab, which never shrinks
      const auto* seq = reinterpret_cast<const char*>(seqs.data() + slot);
      __builtin_prefetch(seq);       // state and lengths
      __builtin_prefetch(seq + 64);  // the cohort fields (SeqLayout test)
    }
  }
  // The slots due at the next planned step that PopDue will find in place
  // (stale ones included; none of a bucket's spill): for hints.
  std::span<const std::uint32_t> NextDueSlots() const { return DueSlotsAt(planned_ + 1); }

 private:
  struct Due {
    std::int64_t step;
    std::uint64_t id;
    std::uint32_t slot;
    bool operator>(const Due& o) const { return step != o.step ? step > o.step : id > o.id; }
  };
  // Dues fewer than kNear steps ahead (a paged cache's next block: the
  // common case) wait in a ring of buckets, one per step, O(1) each way;
  // later ones in a heap. A bucket is one cache line holding its first
  // kPerBucket entries in place (the rest spill to a vector), and a bit of
  // occupied_ says whether it holds any: a step with none due touches no
  // bucket, one with a few a single line (with hundreds of replicas, each
  // line a cache miss).
  static constexpr std::int64_t kNear = 64;
  static constexpr std::uint32_t kPerBucket = 4;
  struct alignas(64) Bucket {
    std::uint32_t count = 0;  // due at `step`: the first kPerBucket here, the rest in spill_
    std::uint32_t slot[kPerBucket];
    std::int64_t step = 0;
    std::uint64_t id[kPerBucket];
  };
  static_assert(sizeof(Bucket) == 64);
  static_assert(kNear <= 64, "occupied_ has a bit per bucket");
  // The in-place entries of the bucket due at `step`, if it holds any.
  // REQUIRES: planned_ < step <= planned_ + kNear.
  std::span<const std::uint32_t> DueSlotsAt(std::int64_t step) const {
    const auto b = static_cast<std::size_t>(step % kNear);
    if ((occupied_ & (std::uint64_t{1} << b)) == 0) return {};
    return {near_[b].slot, std::min(near_[b].count, kPerBucket)};
  }
  static void Collect(const std::vector<Seq>& seqs, std::uint32_t slot, std::uint64_t id,
                      std::vector<std::uint32_t>* due) {
    if (seqs[slot].cohort_id == id) due->push_back(slot);  // else it left (preempted): stale
  }

  std::int64_t step_ = 0, planned_ = 0;
  std::int64_t size_ = 0, measured_ = 0, context_ = 0;
  SimTime last_token_ = -1;
  std::uint64_t occupied_ = 0;
  std::priority_queue<Due, std::vector<Due>, std::greater<>> far_;
  std::vector<std::vector<Due>> spill_;  // per bucket, once a bucket is full
  std::array<Bucket, kNear> near_{};
};

}  // namespace fleetlab
