// Speed of the LLM replica: Llama-3-70B, TP8 on 8 H100s, continuous
// batching, Poisson arrivals at ~80% of the saturation throughput (measured:
// ~18 req/s with 256 users for these lengths), 10,000 chat-like requests.
#include <benchmark/benchmark.h>

#include "fleetlab/runner.h"
#include "fleetlab/scenario/parse.h"

namespace fleetlab {
namespace {

Scenario Llama70bTp8(std::uint64_t requests) {
  const auto doc = nlohmann::json::parse(R"({
    "workload": {"arrival": {"process": "poisson", "rate_per_s": 14.4},
                 "prompt_tokens": {"distribution": "lognormal", "mean": 512, "cv": 1.0},
                 "output_tokens": {"distribution": "lognormal", "mean": 256, "cv": 1.0},
                 "warmup_requests": 500},
    "replica": {"model": "llama-3-70b", "gpu": "h100-sxm", "tp": 8}})");
  Scenario s = *ParseScenario(doc, "");
  s.workload.requests = requests;
  return s;
}

void BM_Llama70bTp8(benchmark::State& state) {
  const Scenario s = Llama70bTp8(static_cast<std::uint64_t>(state.range(0)));
  std::uint64_t events = 0, iterations = 0;
  for (auto _ : state) {
    auto r = RunScenario(s);
    events += r->events;
    iterations += 1;
    benchmark::DoNotOptimize(r);
  }
  state.counters["events/s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["requests"] = static_cast<double>(state.range(0));
}
BENCHMARK(BM_Llama70bTp8)->Arg(10'000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace fleetlab
