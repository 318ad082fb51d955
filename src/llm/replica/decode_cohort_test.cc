// DecodeCohort: due steps derived by hand, and a differential test: a
// replica state whose plain decoders step as a cohort plans exactly what one
// that visits every sequence plans (shapes, KV usage, block maps,
// preemptions, swaps and completions), under memory pressure, for every
// victim policy and preemption mode.
#include "llm/replica/decode_cohort.h"

#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "fleetlab/llm/kv_cache.h"
#include "fleetlab/random/rng.h"
#include "llm/replica/replica_state.h"
#include "llm/scheduler/scheduler.h"

namespace fleetlab {
namespace {

// A request decoding after its prefill: 10 prompt tokens, `generated` of
// `output` made, its KV holding exactly its context, `room` slots allocated.
Seq Decoding(std::int64_t output, std::int64_t generated, std::int64_t room, SimTime last) {
  Seq s;
  s.prompt = s.prefill_target = s.prefilled = 10;
  s.output = output;
  s.generated = generated;
  s.kv_tokens = s.context();
  s.kv_room = room;
  s.state = SeqState::kRunning;
  s.engine = 0;
  s.last_token = last;
  return s;
}

// Plans and finishes steps [first, end) of `c`, none of which has a member due.
void StepNoneDue(DecodeCohort& c, const std::vector<Seq>& seqs, int first, int end) {
  std::vector<std::uint32_t> due;
  for (int step = first; step < end; ++step) {
    c.PopDue(seqs, &due);
    ASSERT_TRUE(due.empty()) << step;
    c.Plan();
    c.Finish(step);
  }
}

TEST(DecodeCohortTest, DueAtTheNextBlockOrTheLastToken) {
  DecodeCohort c;
  // Context 11 in 16 slots: steps 1..5 grow it to 16; step 6 needs a 17th slot.
  EXPECT_EQ(c.DueStep(Decoding(100, 1, 16, 0)), 6);
  // 4 tokens left: the 4th step makes the last.
  EXPECT_EQ(c.DueStep(Decoding(5, 1, 16, 0)), 4);
  EXPECT_FALSE(c.MayJoin(Decoding(2, 1, 16, 0), true));  // due at once
  Seq grown = Decoding(100, 1, 16, 0);
  grown.kv_tokens = 12;  // holds more than its context (swapped in): visited until it does not
  EXPECT_FALSE(c.MayJoin(grown, true));
}

// The look-ahead's hint names, before each step, the members PopDue will
// find due at it: none at steps 1..3, seqs[1] (its last token) at 4.
TEST(DecodeCohortTest, NextDueSlotsNamesWhatPopDueFinds) {
  DecodeCohort c;
  std::vector<Seq> seqs = {Decoding(100, 1, 16, 50), Decoding(5, 1, 16, 50)};
  c.Join(seqs[0], 0, 50, 1);
  c.Join(seqs[1], 1, 50, 2);
  std::vector<std::uint32_t> due;
  for (int step = 1; step <= 4; ++step) {
    const auto hint = c.NextDueSlots();
    const std::vector<std::uint32_t> named(hint.begin(), hint.end());
    c.PrefetchAhead(seqs, 16);  // a hint: changes nothing below
    c.PopDue(seqs, &due);
    EXPECT_EQ(named, due) << step;
    EXPECT_EQ(due.empty(), step < 4) << step;
    c.Plan();
    c.Finish(50 + 10 * step);
  }
}

TEST(DecodeCohortTest, MembersStepTogetherAndLeaveUpToDate) {
  DecodeCohort c;
  std::vector<Seq> seqs = {Decoding(100, 1, 16, 50), Decoding(5, 1, 16, 50)};
  c.Join(seqs[0], 0, 50, 1);
  c.Join(seqs[1], 1, 50, 2);
  EXPECT_EQ(c.size(), 2);
  EXPECT_EQ(c.context(), 22);
  std::vector<std::uint32_t> due;
  for (SimTime t = 60; t <= 80; t += 10) {  // steps 1..3: nobody due
    c.PopDue(seqs, &due);
    ASSERT_TRUE(due.empty());
    c.Plan();
    EXPECT_EQ(c.KvTokens(seqs[0]), 11 + (t - 50) / 10);  // grown at plan, before the step ends
    c.Finish(t);
  }
  EXPECT_EQ(c.context(), 28);
  c.PopDue(seqs, &due);  // step 4 makes seqs[1]'s last token: it is visited for it
  EXPECT_EQ(due, std::vector<std::uint32_t>{1});
  c.Leave(seqs[1]);
  EXPECT_EQ(seqs[1].generated, 4);
  EXPECT_EQ(seqs[1].kv_tokens, 14);
  EXPECT_EQ(seqs[1].last_token, 80);
  EXPECT_EQ(c.size(), 1);
  EXPECT_EQ(c.context(), 14);
}

TEST(DecodeCohortTest, AMemberThatLeftEarlyIsNotDueAgainAndFarDuesWait) {
  DecodeCohort c;
  std::vector<Seq> seqs = {Decoding(100, 1, 16, 0), Decoding(1000, 1, 5000, 0)};
  c.Join(seqs[0], 0, 0, 1);
  c.Join(seqs[1], 1, 0, 2);  // due at step 999: beyond the ring of near dues
  c.Leave(seqs[0]);       // preempted before its due step
  StepNoneDue(c, seqs, 1, 999);
  std::vector<std::uint32_t> due;
  c.PopDue(seqs, &due);
  EXPECT_EQ(due, std::vector<std::uint32_t>{1});
}

// More members due at one step than a bucket holds in place: the rest
// spill, and all come out at that step (a stale one, which left, does not).
TEST(DecodeCohortTest, ABucketsSpilledDuesComeOutAtTheirStep) {
  DecodeCohort c;
  std::vector<Seq> seqs(7, Decoding(100, 1, 16, 0));  // each due at step 6
  for (std::uint32_t i = 0; i < 7; ++i) c.Join(seqs[i], i, 0, i + 1);
  c.Leave(seqs[5]);  // in the spill: stale when its step comes
  StepNoneDue(c, seqs, 1, 6);
  std::vector<std::uint32_t> due;
  c.PopDue(seqs, &due);
  EXPECT_EQ(due, (std::vector<std::uint32_t>{0, 1, 2, 3, 4, 6}));
  due.clear();
  c.Plan();
  c.Finish(6);
  c.PopDue(seqs, &due);  // the bucket and its spill are empty again
  EXPECT_TRUE(due.empty());
}

class NoEvents final : public SeqEvents {
 public:
  void OnPreempted(std::uint32_t, bool) override {}
  void OnFailed(std::uint32_t slot) override { failed.push_back(slot); }
  std::vector<std::uint32_t> failed;
};

// One engine run as LlmReplica and the continuous policy run it: an
// iteration prefills what it admits, else decodes every running sequence.
class Engine {
 public:
  // `token_budget` > 0: decodes are planned as the chunked-prefill policy
  // plans them, within that many tokens an iteration.
  Engine(BatchingPolicy policy, VictimPolicy victim, PreemptionMode mode, std::int64_t budget,
         std::int64_t token_budget, int engines)
      : token_budget_(token_budget) {
    ReplicaOptions o;
    o.scheduler.policy = policy;  // continuous: a cohort; static: none (PlanPlainDecodes all the same)
    o.scheduler.max_running = 64;
    o.preemption.victim = victim;
    o.preemption.mode = mode;
    o.preemption.budget = budget;
    o.preemption.swap_space_bytes = 3000;  // 3,000 tokens at 1 byte each: swaps, then recomputes
    o.host_link.bandwidth_Bps = 1e6;
    o.host_link.latency_s = 1e-5;
    state_ = std::make_unique<ReplicaState>(std::make_shared<const ReplicaOptions>(o),
                                            MakeKvAllocator(o.kv.cache, Tokens(4096)), Rng(1), engines, 1.0, &events_);
  }

