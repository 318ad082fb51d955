// ReplicaState: the queues, sequences and KV cache of one LLM replica, and
// the operations a scheduling policy may perform on them (admit a request,
// make room for a decode step, preempt). Owned by LlmReplica; schedulers
// (scheduler.h) read and change it to plan each iteration.
#pragma once

#include <cassert>
#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "fleetlab/llm/kv_cache.h"
#include "fleetlab/llm/replica_options.h"
#include "fleetlab/random/rng.h"
#include "fleetlab/util/ring_buffer.h"
#include "llm/replica/decode_cohort.h"
#include "llm/scheduler/sequence.h"

namespace fleetlab {

// 12 bytes: an iteration's items are written when it starts and read when
// it ends, by then often out of cache (a fleet's replicas interleave).
struct IterationItem {
  std::uint32_t slot = 0;
  std::int32_t prefill = 0;   // prompt tokens computed in this iteration (a chunk: < max_model_len)
  std::int32_t produced = 0;  // output tokens this decode yields (speculative: 1..gamma+1)
};

struct IterationPlan {
  std::vector<IterationItem> items;
  IterationShape shape;
  std::int64_t draft_steps = 0;  // speculative: draft-model iterations before the target's
  IterationShape draft_shape;    // the draft's decode shape (one draft step)
  double stall_s = 0;            // KV swaps that must finish before the iteration
  std::int64_t sequences = 0;    // items and cohort members
  std::int64_t cohort = 0;       // members of the engine's DecodeCohort that decode (no item each)

  void Clear() {
    items.clear();
    cohort = 0;
    shape = IterationShape{};
    draft_shape = IterationShape{};
    draft_steps = 0;
    stall_s = 0;
    sequences = 0;
  }
  bool empty() const { return items.empty() && cohort == 0; }
};

// Told when the state preempts or fails a sequence (for metrics, and to
// answer the client of a failed request).
class SeqEvents {
 public:
  virtual ~SeqEvents() = default;
  virtual void OnPreempted(std::uint32_t slot, bool swapped) = 0;
  virtual void OnFailed(std::uint32_t slot) = 0;
};

class ReplicaState {
 public:
  // REQUIRES: options validated, not null; kv_bytes_per_token > 0. Does not
  // own events.
  ReplicaState(std::shared_ptr<const ReplicaOptions> options, std::unique_ptr<KvAllocator> kv, Rng acceptance_rng,
               int engines, double kv_bytes_per_token_per_gpu, SeqEvents* events);

  const ReplicaOptions& options() const { return *options_; }
  // The allocator. Its Usage() and BlockMap() lag tokens grown within
  // allocated slots: read Usage() instead, and SyncKv() before BlockMap().
  const KvAllocator& kv() const { return *kv_; }
  // Replaces the allocator (one that can draw the block map, say).
  // REQUIRES: nothing admitted yet; `kv` of the same capacity.
  void ReplaceKv(std::unique_ptr<KvAllocator> kv) {
    assert(running_total_ == 0 && kv->Usage().free == kv_->Usage().free && kv_->Usage().free == kv_->Usage().capacity);
    kv_ = std::move(kv);
  }
  // Whether planning a decode step also starts loading what the next steps'
  // dues will read (DecodeCohort::PrefetchAhead): worth it only when this
  // state leaves the cache between iterations (Simulator::prefetching).
  void SetLookAhead(bool on) { look_ahead_ = on; }
  // The cache's usage, with the tokens grown within allocated slots that the
  // allocator has not been told of (stored, no longer reserved). O(1).
  KvUsage Usage() const;
  // Tells the allocator every running sequence's true length (before a
  // block map is drawn). O(running sequences).
  void SyncKv();
  int engines() const { return engines_; }

  // Sequence storage: slots are reused, so steady state allocates nothing.
  // A decode cohort member's generated, kv_tokens and last_token lag until
  // it leaves (decode_cohort.h); every sequence an iteration's items or a
  // completion name is up to date.
  std::uint32_t NewSeq(const Request& request, std::int64_t prompt, std::int64_t output);
  void FreeSeq(std::uint32_t slot);
  Seq& seq(std::uint32_t slot) { return seqs_[slot]; }
  const Seq& seq(std::uint32_t slot) const { return seqs_[slot]; }

  // New requests, in arrival order; preempted (recomputing) requests go
  // first (vLLM's priority); swapped-out requests wait apart.
  RingBuffer<std::uint32_t>& waiting() { return waiting_; }
  std::deque<std::uint32_t>& resumable() { return resumable_; }
  std::deque<std::uint32_t>& swapped() { return swapped_; }
  // The next request to admit (resumable first), or nullptr.
  const std::uint32_t* NextCandidate();
  void PopCandidate();
  std::size_t queued() const { return waiting_.size() + resumable_.size() + swapped_.size(); }

