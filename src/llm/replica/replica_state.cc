#include "llm/replica/replica_state.h"

#include <algorithm>
#include <cassert>

#include "fleetlab/random/distribution.h"

namespace fleetlab {

ReplicaState::ReplicaState(std::shared_ptr<const ReplicaOptions> options, std::unique_ptr<KvAllocator> kv,
                           Rng acceptance_rng, int engines, double kv_bytes_per_token_per_gpu, SeqEvents* events)
    : options_(std::move(options)), kv_(std::move(kv)), acceptance_rng_(acceptance_rng), engines_(engines),
      kv_bytes_per_token_per_gpu_(kv_bytes_per_token_per_gpu), events_(events),
      running_(static_cast<std::size_t>(engines)),
      lazy_decodes_((options_->scheduler.policy == BatchingPolicy::kContinuous ||
                     options_->scheduler.policy == BatchingPolicy::kChunkedPrefill) &&
                    !options_->speculative.enabled),
      cohorts_(static_cast<std::size_t>(engines)), visitors_(static_cast<std::size_t>(engines)) {}

std::uint32_t ReplicaState::NewSeq(const Request& request, std::int64_t prompt, std::int64_t output) {
  std::uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(seqs_.size());
    seqs_.emplace_back();
    member_.push_back(0);
  }
  Seq& s = seqs_[slot];
  s = Seq{};
  s.request = request;
  s.prompt = prompt;
  assert(output <= INT32_MAX);  // at most max_model_len
  s.output = static_cast<std::int32_t>(output);
  s.prefill_target = prompt;
  s.measured = request.measured;
  return slot;
}

void ReplicaState::FreeSeq(std::uint32_t slot) {
  seqs_[slot].state = SeqState::kDone;
  free_slots_.push_back(slot);
}

const std::uint32_t* ReplicaState::NextCandidate() {
  if (!resumable_.empty()) return &resumable_.front();
  if (!waiting_.empty()) return &waiting_.Front();
  return nullptr;
}

void ReplicaState::PopCandidate() {
  if (!resumable_.empty()) {
    resumable_.pop_front();
  } else {
    waiting_.PopFront();
  }
}

std::int64_t ReplicaState::Reservation(const Seq& s) const {
  return ReservationTokens(options_->kv.reservation, s.prompt + s.output, options_->scheduler.max_model_len);
}

bool ReplicaState::Admit(std::uint32_t slot, int engine, SimTime now) {
  Seq& s = seqs_[slot];
  const std::int64_t initial = s.prefill_target + 1;  // the prompt and the first output token's slot
  const std::int64_t final_length = s.prompt + s.output;
  const std::int64_t reserve = std::max(Reservation(s), initial);
  PrefixRef prefix{s.request.prefix_group, Tokens(std::min<std::int64_t>(s.request.prefix_tokens, s.prefill_target)),
                   s.request.prefix_hashes, s.request.prefix_hash_count, s.request.prefix_hash_tokens};
  const KvAdmission a = kv_->Admit(s.request.id, Tokens(initial), Tokens(reserve), Tokens(final_length), prefix);
  if (!a.admitted) return false;
  // At least the last prompt token is computed, to produce the next token's logits.
  s.prefilled = s.kv_shipped ? s.prefill_target : std::min(a.cached_tokens.value(), s.prefill_target - 1);
  s.kv_tokens = initial;
  Told(s);
  s.state = SeqState::kRunning;
  s.engine = engine;
  if (s.scheduled < 0) s.scheduled = now;
  AddToRunning(slot, engine);
  return true;
}

double ReplicaState::SwapSeconds(std::int64_t tokens) const {
  // Every GPU copies its own slice over its own host link, in parallel.
  const double bytes = static_cast<double>(tokens) * kv_bytes_per_token_per_gpu_;
  return options_->host_link.latency_s + bytes / options_->host_link.bandwidth_Bps;
}

bool ReplicaState::SwapIn(std::uint32_t slot, int engine, double* stall_s) {
  Seq& s = seqs_[slot];
  const std::int64_t final_length = s.prompt + s.output;
  const std::int64_t reserve = std::max(Reservation(s), s.kv_tokens);
  if (!kv_->Admit(s.request.id, Tokens(s.kv_tokens), Tokens(reserve), Tokens(final_length), PrefixRef{}).admitted) {
    return false;
  }
  Told(s);
  *stall_s += SwapSeconds(s.kv_tokens);
  swap_used_bytes_ -= static_cast<double>(s.kv_tokens) * kv_bytes_per_token_per_gpu_;
  s.state = SeqState::kRunning;
  s.engine = engine;
  AddToRunning(slot, engine);
  return true;
}