  void Arrive(const Request& r) { state_->waiting().PushBack(state_->NewSeq(r, r.prompt_tokens, r.output_tokens)); }

  // One iteration of `engine` ending at `t`; what it did, for comparison.
  // (Engines take turns: a preempted request may come back on another.)
  std::vector<double> Iterate(SimTime t, bool sync_mid_iteration, int engine) {
    IterationPlan plan;
    std::vector<std::uint32_t> prefilled;
    while (!state_->swapped().empty() && state_->SwapIn(state_->swapped().front(), engine, &plan.stall_s)) {
      state_->swapped().pop_front();
    }
    while (const std::uint32_t* next = state_->NextCandidate()) {
      if (state_->RunningIn(engine) >= state_->options().scheduler.max_running || !state_->Admit(*next, engine, t)) {
        break;
      }
      prefilled.push_back(*next);
      state_->PopCandidate();
    }
    std::int64_t budget = token_budget_;
    if (prefilled.empty()) PlanDecodes(*state_, engine, &plan, token_budget_ > 0 ? &budget : nullptr);
    std::vector<double> seen = {static_cast<double>(plan.shape.decode_sequences),
                                static_cast<double>(plan.shape.decode_context_tokens), plan.stall_s};
    if (sync_mid_iteration) Sync(&seen);
    const KvUsage u = state_->Usage();
    for (const Tokens v : {u.stored, u.reserved, u.internal, u.free}) seen.push_back(static_cast<double>(v.value()));
    if (plan.cohort > 0) state_->FinishCohortStep(engine, t), ++cohort_steps_;
    for (const std::uint32_t slot : prefilled) Emit(slot, t, false, &seen);
    for (const IterationItem& item : plan.items) Emit(item.slot, t, plan.cohort > 0, &seen);
    for (const std::uint32_t slot : events_.failed) state_->FreeSeq(slot), seen.push_back(-1.0 - slot);
    events_.failed.clear();
    seen.push_back(static_cast<double>(state_->preemptions()));
    seen.push_back(static_cast<double>(state_->swaps()));
    seen.push_back(static_cast<double>(state_->running_total()));
    return seen;
  }
  std::size_t queued() const { return state_->queued(); }
  std::uint64_t preemptions() const { return state_->preemptions(); }
  int cohort_steps() const { return cohort_steps_; }

