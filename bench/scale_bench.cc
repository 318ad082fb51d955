// Cost linear in the work (issue 13): a 1M-request Llama-3-70B run, the
// per-request cost of a 512-replica LLM fleet against an 8-replica one at
// the same load per replica, and peak memory against the request count.
// Compare them as ratios within one run (--benchmark_filter='Scale').
#include <sys/resource.h>

#include <variant>

#include <benchmark/benchmark.h>

#include "fleetlab/runner.h"
#include "fleetlab/scenario/parse.h"

namespace fleetlab {
namespace {

Scenario Parse(const char* text) { return *ParseScenario(nlohmann::json::parse(text), ""); }

// Llama-3-70B TP8 on H100s at ~80% of its saturation rate (llm_bench.cc).
void BM_ScaleLlama70bRequests(benchmark::State& state) {
  Scenario s = Parse(R"({
    "workload": {"arrival": {"process": "poisson", "rate_per_s": 14.4},
                 "prompt_tokens": {"distribution": "lognormal", "mean": 512, "cv": 1.0},
                 "output_tokens": {"distribution": "lognormal", "mean": 256, "cv": 1.0},
                 "warmup_requests": 500},
    "replica": {"model": "llama-3-70b", "gpu": "h100-sxm", "tp": 8}})");
  s.workload.requests = static_cast<std::uint64_t>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(RunScenario(s));
  state.counters["us/request"] =
      benchmark::Counter(static_cast<double>(s.workload.requests) * 1e-6,
                         benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_ScaleLlama70bRequests)->Arg(1'000'000)->Iterations(1)->Unit(benchmark::kSecond);

// A fleet of N Llama-3-8B replicas (TP1 on H100s) at 45% of the fleet's
// estimated capacity, 200 measured requests per replica, behind a
// power-of-two-choices router (second argument 1: O(1) per request) or a
// least-outstanding one (0: it reads every replica, O(N) by definition): the
// per-request cost should not grow with N but for the router's own choice.
void BM_ScaleFleetReplicas(benchmark::State& state) {
  const auto replicas = static_cast<std::uint32_t>(state.range(0));
  const bool two = state.range(1) == 1;
  Scenario s = Parse(R"({
    "workload": {"arrival": {"process": "poisson", "rate_per_s": 1},
                 "prompt_tokens": {"distribution": "lognormal", "mean": 512, "cv": 1.0},
                 "output_tokens": {"distribution": "lognormal", "mean": 128, "cv": 1.0},
                 "requests": 100, "warmup_requests": 0},
    "replica": {"model": "llama-3-8b", "gpu": "h100-sxm", "tp": 1},
    "fleet": {"router": {"policy": "least_outstanding"}, "replicas": 1}})");
  FleetOptions& fleet = *std::get<ReplicaSystem>(s.system).fleet;
  fleet.replicas = replicas;
  if (two) fleet.router.policy = RouterPolicy::kPowerOfTwo;
  const double capacity = RunScenario(s)->capacity_per_s;
  s.workload.arrival.rate_per_s = 0.45 * capacity;
  s.workload.requests = 200ull * replicas;
  s.workload.warmup_requests = 20ull * replicas;
  for (auto _ : state) benchmark::DoNotOptimize(RunScenario(s));
  state.counters["us/request"] =
      benchmark::Counter(static_cast<double>(s.workload.requests) * 1e-6,
                         benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_ScaleFleetReplicas)
    ->Args({8, 1})->Args({512, 1})->Args({8, 0})->Args({512, 0})
    ->Iterations(1)->Unit(benchmark::kMillisecond);

// Peak resident memory after an M/M/1 run (rho 0.9) of N requests, cases in
// ascending N within one process: flat past the exact-sample bound means
// memory does not grow with the request count.
void BM_ScalePeakRss(benchmark::State& state) {
  Scenario s = Parse(R"({
    "workload": {"arrival": {"process": "poisson", "rate_per_s": 90}, "warmup_requests": 1000},
    "station": {"servers": 1, "service": {"distribution": "exponential", "mean_ms": 10}}})");
  s.workload.requests = static_cast<std::uint64_t>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(RunScenario(s));
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  state.counters["peak_rss_MB"] = static_cast<double>(u.ru_maxrss) / 1024.0;
}
BENCHMARK(BM_ScalePeakRss)->Arg(100'000)->Arg(1'000'000)->Arg(10'000'000)->Iterations(1)->Unit(benchmark::kSecond);

}  // namespace
}  // namespace fleetlab
