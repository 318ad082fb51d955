// Speed of the core: events per second on a single-server queue, the event
// queue and the latency sketch alone, and the
// wall time of a 30-point frontier with 50,000 requests per point.
#include <cmath>
#include <vector>

#include <benchmark/benchmark.h>

#include "fleetlab/engine/event_queue.h"
#include "fleetlab/engine/simulator.h"
#include "fleetlab/frontier.h"
#include "fleetlab/metrics/log_histogram.h"
#include "fleetlab/runner.h"
#include "fleetlab/scenario/scenario.h"

namespace fleetlab {
namespace {

// The bare event loop: one handler rescheduling itself (heap of one event).
class Ticker : public EventHandler {
 public:
  explicit Ticker(Simulator& sim) : id(sim.Register(this)) {}
  void OnEvent(Simulator& sim, const Event&) override { sim.ScheduleAfter(1000, id, 0); }
  HandlerId id;
};

void BM_EventLoop(benchmark::State& state) {
  const auto n = static_cast<std::uint64_t>(state.range(0));
  for (auto _ : state) {
    Simulator sim;
    Ticker t(sim);
    for (int i = 0; i < 64; ++i) sim.ScheduleAfter(i, t.id, 0);  // 64 pending events
    sim.SetEventLimit(n);
    benchmark::DoNotOptimize(sim.Run());
  }
  state.counters["events/s"] = benchmark::Counter(static_cast<double>(n) * state.iterations(),
                                                  benchmark::Counter::kIsRate);
}
BENCHMARK(BM_EventLoop)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

// The event queue alone under the hold model: pop the earliest, push it back
// a random time later, with N events pending (64: one replica; 1,024: a
// 512-replica fleet's iterations and arrivals). ns per Pop + Push.
void BM_EventQueueHold(benchmark::State& state) {
  const auto pending = static_cast<std::uint64_t>(state.range(0));
  EventQueue q;
  std::uint64_t seq = 0, rng = 88172645463325252ull;
  const auto delay = [&rng, pending] {  // xorshift64: uniform in [0, 2 x pending) us
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return static_cast<SimTime>(rng % (2'000 * pending));
  };
  for (std::uint64_t i = 0; i < pending; ++i) q.Push(Event{EventKey{delay(), seq++}, 0, 0, 0});
  for (auto _ : state) {
    const Event e = q.Pop();
    q.Push(Event{EventKey{e.time() + delay(), seq++}, 0, 0, 0});
  }
}
BENCHMARK(BM_EventQueueHold)->Arg(64)->Arg(1024);

// LogHistogram::Add, ns per value, on inter-token-like gaps: 1 drifting
// slowly (+-0.1% a value, as a replica's decode steps do: most share the
// last value's bin), 0 jumping anywhere in 10 us .. 10 s (none do).
void BM_LogHistogramAdd(benchmark::State& state) {
  const bool drifting = state.range(0) == 1;
  std::vector<double> values(4096);
  std::uint64_t rng = 88172645463325252ull;
  double v = 20.0;
  for (double& x : values) {
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    const double u = static_cast<double>(rng >> 11) * 0x1.0p-53;
    v *= 1 + (u - 0.5) * 2e-3;
    x = drifting ? v : std::pow(10.0, -2 + 6 * u);
  }
  LogHistogram h;
  std::size_t i = 0;
  for (auto _ : state) {
    h.Add(values[i], 3);
    i = (i + 1) & 4095;
  }
  benchmark::DoNotOptimize(h.count());
}
BENCHMARK(BM_LogHistogramAdd)->Arg(1)->Arg(0);

// A full M/M/1 run at rho = 0.9: arrivals, service, statistics, report.
void BM_MM1Scenario(benchmark::State& state) {
  Scenario s;
  s.workload.requests = static_cast<std::uint64_t>(state.range(0));
  std::uint64_t events = 0;
  for (auto _ : state) {
    auto r = RunScenario(s);
    events += r->events;
    benchmark::DoNotOptimize(r);
  }
  state.counters["events/s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_MM1Scenario)->Arg(500'000)->Unit(benchmark::kMillisecond);

// The target: 30 rates x 50,000 requests, on 1 and 2 threads.
void BM_Frontier30x50k(benchmark::State& state) {
  Scenario s;
  s.workload.requests = 50'000;
  FrontierOptions o;
  o.threads = static_cast<unsigned>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(RunFrontier(s, o));
}
BENCHMARK(BM_Frontier30x50k)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace fleetlab