 private:
  void Emit(std::uint32_t slot, SimTime t, bool stepped, std::vector<double>* seen) {
    Seq& s = state_->seq(slot);
    if (s.state != SeqState::kRunning) return;
    s.prefilled = s.prefill_target;
    ++s.generated;
    s.last_token = t;
    if (s.finished()) {
      seen->push_back(static_cast<double>(s.request.id));
      state_->Retire(slot);
    } else {
      state_->TryJoinCohort(slot, t, stepped);
    }
  }
  void Sync(std::vector<double>* seen) {
    state_->SyncKv();
    for (const KvCell& cell : state_->kv().BlockMap(64)) {
      seen->push_back(static_cast<double>(cell.state));
      seen->push_back(static_cast<double>(cell.owner));
    }
  }

  NoEvents events_;
  std::unique_ptr<ReplicaState> state_;
  int cohort_steps_ = 0;
  std::int64_t token_budget_;
};

// Victim policy, preemption mode, preemption budget, token budget (0: none),
// engines (pipeline micro-batch slots).
using Case = std::tuple<VictimPolicy, PreemptionMode, std::int64_t, std::int64_t, int>;

std::string CaseName(const Case& c) {
  const char* victims[] = {"Newest", "Oldest", "Largest"};
  return std::string(victims[static_cast<int>(std::get<0>(c))]) +
         (std::get<1>(c) == PreemptionMode::kSwap ? "Swap" : "Recompute") +
         (std::get<2>(c) > 0 ? "Budget" + std::to_string(std::get<2>(c)) : "") +
         (std::get<3>(c) > 0 ? "Chunked" + std::to_string(std::get<3>(c)) : "") +
         (std::get<4>(c) > 1 ? "Engines" + std::to_string(std::get<4>(c)) : "");
}

class CohortEquivalenceTest
    : public ::testing::TestWithParam<Case> {};

TEST_P(CohortEquivalenceTest, PlansWhatVisitingEverySequencePlans) {
  const auto [victim, mode, budget, tokens, engines] = GetParam();
  // The cohort's policies; a request-level one has none (PlanDecodes plans alike).
  Engine lazy(tokens > 0 ? BatchingPolicy::kChunkedPrefill : BatchingPolicy::kContinuous, victim, mode, budget, tokens,
              engines);
  Engine eager(BatchingPolicy::kStatic, victim, mode, budget, tokens, engines);
  Rng rng(42);
  std::uint64_t id = 0;
  SimTime t = 0;
  for (int step = 0; step < 12000 * engines; ++step) {  // each engine takes 12,000 turns
    if (step < 1500 * engines && rng.Next() % (3 * engines) == 0) {  // ~500 requests, 10..300 in, 1..400 out: the 4,096 slots run short
      Request r;
      r.id = id++;
      r.prompt_tokens = static_cast<std::int32_t>(10 + rng.Next() % 291);
      r.output_tokens = static_cast<std::int32_t>(1 + rng.Next() % 400);
      lazy.Arrive(r);
      eager.Arrive(r);
    }
    t += 10;
    const bool sync = step % 7 == 0;
    ASSERT_EQ(lazy.Iterate(t, sync, step % engines), eager.Iterate(t, sync, step % engines)) << "step " << step;
  }
  if (budget == 0) {
    EXPECT_EQ(lazy.queued(), 0u);  // all served (pinned ones may wait on each other for ever)
  }
  EXPECT_GT(lazy.preemptions(), 20u);
  EXPECT_GT(lazy.cohort_steps(), 1000);
}

INSTANTIATE_TEST_SUITE_P(
    VictimsModesBudgets, CohortEquivalenceTest,
    ::testing::Values(Case{VictimPolicy::kNewest, PreemptionMode::kRecompute, 0, 0, 1},
                      Case{VictimPolicy::kOldest, PreemptionMode::kRecompute, 0, 0, 1},
                      Case{VictimPolicy::kLargest, PreemptionMode::kRecompute, 0, 0, 1},
                      Case{VictimPolicy::kNewest, PreemptionMode::kSwap, 0, 0, 1},
                      Case{VictimPolicy::kLargest, PreemptionMode::kSwap, 0, 0, 1},
                      Case{VictimPolicy::kNewest, PreemptionMode::kRecompute, 2, 0, 1},
                      // A budget below the running count at times: the cohort dissolves then.
                      Case{VictimPolicy::kNewest, PreemptionMode::kRecompute, 0, 12, 1},
                      Case{VictimPolicy::kLargest, PreemptionMode::kSwap, 0, 8192, 1},
                      // Several engines: a request preempted on one comes back on another.
                      Case{VictimPolicy::kNewest, PreemptionMode::kRecompute, 0, 0, 3},
                      Case{VictimPolicy::kLargest, PreemptionMode::kSwap, 0, 0, 4}),
    [](const auto& info) { return CaseName(info.param); });

}  // namespace
}  // namespace fleetlab
