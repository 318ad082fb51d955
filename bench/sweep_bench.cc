// Wall time of a 1,000-point sweep of the Cloud Titan family
// (sweeps/cloud-titan-1000.json: Llama-3-70B over GPU kind, TP, PP, rate and
// max_running, 200 requests a point) on 1 and 2 threads. Run it from the
// repository root (or build/) so the sweep file is found. The 2-rank MPI
// figure comes from the CLI: docs/sweep.md gives the command.
#include <filesystem>

#include <benchmark/benchmark.h>

#include "fleetlab/sweep/sweep_runner.h"

namespace fleetlab {
namespace {

Result<SweepSpec> TitanSweep() {
  for (const char* dir : {"sweeps", "../sweeps"}) {
    const std::string path = std::string(dir) + "/cloud-titan-1000.json";
    if (std::filesystem::exists(path)) return LoadSweep(path);
  }
  return Status::NotFound("sweeps/cloud-titan-1000.json: not found; run from the repository root or build/");
}

void BM_SweepCloudTitan1000(benchmark::State& state) {
  auto spec = TitanSweep();
  if (!spec.ok()) {
    state.SkipWithError(spec.status().message().c_str());
    return;
  }
  SweepRunOptions options;
  options.threads = static_cast<unsigned>(state.range(0));
  std::uint64_t events = 0, points = 0;
  for (auto _ : state) {
    auto outcome = RunSweep(*spec, options);
    if (!outcome.ok()) {
      state.SkipWithError(outcome.status().message().c_str());
      return;
    }
    events += outcome->events;
    points += outcome->simulated;
  }
  state.counters["events/s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["points/s"] = benchmark::Counter(static_cast<double>(points), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SweepCloudTitan1000)->Arg(1)->Arg(2)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

}  // namespace
}  // namespace fleetlab
