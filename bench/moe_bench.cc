// Speed of today's models: one roofline iteration of a model whose layers
// differ (DeepSeek-V3: MLA, 3 dense + 58 MoE layers, EP8 all-to-all) against
// Llama-3-70B's identical layers, and a whole DeepSeek-V3 EP16 run of 10,000
// requests (scenarios/deepseek-v3-ep16-h200.json's replica) beside
// BM_Llama70bTp8 (llm_bench.cc). Compare as ratios within one run.
#include <benchmark/benchmark.h>

#include "fleetlab/llm/catalog.h"
#include "fleetlab/llm/perf_model.h"
#include "fleetlab/runner.h"
#include "fleetlab/scenario/parse.h"

namespace fleetlab {
namespace {

ReplicaHardware Hardware(const Catalog& c, const char* model, const char* gpu, int tp, int dp) {
  ReplicaHardware hw;
  hw.model = *c.FindModel(model);
  hw.gpu = *c.FindGpu(gpu);
  hw.tp_link = hw.pp_link = hw.ep_link = *c.FindLink(hw.gpu.scale_up_link);
  hw.tp = tp;
  hw.attention_dp = dp;
  hw.ep = dp > 1 ? tp * dp : 1;
  return hw;
}

// A mixed step: 64 decoding sequences of 2,048 tokens and a 2,048-token chunk.
void Iterate(benchmark::State& state, const ReplicaHardware& hw) {
  auto model = MakeRooflineModel(hw);
  if (!model.ok()) return state.SkipWithError(model.status().message().c_str());
  IterationShape s;
  s.decode_sequences = s.decode_tokens = 64;
  s.decode_context_tokens = 64 * 2048;
  s.prefill_tokens = 2048;
  s.prefill_attention_pairs = 2048.0 * 2049 / 2;
  for (auto _ : state) {
    s.decode_context_tokens += 1;  // a different step each time
    benchmark::DoNotOptimize((*model)->Iteration(s));
  }
}

void BM_IterationLlama70bTp8(benchmark::State& state) {
  const Catalog c = *Catalog::LoadDefault();
  Iterate(state, Hardware(c, "llama-3-70b", "h100-sxm", 8, 1));
}
void BM_IterationDeepSeekV3Ep8(benchmark::State& state) {
  const Catalog c = *Catalog::LoadDefault();
  Iterate(state, Hardware(c, "deepseek-v3", "h200", 1, 8));
}
BENCHMARK(BM_IterationLlama70bTp8);
BENCHMARK(BM_IterationDeepSeekV3Ep8);

void BM_DeepSeekV3Ep16(benchmark::State& state) {
  const auto doc = nlohmann::json::parse(R"({
    "workload": {"arrival": {"process": "poisson", "rate_per_s": 8},
                 "prompt_tokens": {"distribution": "lognormal", "mean": 1024, "cv": 1},
                 "output_tokens": {"distribution": "lognormal", "mean": 256, "cv": 1},
                 "warmup_requests": 500},
    "replica": {"model": "deepseek-v3", "gpu": "h200", "ep": 16, "attention_dp": 16,
                "dtype": {"weights": "fp8", "activations": "fp8", "kv": "bf16"},
                "scheduler": {"policy": "chunked_prefill", "max_batch_tokens": 8192}}})");
  Scenario s = *ParseScenario(doc, "");
  s.workload.requests = static_cast<std::uint64_t>(state.range(0));
  std::uint64_t events = 0;
  for (auto _ : state) {
    auto r = RunScenario(s);
    events += r->events;
    benchmark::DoNotOptimize(r);
  }
  state.counters["events/s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_DeepSeekV3Ep16)->Arg(10'000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace fleetlab
