// The parts of a request's life disaggregated serving has a replica serve
// (ServedPart): up to the first token, keeping the KV until it is shipped;
// or from a prefilled prompt, allocating its KV on admission and computing
// no prefill.
#include <vector>

#include <gtest/gtest.h>

#include "fleetlab/llm/memory_plan.h"
#include "fleetlab/llm/replica.h"
#include "fleetlab/scenario/parse.h"

namespace fleetlab {
namespace {

using nlohmann::json;

class Listener final : public CompletionListener {
 public:
  void OnCompleted(Simulator& sim, const Request& r, SimTime) override {
    done.push_back(r.id);
    at.push_back(sim.now());
  }
  void OnDropped(Simulator&, const Request& r) override { dropped.push_back(r.id); }
  std::vector<std::uint64_t> done, dropped;
  std::vector<SimTime> at;
};

ReplicaOptions Options() {
  auto s = ParseScenario(json::parse(R"({"replica": {"model": "llama-3-8b", "gpu": "h100-sxm"}})"), "");
  EXPECT_TRUE(s.ok()) << s.status().message();
  return s.ok() ? *s->replica() : ReplicaOptions{};
}

// Llama-3-70B on two H100s: a KV cache of a few thousand tokens.
ReplicaOptions SmallCacheOptions() {
  auto s = ParseScenario(json::parse(R"({"replica": {"model": "llama-3-70b", "gpu": "h100-sxm", "tp": 2}})"), "");
  EXPECT_TRUE(s.ok()) << s.status().message();
  return s.ok() ? *s->replica() : ReplicaOptions{};
}

// The first token came at `at` elsewhere.
ServedPart Prefilled(SimTime at) { return ServedPart{.prefilled = true, .first_token_at = at}; }

Request Make(std::uint64_t id, int prompt, int output) {
  Request r;
  r.id = id;
  r.prompt_tokens = prompt;
  r.output_tokens = output;
  return r;
}

// Stored KV tokens of the replica: its stored fraction times its capacity.
double StoredTokens(const LlmReplica& r, const LlmReport& rep) {
  return r.KvStoredFraction() * static_cast<double>(rep.kv_capacity_tokens);
}

TEST(ServedPartTest, DecodeAdmissionAllocatesThePromptsKvAndSkipsThePrefill) {
  Simulator sim;
  Listener listener;
  const RandomStreams streams(1);
  auto made = LlmReplica::Create(Options(), streams, &listener);
  ASSERT_TRUE(made.ok()) << made.status().message();
  LlmReplica& r = **made;
  r.Attach(sim);
  r.ResetStatistics(0);
  // 1000 prompt tokens arrive with their KV; the first token came at t=0.
  r.Serve(sim, Make(1, 1000, 3), Prefilled(0));
  LlmReport rep;
  r.Fill(0, 1, &rep);
  // Admitted at once, and its first decode step planned in the same call:
  // the prompt's 1000 tokens, the first token (1001; admission) and the
  // slot the decode step writes (1002). A prefill would instead have been
  // planned first, holding 1001.
  EXPECT_DOUBLE_EQ(StoredTokens(r, rep), 1002.0);
  sim.Run();
  ASSERT_EQ(listener.done.size(), 1u);
  r.Fill(sim.now(), NsToSeconds(sim.now()), &rep);
  EXPECT_EQ(rep.prompt_tokens_per_s, 0.0);  // no prefill computed
  EXPECT_EQ(rep.output_tokens, 2u);         // tokens 2 and 3; the first was the prefill replica's
  EXPECT_EQ(rep.ttft_ms.count, 0u);         // TTFT belongs to the prefill side
  ASSERT_EQ(rep.tpot_ms.count, 1u);
  // Two decode steps since the first token at t = 0: TPOT = end / 2.
  EXPECT_NEAR(rep.tpot_ms.mean, NsToMs(listener.at[0]) / 2, 1e-9);
  EXPECT_EQ(r.KvStoredFraction(), 0.0);  // released at completion
}

TEST(ServedPartTest, DecodeAdmissionWaitsWhileMemoryIsShort) {
  Simulator sim;
  Listener listener;
  // Llama-3-70B on two H100s: a few thousand KV tokens (C), so 60% of them
  // is a prompt within the model's context. (The capacity had been read
  // from a report before any state was recorded: 0, prompts of 0 tokens,
  // and the test held for another reason, the engine being busy.)
  const ReplicaOptions o = SmallCacheOptions();
  const auto cap = static_cast<int>(PlanMemory(o.hardware, o.memory).kv_capacity.value());
  ASSERT_LT(cap, 10'000);
  auto made = LlmReplica::Create(o, RandomStreams(1), &listener);
  ASSERT_TRUE(made.ok());
  LlmReplica& r = **made;
  r.Attach(sim);
  // Two requests of 60% of the cache each, 9 decode steps to make: the
  // second must wait for the first to finish, not join its batch a step on.
  r.Serve(sim, Make(1, cap * 6 / 10, 10), Prefilled(0));
  r.Serve(sim, Make(2, cap * 6 / 10, 10), Prefilled(0));
  EXPECT_EQ(r.queue_length().value(), 1.0);
  sim.Run();
  EXPECT_EQ(listener.done, (std::vector<std::uint64_t>{1, 2}));
  EXPECT_TRUE(listener.dropped.empty());
  ASSERT_EQ(listener.at.size(), 2u);
  EXPECT_GT(listener.at[1] - listener.at[0], listener.at[0] / 2);  // ~9 steps after, not 1
}

TEST(ServedPartTest, PrefillHandsOnAtTheFirstTokenAndKeepsTheKvUntilReleased) {
  Simulator sim;
  Listener listener;
  auto made = LlmReplica::Create(Options(), RandomStreams(1), &listener);
  ASSERT_TRUE(made.ok());
  LlmReplica& r = **made;
  r.Attach(sim);
  r.ResetStatistics(0);
  r.Serve(sim, Make(5, 1000, 300), ServedPart{.first_token_only = true});
  sim.Run();
  ASSERT_EQ(listener.done, (std::vector<std::uint64_t>{5}));
  LlmReport rep;
  r.Fill(sim.now(), NsToSeconds(sim.now()), &rep);
  EXPECT_EQ(rep.output_tokens, 1u);  // only the first token
  ASSERT_EQ(rep.ttft_ms.count, 1u);
  EXPECT_NEAR(rep.ttft_ms.mean, NsToMs(listener.at[0]), 1e-9);
  EXPECT_EQ(r.in_system().value(), 0.0);
  EXPECT_DOUBLE_EQ(StoredTokens(r, rep), 1001.0);  // still held for the transfer
  r.ReleaseKv(sim, 5);
  EXPECT_EQ(r.KvStoredFraction(), 0.0);
}

// Disaggregation frees a one-token answer's KV from inside OnCompleted,
// which the replica calls while it walks the iteration that just ended.
// That call must not plan the next iteration into the plan being walked:
// it did, and the walk went on over the new plan, so a waiting request
// "finished" a prefill it had not run (its first token at the end of an
// iteration it was not in) and a prompt of the old plan lost its progress;
// with the plan's buffer reallocated, it read freed memory (a crash of the
// lab server, found by probing /api/v1/plan with search_disaggregation).
TEST(ServedPartTest, ReleasingFromTheListenerWaitsForTheIterationsEnd) {
  class Releasing final : public CompletionListener {
   public:
    void OnCompleted(Simulator& sim, const Request& r, SimTime) override {
      done.push_back(r.id);
      at.push_back(sim.now());
      replica->ReleaseKv(sim, r.id);  // as DisaggSystem::OnPrefilled does for a one-token answer
    }
    void OnDropped(Simulator&, const Request&) override { ADD_FAILURE(); }
    LlmReplica* replica = nullptr;
    std::vector<std::uint64_t> done;
    std::vector<SimTime> at;
  } listener;
  // Llama-3-70B on two H100s holds a few thousand KV tokens: prompts sized
  // against that capacity C queue on memory.
  const ReplicaOptions o = SmallCacheOptions();
  Simulator sim;
  auto made = LlmReplica::Create(o, RandomStreams(1), &listener);
  ASSERT_TRUE(made.ok()) << made.status().message();
  listener.replica = made->get();
  LlmReplica& r = **made;
  r.Attach(sim);
  const double c = static_cast<double>(PlanMemory(o.hardware, o.memory).kv_capacity.value());
  ASSERT_LT(c, 10'000);  // every prompt below fits the model's 8,192-token context
  // Request 0 starts an iteration alone; the rest arrive while it runs.
  // Then 1 and 2 (0.8 C) are prefilled together while 3 (+0.25 C) waits,
  // and 4 behind it. When 1's KV is released, 3 and 4 fit beside 2.
  const std::vector<double> share = {0.01, 0.45, 0.35, 0.25, 0.05};
  for (std::uint64_t id = 0; id < share.size(); ++id) {
    r.Serve(sim, Make(id, static_cast<int>(share[id] * c), 1), ServedPart{.first_token_only = true});
  }
  sim.Run();
  ASSERT_EQ(listener.done, (std::vector<std::uint64_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(listener.at[1], listener.at[2]);  // 1 and 2 prefilled together
  EXPECT_EQ(listener.at[3], listener.at[4]);  // 3 and 4 prefilled together,
  EXPECT_GT(listener.at[3], listener.at[2]);  // after them
  EXPECT_EQ(r.in_system().value(), 0.0);
  EXPECT_EQ(r.KvStoredFraction(), 0.0);
}

}  // namespace
}  // namespace fleetlab
