// Each track part at its lab default size: the lab reruns it on every
// slider move, so each must take well under 50 ms of one core (issue 4).
// Reported per part: wall time per run and simulated events per second.
#include <cstdio>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "fleetlab/runner.h"
#include "fleetlab/scenario/parse.h"
#include "fleetlab/tracks/tracks.h"

namespace {

void BM_TrackPart(benchmark::State& state, const std::string& file) {
  auto scenario = fleetlab::LoadScenario(file, {});
  if (!scenario.ok()) {
    state.SkipWithError(scenario.status().message().c_str());
    return;
  }
  std::uint64_t events = 0;
  for (auto _ : state) {
    auto report = fleetlab::RunScenario(*scenario);
    if (!report.ok()) {
      state.SkipWithError(report.status().message().c_str());
      return;
    }
    events += report->events;
  }
  state.counters["events_per_s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}

const bool kRegistered = [] {
  auto tracks = fleetlab::LoadTracks(fleetlab::DefaultTracksDir());
  if (!tracks.ok()) {
    std::fprintf(stderr, "tracks bench: %s\n", tracks.status().message().c_str());
    return false;
  }
  for (const auto& t : *tracks) {
    for (const auto& p : t.parts) {
      benchmark::RegisterBenchmark(("BM_TrackPart/" + t.id + "/" + p.id).c_str(), BM_TrackPart, p.file)
          ->Unit(benchmark::kMillisecond);
    }
  }
  return true;
}();

}  // namespace
