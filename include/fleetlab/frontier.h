// The latency-throughput frontier: one scenario run at a series of arrival
// rates, with the analytic twin beside each point and the knee marked.
#pragma once

#include <atomic>
#include <functional>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetlab/report.h"
#include "fleetlab/scenario/scenario.h"
#include "fleetlab/status.h"

namespace fleetlab {

// The latency whose P99 the knee is judged on.
enum class FrontierMetric { kE2e, kTtft };

struct FrontierOptions {
  double rate_low_per_s = 10;   // first arrival rate
  double rate_high_per_s = 98;  // last arrival rate
  std::size_t points = 30;      // evenly spaced, both ends included
  // When load_high > 0 the rates are fractions of the measured capacity
  // instead (Frontier::capacity_per_s): load_low x capacity .. load_high x
  // capacity. Set it to span light load to past saturation without knowing
  // the capacity in advance (the lab does: 0.1 .. 1.3).
  double load_low = 0, load_high = 0;
  // The saturation run that measures an LLM replica's capacity: the
  // scenario sent at `overload` x its estimated capacity for `saturation_s`
  // simulated seconds, at most 20,000 arrivals. Longer is steadier and
  // slower: the requests still running when arrivals stop are not counted,
  // which understates the throughput by about (slots x mean latency) /
  // window (a 60 s window read a 32-slot fleet 12% low; 200 s, 1%).
  double overload = 1.5, saturation_s = 200.0;
  // Worker threads; points are independent and results do not depend on it.
  unsigned threads = 1;
  // The knee is where P99 latency first exceeds this multiple of its
  // unloaded value. 5 puts an M/M/1 queue's knee at exactly 80% utilisation
  // (its P99 sojourn grows as 1/(1-rho)); lower it for a stricter SLO.
  double knee_factor = 5.0;
  // End-to-end latency, or (LLM replicas only) time to first token: TTFT
  // is what queueing moves, while e2e is dominated by answer length.
  FrontierMetric metric = FrontierMetric::kE2e;
  // Passed to every point's run as RunHooks::cancel (runner.h): once it
  // reads true, the frontier fails with OutOfRange. Not owned.
  const std::atomic<bool>* cancel = nullptr;
  // Called with the points' rates once they are known (after the capacity
  // is measured, before any point runs); a failure stops the frontier with
  // it. Set it to bound the work: with loads the rates, and so a timed
  // run's requests, are known only then (the lab server checks each point
  // and their sum here).
  std::function<Status(const std::vector<double>& rates)> admit_rates;
  // Called after each point (done, points), one call at a time, from the
  // worker threads (the command line's progress bar).
  std::function<void(std::size_t, std::size_t)> progress;
};

// One point of the curve, as the frontier's JSON, CSV and text show it: NaN
// where a figure is undefined (an unstable run's latencies, the analytic
// twin's figures where it has none, the LLM figures of a station).
struct FrontierPoint {
  double rate_per_s = 0, offered_load = 0, throughput_rps = 0, utilization = 0;
  double e2e_mean_ms = 0, e2e_p50_ms = 0, e2e_p99_ms = 0, e2e_p999_ms = 0;
  double analytic_e2e_mean_ms = 0, analytic_e2e_p99_ms = 0;
  double ttft_p50_ms = 0, ttft_p99_ms = 0, tpot_mean_ms = 0, output_tokens_per_s = 0;  // LLM replicas only
  bool stable = false;
  bool llm = false;             // the run had an LLM replica
  std::string analytic_method;  // "" when the run has no analytic twin
  std::uint64_t seed = 0;
};
FrontierPoint MakeFrontierPoint(double rate_per_s, const Report& report);

struct Frontier {
  std::vector<double> rates_per_s;
  std::vector<FrontierPoint> points;  // one per rate, same order
  // The runs behind the points (RunFrontier only; empty when the frontier
  // was put together from points run elsewhere, FinishFrontier).
  std::vector<Report> reports;
  // The unloaded P99 latency (ms): the P99 of a lone request's time in the
  // system, i.e. of one batch-of-1 service plus the batch window it waits
  // out alone (estimated from 200,000 draws of the service law); for an LLM
  // replica, its prefill plus a batch-1 decode step per further token, or
  // its prefill alone for the TTFT metric (20,000 requests drawn like the
  // workload's).
  double unloaded_p99_ms = 0;
  double knee_factor = 5.0;
  FrontierMetric metric = FrontierMetric::kE2e;
  // The knee: the last point whose simulated P99 is within knee_factor x
  // unloaded_p99_ms (-1 if even the first is not), and the rate at which the
  // P99 crosses that line, interpolated between the points around it (NaN if
  // no point crosses it).
  int knee_index = -1;
  double knee_rate_per_s = 0;
  // The capacity the loads are fractions of: a station's or path's exact
  // capacity_per_s, or for an LLM replica (whose estimate is only an
  // estimate: continuous batching batches more as the load grows) the
  // throughput measured when it is overloaded (FrontierOptions::overload).
  double capacity_per_s = 0;
  std::string capacity_source;  // "exact", "estimate" or "saturation"
};

// The capacity of `base` as the frontier measures it (see
// Frontier::capacity_per_s); `source` receives how it was found.
Result<double> MeasureCapacity(const Scenario& base, const FrontierOptions& options, std::string* source);

// The M/M/1 reference curve on the frontier's axes: a queue with the same
// unloaded P99 and the same capacity, whose every percentile grows as
// 1/(1 - rho): unloaded_p99_ms / (1 - rate / capacity); NaN at or past capacity.
double ReferenceP99Ms(double unloaded_p99_ms, double rate_per_s, double capacity_per_s);

// Parses "LOW:HIGH:POINTS" (e.g. "10:98:30") into `options`. Errors name the
// flag and the allowed values.
Status ParseRateSpec(const std::string& spec, FrontierOptions* options);
// Parses "LOW:HIGH:POINTS" as fractions of the capacity (0 < LOW < HIGH <=
// 10, POINTS 2..10000) into options->load_low/load_high/points.
Status ParseLoadSpec(const std::string& spec, FrontierOptions* options);

// Runs `base` at each rate (workload.arrival.rate_per_s is replaced; every
// point uses the same seed: common random numbers make the curve smooth).
// REQUIRES: base validated. Fails if base is a closed-loop workload, if the
// TTFT metric is asked of a scenario without an LLM replica, or a run fails.
Result<Frontier> RunFrontier(const Scenario& base, const FrontierOptions& options);

// RunFrontier in pieces, for a caller that runs the points apart (the
// browser engine runs them in parallel Web Workers): RunFrontier is
// MeasureFrontierCapacity, FrontierRates, RunFrontierPoint at each rate,
// MakeFrontierPoint, then FinishFrontier, so the pieces give the same
// frontier.
struct FrontierCapacity {
  double per_s = 0;
  std::string source;  // as Frontier::capacity_source
};
// RunFrontier's checks of `base` and `options` (no simulation).
Status CheckFrontier(const Scenario& base, const FrontierOptions& options);
// CheckFrontier, then the capacity the rates are fractions of (MeasureCapacity).
Result<FrontierCapacity> MeasureFrontierCapacity(const Scenario& base, const FrontierOptions& options);
// The rates (options.points of them): the options' rates, or its loads times
// `capacity_per_s`. REQUIRES: CheckFrontier passed.
std::vector<double> FrontierRates(const FrontierOptions& options, double capacity_per_s);
// The run at one rate (the scenario's seed; no series). `cancel` as
// FrontierOptions::cancel.
Result<Report> RunFrontierPoint(const Scenario& base, double rate_per_s, const std::atomic<bool>* cancel);
// The frontier of points run at `rates` (same order): the capacity, the
// unloaded P99 and the knee. For a request path the unloaded P99 is a run
// of kUnloadedPathRequests (under options.cancel), whose failure fails this.
// REQUIRES: capacity of MeasureFrontierCapacity, rates of FrontierRates and
// points of RunFrontierPoint for (base, options).
inline constexpr std::uint64_t kUnloadedPathRequests = 5'000;
Result<Frontier> FinishFrontier(const Scenario& base, const FrontierOptions& options, FrontierCapacity capacity,
                        std::vector<double> rates, std::vector<FrontierPoint> points);

// Finds the knee of the curve y(x) (x increasing): the last index with
// y <= limit, and the x where y crosses `limit` by linear interpolation
// (NaN if it never does). A NaN y (an unstable point) counts as above it.
// Returns -1 in *index if y[0] already exceeds limit.
void FindKnee(const std::vector<double>& x, const std::vector<double>& y, double limit, int* index,
              double* crossing);

// The P99 latency of a lone request (ms) under `station`: see
// Frontier::unloaded_p99_ms. Deterministic for a given seed.
double UnloadedP99Ms(const StationOptions& station, std::uint64_t seed);

// Column-oriented series (uPlot's data layout): one array per metric.
nlohmann::json FrontierToJson(const Frontier& frontier);
std::string FrontierToCsv(const Frontier& frontier);
std::string FrontierToText(const Frontier& frontier);

}  // namespace fleetlab