std::int64_t ReplicaState::FinalTokens(const Seq& s) const {
  const Tokens block{std::max<std::int64_t>(1, options_->kv.cache.block_tokens.value())};
  return BlocksForTokens(Tokens{s.prompt + s.output}, block).value() * block.value();
}

void ReplicaState::AddToRunning(std::uint32_t slot, int engine) {
  seqs_[slot].running_order = next_running_order_++;
  running_[static_cast<std::size_t>(engine)].push_back(slot);
  visitors_[static_cast<std::size_t>(engine)].push_back(Visitor{seqs_[slot].running_order, slot});
  ++running_total_;
  running_final_tokens_ += FinalTokens(seqs_[slot]);
}

void ReplicaState::RemoveFromRunning(std::uint32_t slot, int engine) {
  auto& list = running_[static_cast<std::size_t>(engine)];
  const auto it = std::find(list.begin(), list.end(), slot);
  assert(it != list.end());
  list.erase(it);
  if (member_[slot] == 0) RemoveVisitor(slot, engine);
  --running_total_;
  running_final_tokens_ -= FinalTokens(seqs_[slot]);
}

std::size_t ReplicaState::PositionInRunning(std::uint32_t slot, int engine) const {
  const auto& list = running_[static_cast<std::size_t>(engine)];
  const std::uint64_t order = seqs_[slot].running_order;
  const auto it = std::lower_bound(list.begin(), list.end(), order, [this](std::uint32_t s, std::uint64_t o) {
    return seqs_[s].running_order < o;
  });
  assert(it != list.end() && *it == slot);
  return static_cast<std::size_t>(it - list.begin());
}

void ReplicaState::AddVisitor(std::uint32_t slot, int engine) {
  auto& v = visitors_[static_cast<std::size_t>(engine)];
  const Visitor x{seqs_[slot].running_order, slot};
  v.insert(std::upper_bound(v.begin(), v.end(), x, [](const Visitor& a, const Visitor& b) { return a.order < b.order; }),
           x);
}

void ReplicaState::RemoveVisitor(std::uint32_t slot, int engine) {
  auto& v = visitors_[static_cast<std::size_t>(engine)];
  const auto it = std::find_if(v.begin(), v.end(), [slot](const Visitor& x) { return x.slot == slot; });
  assert(it != v.end());
  v.erase(it);
}

void ReplicaState::Retire(std::uint32_t slot) {
  LeaveCohort(slot);
  Seq& s = seqs_[slot];
  if (s.kv_tokens > 0) {
    Forget(s);
    kv_->Release(s.request.id);
  }
  s.kv_tokens = 0;
  if (s.state == SeqState::kRunning) RemoveFromRunning(slot, s.engine);
  FreeSeq(slot);
}

void ReplicaState::HandOff(std::uint32_t slot) {
  LeaveCohort(slot);
  Seq& s = seqs_[slot];
  if (s.kv_tokens > 0) {
    if (s.kv_tokens > s.kv_told) kv_->Extend(s.request.id, Tokens(s.kv_tokens));  // within its slots: succeeds
    Forget(s);
  }
  s.kv_tokens = 0;  // no longer this slot's: the allocator keeps it under the request's id
  if (s.state == SeqState::kRunning) RemoveFromRunning(slot, s.engine);
  FreeSeq(slot);
}

std::size_t ReplicaState::ChooseVictim(const std::vector<std::uint32_t>& list, std::size_t first) const {
  std::size_t best = list.size();
  for (std::size_t i = first; i < list.size(); ++i) {
    const Seq& c = seqs_[list[i]];
    // A finished request (request-level batching keeps it in the batch as
    // padding) has been answered: preempted, it was queued, prefilled and
    // answered again.
    if (c.pinned || c.finished()) continue;
    if (best == list.size()) {
      best = i;
      continue;
    }
    const Seq& b = seqs_[list[best]];
    bool better = false;
    switch (options_->preemption.victim) {
      case VictimPolicy::kNewest: better = c.request.id > b.request.id; break;
      case VictimPolicy::kOldest: better = c.request.id < b.request.id; break;
      case VictimPolicy::kLargest:
        better = KvTokens(c) > KvTokens(b) || (KvTokens(c) == KvTokens(b) && c.request.id > b.request.id);
        break;
    }
    if (better) best = i;
  }
  return best;
}