  std::vector<std::uint32_t>& running(int engine) { return running_[static_cast<std::size_t>(engine)]; }
  const std::vector<std::uint32_t>& running_list(int engine) const { return running_[static_cast<std::size_t>(engine)]; }
  // Sequences running on `engine`; max_running bounds this per engine, as
  // vLLM's max_num_seqs bounds each pipeline virtual engine.
  std::int64_t RunningIn(int engine) const {
    return static_cast<std::int64_t>(running_[static_cast<std::size_t>(engine)].size());
  }
  std::int64_t running_total() const { return running_total_; }
  // The final lengths (prompt + output, in whole blocks) of every running
  // sequence, summed: what they will hold at the end. O(1).
  std::int64_t RunningFinalTokens() const { return running_final_tokens_; }
  // `s`'s final length in whole blocks.
  std::int64_t FinalTokens(const Seq& s) const;

  // Admits the request in `slot` to `engine`: KV for its prefill target plus
  // its first output token (contiguous: the reservation policy's region),
  // prompt tokens found in the prefix cache marked computed. Returns false,
  // changing nothing, if memory is short. A kv_shipped sequence is admitted
  // fully prefilled (its prompt's KV arrived with it).
  bool Admit(std::uint32_t slot, int engine, SimTime now);
  // Brings a swapped-out sequence back (its KV copied in from the host).
  // Adds the copy time to *stall_s. False if memory is short.
  bool SwapIn(std::uint32_t slot, int engine, double* stall_s);

  // Makes room for `slot` to grow by `tokens`, preempting running sequences
  // of `engine` chosen by the victim policy among
  // running(engine)[first_candidate..], which must include `slot`
  // (kSlotPosition: from `slot`'s own position). Returns true if
  // the slot may grow (and grows its KV); false if `slot` was preempted or
  // cannot grow (all candidates pinned). *stall_s accumulates swap-out time.
  // Inline: the per-token common case (growth within the allocated slots)
  // is a tally; the rest goes to GrowOrPreemptSlow.
  static constexpr std::size_t kSlotPosition = ~std::size_t{0};
  bool GrowOrPreempt(std::uint32_t slot, std::int64_t tokens, int engine, std::size_t first_candidate,
                     double* stall_s) {
    Seq& s = seqs_[slot];
    const std::int64_t need = s.context() + tokens;
    if (need <= s.kv_tokens) return true;
    // Within the slots already allocated (and the final length, so the
    // tokens come out of reserved): per token only a tally; the allocator
    // hears of it at the next block, or when its usage or block map is read.
    if (need <= s.kv_room) {
      kv_untold_ += need - s.kv_tokens;
      s.kv_tokens = need;
      return true;
    }
    return GrowOrPreemptSlow(slot, need, engine, first_candidate, stall_s);
  }

  // The cohort of `engine`'s plain decoders (decode_cohort.h). Only the
  // continuous and chunked-prefill policies without speculation have
  // members: the others visit every sequence in their own loops.
  const DecodeCohort& cohort(int engine) const { return cohorts_[static_cast<std::size_t>(engine)]; }
  // Whether `slot` is a cohort member (prefilled, decoding; its lazy fields lag).
  bool InCohort(std::uint32_t slot) const { return member_[slot] != 0; }
  // Every member of `engine`'s cohort leaves it (before a loop that may
  // decode only some of them). O(running sequences).
  void DissolveCohort(int engine);
  // After `slot` made a token at `now`: it joins its engine's cohort if it
  // may. `stepped`: the cohort made a token at `now` too.
  void TryJoinCohort(std::uint32_t slot, SimTime now, bool stepped);
  // The cohort of `engine` made its planned step, ending at `now`.
  void FinishCohortStep(int engine, SimTime now) { cohorts_[static_cast<std::size_t>(engine)].Finish(now); }

  // PlanDecodes without speculation or a token budget (the common case,
  // and the simulator's hottest loop): a decode step of every running
  // sequence of `engine` that has prefilled and not finished, in list order,
  // growing each (preempting as GrowOrPreempt does), the shape summed once.
  // Cohort members due at this step leave it and are visited with the rest;
  // the others step together in O(1) (plan->cohort).
  void PlanPlainDecodes(int engine, IterationPlan* plan);

  // Output tokens a decode step of `s` yields, and the tokens the target
  // processes for it: (1, 1) normally; with speculative decoding gamma
  // drafted tokens of which the leading accepted ones plus one are kept.
  void DecodeStep(const Seq& s, std::int64_t* produced, std::int64_t* processed) {
    if (!options_->speculative.enabled) {
      *produced = *processed = 1;
      return;
    }
    SpeculativeStep(s, produced, processed);
  }

  // Adds a prefill chunk or a decode step of `slot` to `plan`.
  void AddPrefill(IterationPlan* plan, std::uint32_t slot, std::int64_t tokens) const;
  void AddDecode(IterationPlan* plan, std::uint32_t slot, std::int64_t produced, std::int64_t processed) const {
    const std::int64_t context = seqs_[slot].context();
    plan->shape.decode_sequences += 1;
    plan->shape.decode_tokens += processed;
    plan->shape.decode_context_tokens += context;
    if (options_->speculative.enabled) AddDraft(plan, context);
    plan->items.push_back(IterationItem{slot, 0, static_cast<std::int32_t>(produced)});
    ++plan->sequences;
  }

