// plan --engine: every configuration is the replica a scenario naming that
// engine builds (scenario/replica_parse.cc), calibration profile included,
// so the planner's figures are the ones `fleetlab run` gives.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "llm/catalog/test_catalog.h"
#include "planner/planner.h"
#include "scenario/replica_parse.h"

namespace fleetlab {
namespace {

using test::Shipped;

// Llama-3-70B TP4 on H100s as PlanOne builds it and as a scenario does.
struct Both {
  ReplicaOptions planned, parsed;
};

Both Tp4(const std::string& engine) {
  ReplicaHardware hw = test::Hardware("llama-3-70b", "h100-sxm", 4, 1);
  auto planned = DefaultReplicaOptions(hw, Shipped(), engine);
  nlohmann::json replica = {{"model", "llama-3-70b"}, {"gpu", "h100-sxm"}, {"tp", 4}};
  if (!engine.empty()) replica["engine"] = engine;
  auto parsed = ParseReplica(replica, Shipped());
  EXPECT_TRUE(planned.ok() && parsed.ok());
  return planned.ok() && parsed.ok() ? Both{*planned, *parsed} : Both{};
}

TEST(PlanEngineTest, AnEngineBuildsTheReplicaAScenarioNamingItBuilds) {
  for (const char* engine : {"", "vllm-v1", "sglang", "trtllm"}) {
    SCOPED_TRACE(engine);
    const Both b = Tp4(engine);
    EXPECT_EQ(b.planned.engine, b.parsed.engine);
    EXPECT_EQ(b.planned.scheduler.policy, b.parsed.scheduler.policy);
    EXPECT_EQ(b.planned.scheduler.max_running, b.parsed.scheduler.max_running);
    EXPECT_EQ(b.planned.scheduler.max_batch_tokens, b.parsed.scheduler.max_batch_tokens);
    EXPECT_EQ(b.planned.scheduler.capacity, b.parsed.scheduler.capacity);
    EXPECT_EQ(b.planned.kv.cache.prefix_caching, b.parsed.kv.cache.prefix_caching);
    EXPECT_EQ(b.planned.hardware.iteration_overhead_s, b.parsed.hardware.iteration_overhead_s);
    EXPECT_EQ(b.planned.hardware.sequence_overhead_s, b.parsed.hardware.sequence_overhead_s);
    ASSERT_EQ(b.planned.hardware.calibration == nullptr, b.parsed.hardware.calibration == nullptr);
    if (b.parsed.hardware.calibration) {
      EXPECT_EQ(b.planned.hardware.calibration->id, b.parsed.hardware.calibration->id);
      EXPECT_EQ(b.planned.hardware.calibration->matmul_ceiling, b.parsed.hardware.calibration->matmul_ceiling);
    }
    const MemoryPlan planned = PlanMemory(b.planned.hardware, b.planned.memory);
    const MemoryPlan parsed = PlanMemory(b.parsed.hardware, b.parsed.memory);
    EXPECT_EQ(planned.kv_capacity.value(), parsed.kv_capacity.value());
  }
  EXPECT_EQ(Tp4("vllm-v1").planned.hardware.calibration->id, "h100-sxm-bf16-vllm");
  EXPECT_EQ(Tp4("").planned.hardware.calibration, nullptr);
}

// The plan's row is that replica: its TTFT alone is the calibrated
// roofline's prefill, its users the engine's KV budget, and it says which
// profile it ran on and how many sequences the saturation run kept.
TEST(PlanEngineTest, TheRowsAreTheEnginesReplicas) {
  PlanRequest r;
  r.model = "llama-3-70b";
  r.gpu = "h100-sxm";
  r.gpus = 4;
  r.engine = "vllm-v1";
  r.simulate = false;
  auto plans = PlanSplits(r, Shipped());
  ASSERT_TRUE(plans.ok()) << plans.status().message();
  const ReplicaOptions o = Tp4("vllm-v1").parsed;
  for (const SplitPlan& p : *plans) {
    if (p.tp != 4) continue;
    auto perf = MakeRooflineModel(o.hardware);
    ASSERT_TRUE(perf.ok());
    IterationShape prefill;
    prefill.prefill_tokens = r.prompt;
    prefill.prefill_attention_pairs = static_cast<double>(r.prompt) * static_cast<double>(r.prompt + 1) / 2;
    EXPECT_DOUBLE_EQ(p.ttft_s, (*perf)->Iteration(prefill).total_s);
    EXPECT_EQ(p.max_users, PlanMemory(o.hardware, o.memory).kv_capacity.value() / 768);  // 48 blocks of 16
    EXPECT_EQ(p.calibration, "h100-sxm-bf16-vllm");
    EXPECT_EQ(p.max_running, 1024);  // vLLM V1's max_num_seqs on a GPU of 70 GiB or more
  }
  r.engine = "vllm-v9";
  const std::string error = PlanSplits(r, Shipped()).status().message();
  EXPECT_EQ(error.rfind("--engine: unknown engine \"vllm-v9\"; known: ", 0), 0u) << error;
}

// `fleetlab memory --engine`: the users that fit under the engine's memory
// budget, as its replicas' KV capacity (above) has it.
TEST(PlanEngineTest, UsersFitTheEnginesMemoryBudget) {
  MemoryRequest r;
  r.model = "llama-3-70b";
  r.gpu = "h100-sxm";
  r.tp = 4;
  r.context = 768;
  for (const char* engine : {"", "vllm-v1", "trtllm"}) {
    SCOPED_TRACE(engine);
    r.engine = engine;
    auto m = PlanUsers(r, Shipped());
    ASSERT_TRUE(m.ok()) << m.status().message();
    const Both b = Tp4(engine);
    EXPECT_EQ(m->plan.kv_capacity.value(), PlanMemory(b.parsed.hardware, b.parsed.memory).kv_capacity.value());
    EXPECT_EQ(m->users_paged, m->plan.kv_capacity.value() / 768);  // 48 blocks of 16
  }
  r.engine = "vllm-v9";
  EXPECT_EQ(PlanUsers(r, Shipped()).status().message().rfind("--engine: unknown engine \"vllm-v9\"", 0), 0u);
}

}  // namespace
}  // namespace fleetlab