void ReplicaState::Preempt(std::uint32_t victim, int engine, double* stall_s) {
  LeaveCohort(victim);
  Seq& v = seqs_[victim];
  ++v.preemptions;
  ++preemptions_;
  const PreemptionOptions& p = options_->preemption;
  const bool budget_hit = p.budget > 0 && v.preemptions >= p.budget;
  RemoveFromRunning(victim, engine);
  Forget(v);
  kv_->Release(v.request.id);
  if (budget_hit && p.on_budget == BudgetAction::kFail) {
    v.kv_tokens = 0;
    v.state = SeqState::kDone;
    events_->OnFailed(victim);
    return;
  }
  if (budget_hit) v.pinned = true;
  const double bytes = static_cast<double>(v.kv_tokens) * kv_bytes_per_token_per_gpu_;
  const bool swap = p.mode == PreemptionMode::kSwap && swap_used_bytes_ + bytes <= p.swap_space_bytes;
  if (swap) {
    *stall_s += SwapSeconds(v.kv_tokens);
    swap_used_bytes_ += bytes;
    ++swaps_;
    v.state = SeqState::kSwapped;
    swapped_.push_back(victim);
  } else {
    v.prefill_target = v.prompt + v.generated;  // recompute: the generated tokens become prompt
    v.folded = static_cast<std::int32_t>(v.generated);
    v.kv_shipped = false;                       // the shipped KV is gone with the rest
    v.prefilled = 0;
    v.kv_tokens = 0;
    v.state = SeqState::kWaiting;
    resumable_.push_front(victim);  // vLLM: preempted requests go back to the head of the queue
  }
  events_->OnPreempted(victim, swap);
}

bool ReplicaState::GrowOrPreemptSlow(std::uint32_t slot, std::int64_t need, int engine,
                                     std::size_t first_candidate, double* stall_s) {
  Seq& s = seqs_[slot];
  const auto& list = running_[static_cast<std::size_t>(engine)];
  // Extend changes nothing when memory is short, so try it first: the
  // common case costs one lookup.
  while (!kv_->Extend(s.request.id, Tokens(need))) {
    if (first_candidate == kSlotPosition) first_candidate = PositionInRunning(slot, engine);
    const std::size_t v = ChooseVictim(list, first_candidate);
    if (v == list.size()) return false;  // everyone left is pinned
    const std::uint32_t victim = list[v];
    Preempt(victim, engine, stall_s);
    if (victim == slot) return false;
  }
  kv_untold_ -= s.kv_tokens - s.kv_told;  // Extend told it all
  s.kv_tokens = need;
  Told(s);
  return true;
}

void ReplicaState::PlanPlainDecodes(int engine, IterationPlan* plan) {
  assert(!options_->speculative.enabled);
  DecodeCohort& cohort = cohorts_[static_cast<std::size_t>(engine)];
  due_.clear();
  crossing_.clear();
  cohort.PopDue(seqs_, &due_);
  for (const std::uint32_t slot : due_) {
    if (cohort.MakesLastToken(seqs_[slot])) {
      LeaveCohort(slot);  // visited below; it completes at the end of this iteration
    } else {
      crossing_.push_back(Visitor{seqs_[slot].running_order, slot});
    }
  }
  const auto by_order = [](const Visitor& a, const Visitor& b) { return a.order < b.order; };
  std::sort(crossing_.begin(), crossing_.end(), by_order);
  std::int64_t decodes = 0, context = 0;
  // The visitors and the members crossing into a block, merged in list
  // order (copies: preemption changes the lists).
  visiting_ = visitors_[static_cast<std::size_t>(engine)];
  std::size_t next_crossing = 0;
  for (const Visitor& v : visiting_) {
    for (; next_crossing < crossing_.size() && crossing_[next_crossing].order < v.order; ++next_crossing) {
      CrossBlock(crossing_[next_crossing].slot, engine, &plan->stall_s);
    }
    const Seq& s = seqs_[v.slot];
    // Preempted by an earlier visitor, or prefilling, or done.
    if (s.state != SeqState::kRunning || !s.prefill_done() || s.finished()) continue;
    const std::int64_t c = s.context();
    if (!GrowOrPreempt(v.slot, 1, engine, kSlotPosition, &plan->stall_s)) continue;  // preempted, or pinned and stuck
    ++decodes;
    context += c;
    plan->items.push_back(IterationItem{v.slot, 0, 1});
  }
  for (; next_crossing < crossing_.size(); ++next_crossing) {
    CrossBlock(crossing_[next_crossing].slot, engine, &plan->stall_s);
  }
  // The members that stayed grow by one token each (within their slots, or
  // told already by CrossBlock).
  plan->cohort = cohort.size();
  if (plan->cohort > 0) {
    kv_untold_ += cohort.size();
    context += cohort.context();
    decodes += cohort.size();
    cohort.Plan();
    if (look_ahead_) LookAhead(cohort);
  }
  plan->shape.decode_sequences += decodes;
  plan->shape.decode_tokens += decodes;
  plan->shape.decode_context_tokens += context;
  plan->sequences += decodes;
}

void ReplicaState::LookAhead(const DecodeCohort& cohort) const {
  cohort.PrefetchAhead(seqs_, options_->kv.cache.block_tokens.value());
  for (const std::uint32_t slot : cohort.NextDueSlots()) {  // their sequences were prefetched a step ago
    kv_->Prefetch(seqs_[slot].request.id);
  }
}