  // Releases a sequence's KV cache, removes it from its engine's list and
  // frees its slot. REQUIRES: the caller is done with seq(slot).
  void Retire(std::uint32_t slot);
  // Prefill role: like Retire, but the KV stays allocated (under the
  // request's id) while it is shipped; ReleaseHandedOff frees it.
  void HandOff(std::uint32_t slot);
  void ReleaseHandedOff(std::uint64_t request_id) { kv_->Release(request_id); }

  std::uint64_t preemptions() const { return preemptions_; }
  std::uint64_t swaps() const { return swaps_; }

 private:
  std::int64_t Reservation(const Seq& s) const;
  // GrowOrPreempt beyond the allocated slots: Extend, preempting victims
  // while memory is short. `need` is the length to reach.
  bool GrowOrPreemptSlow(std::uint32_t slot, std::int64_t need, int engine, std::size_t first_candidate,
                         double* stall_s);
  void SpeculativeStep(const Seq& s, std::int64_t* produced, std::int64_t* processed);
  void AddDraft(IterationPlan* plan, std::int64_t context) const;
  // Index in list[first..] of the unpinned, unfinished sequence the victim
  // policy picks, or list.size().
  std::size_t ChooseVictim(const std::vector<std::uint32_t>& list, std::size_t first) const;
  void Preempt(std::uint32_t victim, int engine, double* stall_s);
  double SwapSeconds(std::int64_t tokens) const;
  void AddToRunning(std::uint32_t slot, int engine);
  void RemoveFromRunning(std::uint32_t slot, int engine);
  // `slot`'s index in running(engine), by its running_order. O(log n).
  std::size_t PositionInRunning(std::uint32_t slot, int engine) const;
  // The running sequences of an engine that are no cohort members, in list
  // order: what PlanPlainDecodes visits.
  struct Visitor {
    std::uint64_t order;
    std::uint32_t slot;
  };
  void AddVisitor(std::uint32_t slot, int engine);
  // A member due because its next token needs a new KV block: grown (or
  // preempting, as GrowOrPreempt does) where a visitor would be, and kept
  // in the cohort; one that cannot grow leaves it.
  void CrossBlock(std::uint32_t slot, int engine, double* stall_s);
  // Prefetches for the cohort's next steps: their dues' sequences, buckets
  // and KV index entries.
  void LookAhead(const DecodeCohort& cohort) const;
  void RemoveVisitor(std::uint32_t slot, int engine);
  // After `s` was admitted or extended to s.kv_tokens: the allocator knows it.
  void Told(Seq& s);
  // Brings a cohort member's fields up to date and removes it; nothing if `slot` is no member.
  void LeaveCohort(std::uint32_t slot);
  // s.kv_tokens, a cohort member's as it is now.
  std::int64_t KvTokens(const Seq& s) const {
    return s.cohort_id == 0 ? s.kv_tokens : cohorts_[static_cast<std::size_t>(s.engine)].KvTokens(s);
  }
  // Before `s`'s KV is released or handed off: what it grew untold leaves the tally.
  void Forget(Seq& s);

  std::shared_ptr<const ReplicaOptions> options_;  // the replica's, shared
  std::unique_ptr<KvAllocator> kv_;
  Rng acceptance_rng_;
  int engines_;
  double kv_bytes_per_token_per_gpu_;
  SeqEvents* events_;
  std::int64_t kv_untold_ = 0;  // sum of kv_tokens - kv_told over admitted sequences
  std::vector<Seq> seqs_;
  std::vector<std::uint32_t> free_slots_;
  RingBuffer<std::uint32_t> waiting_;
  std::deque<std::uint32_t> resumable_, swapped_;
  std::vector<std::vector<std::uint32_t>> running_;
  std::int64_t running_total_ = 0, running_final_tokens_ = 0;
  double swap_used_bytes_ = 0;
  std::uint64_t preemptions_ = 0, swaps_ = 0;
  bool lazy_decodes_;                   // continuous policy, no speculation: cohorts have members
  bool look_ahead_ = false;
  std::vector<DecodeCohort> cohorts_;   // per engine
  std::vector<std::uint8_t> member_;    // per slot: in a cohort (read in the decode loop, Seq stays cold)
  std::vector<std::uint32_t> due_;      // scratch: members due at the step being planned
  std::vector<std::vector<Visitor>> visitors_;  // per engine
  std::vector<Visitor> visiting_;       // scratch: this plan's visitors
  std::vector<Visitor> crossing_;       // scratch: this plan's members due for a new block
  std::uint64_t next_running_order_ = 0;
  std::uint64_t next_cohort_id_ = 1;    // DecodeCohort::Join's ids, unique across engines
};

}  // namespace fleetlab
