// Speed of the workload's edges and hot path: trace reading (lines per
// second for each format, the Azure 2024 week has ~12M lines) and arrivals
// with and without a rate profile (a ratio in one run: the profile's
// inversion must stay O(1) per arrival).
#include <string>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "fleetlab/random/rng.h"
#include "fleetlab/workload/arrival_process.h"
#include "fleetlab/workload/trace.h"

namespace fleetlab {
namespace {

constexpr int kLines = 200'000;

std::string AzureText() {
  std::string t = "TIMESTAMP,ContextTokens,GeneratedTokens\n";
  for (int i = 0; i < kLines; ++i) {
    t += fmt::format("2024-05-10 {:02d}:{:02d}:{:02d}.{:06d}+00:00,{},{}\n", i / 36000 % 24, i / 600 % 60, i / 10 % 60,
                     (i % 10) * 100000 + 9930, 100 + i % 4000, 1 + i % 500);
  }
  return t;
}

std::string FleetlabText() {
  std::string t = "arrival_s,prompt_tokens,output_tokens\n";
  for (int i = 0; i < kLines; ++i) t += fmt::format("{:.6f},{},{}\n", i * 0.01, 100 + i % 4000, 1 + i % 500);
  return t;
}

std::string MooncakeText() {
  std::string t;
  for (int i = 0; i < kLines; ++i) {
    t += fmt::format("{{\"timestamp\": {}, \"input_length\": {}, \"output_length\": {}, \"hash_ids\": [0, {}, {}, {}]}}\n",
                     i * 10, 2000 + i % 4000, 1 + i % 500, 3 * i + 1, 3 * i + 2, 3 * i + 3);
  }
  return t;
}

void ReadTrace(benchmark::State& state, const std::string& text, TraceFormat format) {
  TraceReadOptions o;
  o.format = format;
  for (auto _ : state) {
    auto t = ParseTrace(text, "bench", o);
    if (!t.ok()) state.SkipWithError(t.status().message().c_str());
    benchmark::DoNotOptimize(t);
  }
  state.counters["lines/s"] = benchmark::Counter(static_cast<double>(kLines) * state.iterations(),
                                                 benchmark::Counter::kIsRate);
  state.counters["MB/s"] = benchmark::Counter(static_cast<double>(text.size()) * state.iterations() / 1e6,
                                              benchmark::Counter::kIsRate);
}

void BM_ReadAzure2024(benchmark::State& state) { ReadTrace(state, AzureText(), TraceFormat::kAzure); }
void BM_ReadFleetlabCsv(benchmark::State& state) { ReadTrace(state, FleetlabText(), TraceFormat::kFleetlab); }
void BM_ReadMooncake(benchmark::State& state) { ReadTrace(state, MooncakeText(), TraceFormat::kMooncake); }
BENCHMARK(BM_ReadAzure2024)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReadFleetlabCsv)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReadMooncake)->Unit(benchmark::kMillisecond);

// One million Poisson arrivals: constant, diurnal sinusoid, 1,000-step piecewise.
void Arrivals(benchmark::State& state, const ArrivalOptions& o) {
  constexpr int kArrivals = 1'000'000;
  for (auto _ : state) {
    ArrivalProcess p(o, {});
    Rng rng(1);
    Arrival a;
    SimTime now = 0;
    for (int i = 0; i < kArrivals && p.Next(rng, now, &a); ++i) now = a.time;
    benchmark::DoNotOptimize(now);
  }
  state.counters["arrivals/s"] = benchmark::Counter(static_cast<double>(kArrivals) * state.iterations(),
                                                    benchmark::Counter::kIsRate);
}

void BM_ArrivalsConstant(benchmark::State& state) {
  ArrivalOptions o;
  o.rate_per_s = 100;
  Arrivals(state, o);
}
void BM_ArrivalsSinusoid(benchmark::State& state) {
  ArrivalOptions o;
  o.rate_per_s = 100;
  o.profile.kind = RateProfileOptions::Kind::kSinusoid;
  o.profile.period_s = 3600;
  o.profile.amplitude = 0.8;
  Arrivals(state, o);
}
void BM_ArrivalsPiecewise(benchmark::State& state) {
  ArrivalOptions o;
  o.profile.kind = RateProfileOptions::Kind::kPiecewise;
  o.profile.linear = true;
  o.profile.repeat = true;
  for (int i = 0; i <= 1000; ++i) o.profile.points.emplace_back(i * 10.0, 50.0 + (i % 7) * 20.0);
  Arrivals(state, o);
}
BENCHMARK(BM_ArrivalsConstant)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ArrivalsSinusoid)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ArrivalsPiecewise)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace fleetlab