void ReplicaState::CrossBlock(std::uint32_t slot, int engine, double* stall_s) {
  if (member_[slot] == 0) return;  // preempted by an earlier grower
  Seq& s = seqs_[slot];
  DecodeCohort& cohort = cohorts_[static_cast<std::size_t>(engine)];
  cohort.Rebase(s);
  const std::int64_t context = s.kv_tokens;
  if (GrowOrPreempt(slot, 1, engine, kSlotPosition, stall_s)) {
    // Told the allocator of context + 1; as a member it grows there at the
    // planned step, whose tally would count that token again.
    s.kv_tokens = context;
    --kv_untold_;
    cohort.Reschedule(s, slot);
    return;
  }
  if (member_[slot] != 0) LeaveCohort(slot);  // pinned and stuck: no token this time
}

void ReplicaState::TryJoinCohort(std::uint32_t slot, SimTime now, bool stepped) {
  Seq& s = seqs_[slot];
  if (!lazy_decodes_ || s.engine < 0) return;
  DecodeCohort& cohort = cohorts_[static_cast<std::size_t>(s.engine)];
  if (!cohort.MayJoin(s, stepped)) return;
  cohort.Join(s, slot, now, next_cohort_id_++);
  member_[slot] = 1;
  RemoveVisitor(slot, s.engine);
}

void ReplicaState::DissolveCohort(int engine) {
  for (const std::uint32_t slot : running_[static_cast<std::size_t>(engine)]) LeaveCohort(slot);
}

void ReplicaState::LeaveCohort(std::uint32_t slot) {
  if (member_[slot] == 0) return;
  Seq& s = seqs_[slot];
  cohorts_[static_cast<std::size_t>(s.engine)].Leave(s);
  member_[slot] = 0;
  AddVisitor(slot, s.engine);
}

void ReplicaState::Told(Seq& s) {
  s.kv_told = s.kv_tokens;
  s.kv_room = std::min(kv_->Allocated(s.request.id).value(), s.prompt + s.output);
}

void ReplicaState::Forget(Seq& s) {
  kv_untold_ -= s.kv_tokens - s.kv_told;
  s.kv_told = s.kv_room = 0;
}

KvUsage ReplicaState::Usage() const {
  KvUsage u = kv_->Usage();
  u.stored = u.stored + Tokens(kv_untold_);
  u.reserved = u.reserved - Tokens(kv_untold_);
  return u;
}

void ReplicaState::SyncKv() {
  for (const auto& list : running_) {
    for (const std::uint32_t slot : list) {
      Seq& s = seqs_[slot];
      const std::int64_t kv = KvTokens(s);  // a cohort member's stays lazy: only the allocator hears
      if (kv <= s.kv_told) continue;
      [[maybe_unused]] const bool ok = kv_->Extend(s.request.id, Tokens(kv));
      assert(ok);  // within its allocated slots
      kv_untold_ -= kv - s.kv_told;
      if (s.cohort_id == 0) {
        Told(s);
      } else {
        s.kv_told = kv;  // within its slots: its room and due step stand
      }
    }
  }
}

void ReplicaState::SpeculativeStep(const Seq& s, std::int64_t* produced, std::int64_t* processed) {
  const SpeculativeOptions& spec = options_->speculative;
  std::int64_t accepted = 0;
  while (accepted < spec.gamma && SampleBernoulli(acceptance_rng_, spec.acceptance)) ++accepted;
  *produced = std::min(accepted + 1, s.output - s.generated);  // the accepted drafts plus the target's own token
  *processed = spec.gamma + 1;
}

void ReplicaState::AddPrefill(IterationPlan* plan, std::uint32_t slot, std::int64_t tokens) const {
  const Seq& s = seqs_[slot];
  const auto p = static_cast<double>(s.prefilled), c = static_cast<double>(tokens);
  plan->shape.prefill_tokens += tokens;
  plan->shape.prefill_attention_pairs += c * p + c * (c + 1) / 2;
  plan->shape.prefill_context_tokens += s.prefilled;
  assert(tokens <= INT32_MAX);  // within max_model_len (at most 1e8)
  plan->items.push_back(IterationItem{slot, static_cast<std::int32_t>(tokens), 0});
  ++plan->sequences;
}

void ReplicaState::AddDraft(IterationPlan* plan, std::int64_t context) const {
  plan->draft_steps = options_->speculative.draft_is_ngram ? 0 : options_->speculative.gamma;
  plan->draft_shape.decode_sequences += 1;
  plan->draft_shape.decode_tokens += 1;
  plan->draft_shape.decode_context_tokens += context;
}

}  // namespace fleetlab
