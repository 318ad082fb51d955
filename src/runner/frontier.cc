#include "fleetlab/frontier.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <limits>
#include <mutex>
#include <thread>
#include <type_traits>
#include <variant>

#include <fmt/format.h>

#include "fleetlab/llm/perf_model.h"
#include "fleetlab/metrics/sample_set.h"
#include "fleetlab/random/rng.h"
#include "fleetlab/runner.h"
#include "fleetlab/util/number.h"

namespace fleetlab {

Status ParseRateSpec(const std::string& spec, FrontierOptions* options) {
  const auto bad = [&spec]() {
    return Status::InvalidArgument(fmt::format("--rates {}: expected LOW:HIGH:POINTS with {:g} <= LOW <= HIGH <= {:g} "
                                               "(per second) and POINTS an integer between 1 and 10000, e.g. 10:98:30",
                                               spec, kMinRatePerS, kMaxRatePerS));
  };
  const auto c1 = spec.find(':');
  const auto c2 = c1 == std::string::npos ? c1 : spec.find(':', c1 + 1);
  if (c2 == std::string::npos) return bad();
  double lo = 0, hi = 0;
  std::size_t n = 0;
  const auto num = [](std::string_view s, auto* out) {
    if constexpr (std::is_same_v<decltype(out), double*>) {
      return ParseDouble(s, out);  // no from_chars for double in the WebAssembly build's libc++
    } else {
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
      return ec == std::errc() && p == s.data() + s.size();
    }
  };
  const std::string_view v(spec);
  if (!num(v.substr(0, c1), &lo) || !num(v.substr(c1 + 1, c2 - c1 - 1), &hi) || !num(v.substr(c2 + 1), &n)) {
    return bad();
  }
  if (!(lo >= kMinRatePerS) || !(hi >= lo) || !(hi <= kMaxRatePerS) || n < 1 || n > 10000 || (n == 1 && hi != lo)) return bad();
  options->rate_low_per_s = lo;
  options->rate_high_per_s = hi;
  options->points = n;
  return Status::Ok();
}

Status ParseLoadSpec(const std::string& spec, FrontierOptions* options) {
  FrontierOptions rates;
  rates.points = 0;
  const Status s = ParseRateSpec(spec, &rates);
  if (!s.ok() || !(rates.rate_low_per_s < rates.rate_high_per_s) || rates.rate_high_per_s > 10 || rates.points < 2) {
    return Status::InvalidArgument(fmt::format("--loads {}: expected LOW:HIGH:POINTS, fractions of the capacity with "
                                               "0 < LOW < HIGH <= 10 and POINTS an integer between 2 and 10000, e.g. "
                                               "0.1:1.3:14", spec));
  }
  options->load_low = rates.rate_low_per_s;
  options->load_high = rates.rate_high_per_s;
  options->points = rates.points;
  return Status::Ok();
}

void FindKnee(const std::vector<double>& x, const std::vector<double>& y, double limit, int* index,
              double* crossing) {
  *index = -1;
  *crossing = std::numeric_limits<double>::quiet_NaN();
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!std::isnan(y[i]) && y[i] <= limit) {
      *index = static_cast<int>(i);
      continue;
    }
    if (i > 0 && !std::isnan(y[i - 1]) && y[i - 1] <= limit) {
      *crossing = std::isnan(y[i]) ? x[i] : x[i - 1] + (x[i] - x[i - 1]) * (limit - y[i - 1]) / (y[i] - y[i - 1]);
    }
    break;
  }
}

double UnloadedP99Ms(const StationOptions& station, std::uint64_t seed) {
  Rng rng = RandomStreams(seed).Stream(StreamId::kUnloadedLatency);
  std::vector<double> samples(200'000);
  const BatchingOptions& b = station.batching;
  const double lone = (b.max_batch > 1 ? b.window_s : 0.0) + b.fixed_s + b.per_item_s;  // waits out the window alone
  for (double& x : samples) x = station.service_s.Sample(rng) + lone;
  return 1e3 * QuantileInPlace(samples, 0.99);
}

// An LLM request alone on its replica: its prefill, then one decode step per
// further output token at batch 1 (context at mid-answer), for 20,000
// requests drawn like the workload's (or the trace's).
double UnloadedP99MsLlm(const Scenario& s, FrontierMetric metric) {
  auto perf = MakeRooflineModel(s.replica()->hardware);
  if (!perf.ok()) return 0;
  Rng rng = RandomStreams(s.seed).Stream(StreamId::kUnloadedLatency);
  const RequestSizeOptions& sizes = s.workload.sizes;
  std::vector<double> samples(20'000);
  for (double& x : samples) {
    double prompt = 0, output = 0;
    if (!s.trace.empty()) {
      const TraceRecord& r = s.trace[rng.Below(s.trace.size())];
      prompt = r.prompt_tokens;
      output = r.output_tokens;
    } else {
      prompt = static_cast<double>(sizes.prefix_tokens) + std::max(1.0, std::round(sizes.prompt_tokens.Sample(rng)));
      output = std::max(1.0, std::round(sizes.output_tokens.Sample(rng)));
    }
    IterationShape prefill, decode;
    prefill.prefill_tokens = static_cast<std::int64_t>(prompt);
    prefill.prefill_attention_pairs = prompt * (prompt + 1) / 2;
    decode.decode_sequences = decode.decode_tokens = 1;
    decode.decode_context_tokens = static_cast<std::int64_t>(prompt + output / 2);
    x = (*perf)->Iteration(prefill).total_s;
    if (metric == FrontierMetric::kE2e) x += (output - 1) * (*perf)->Iteration(decode).total_s;
  }
  return 1e3 * QuantileInPlace(samples, 0.99);
}

// A request alone on the path: deterministic arrivals one second apart (far
// longer than any stage takes), 5,000 of them.
// (It had no cancel and read a failed run, a reached max_events say, as a
// P99 of 0, so the knee meant nothing.)
Result<double> UnloadedP99MsPath(const Scenario& base, const std::atomic<bool>* cancel) {
  Scenario s = base;
  s.workload.arrival.kind = ArrivalKind::kDeterministic;
  s.workload.arrival.rate_per_s = 1.0;
  s.workload.requests = kUnloadedPathRequests;
  s.workload.warmup_requests = 0;
  s.workload.duration_s = 0;
  RunHooks hooks;
  hooks.cancel = cancel;
  hooks.kv_heatmap = false;
  auto r = RunScenario(s, hooks);
  if (!r.ok()) return r.status().WithContext("the frontier's unloaded run (one request at a time)");
  return r->e2e_ms.p99;
}

// The p99 of a request alone in base's system, by its kind (CheckFrontier
// has refused disaggregated pools).
Result<double> UnloadedP99MsOf(const Scenario& base, const FrontierOptions& options) {
  if (base.replica()) return UnloadedP99MsLlm(base, options.metric);
  if (std::holds_alternative<RequestPath>(base.system)) return UnloadedP99MsPath(base, options.cancel);
  const StationOptions* station = base.station();
  return station ? UnloadedP99Ms(*station, base.seed) : 0.0;
}

double ReferenceP99Ms(double unloaded_p99_ms, double rate_per_s, double capacity_per_s) {
  if (!(capacity_per_s > 0) || rate_per_s >= capacity_per_s) return std::numeric_limits<double>::quiet_NaN();
  return unloaded_p99_ms / (1.0 - rate_per_s / capacity_per_s);
}

// A short run at the scenario's own rate reads the system's capacity_per_s
// (exact for stations and paths, an estimate for an LLM replica); for an
// LLM replica the overloaded run then measures what it really sustains.
// Sent for a fixed simulated time, the window ends with the arrivals: no
// final drain dilutes the throughput.
Result<double> MeasureCapacity(const Scenario& base, const FrontierOptions& options, std::string* source) {
  Scenario probe = base;
  probe.workload.duration_s = 0;
  probe.workload.requests = std::min<std::uint64_t>(probe.workload.requests, 200);
  probe.workload.warmup_requests = std::min<std::uint64_t>(probe.workload.warmup_requests, 20);
  RunHooks hooks;
  hooks.cancel = options.cancel;
  hooks.kv_heatmap = false;
  auto r = RunScenario(probe, hooks);
  if (!r.ok()) return r.status();
  const double estimate = r->capacity_per_s;
  if (!(estimate > 0) || !std::isfinite(estimate)) {
    return Status::InvalidArgument("frontier: the scenario has no finite capacity to take loads of");
  }
  if (!base.replica()) {
    *source = "exact";
    return estimate;
  }
  Scenario over = base;
  over.workload.arrival.rate_per_s = std::min(kMaxRatePerS, options.overload * estimate);
  // At most kSaturationRequests arrivals, so a fast replica's run stays short.
  constexpr double kSaturationRequests = 20'000;
  over.workload.duration_s = std::min(options.saturation_s, kSaturationRequests / over.workload.arrival.rate_per_s);
  auto o = RunScenario(over, hooks);
  if (!o.ok()) return o.status();
  if (!(o->throughput_rps > 0)) {
    *source = "estimate";
    return estimate;
  }
  *source = "saturation";
  return o->throughput_rps;
}

Status CheckFrontier(const Scenario& base, const FrontierOptions& options) {
  // A disaggregated system's unloaded baseline (prefill + transfer + decode) is not modelled yet.
  if (std::holds_alternative<DisaggregatedPools>(base.system)) {
    return Status::InvalidArgument("frontier: not available for a \"disaggregation\" scenario yet; sweep "
                                   "workload.arrival.rate_per_s with fleetlab run --set instead");
  }
  if (options.metric == FrontierMetric::kTtft && !base.replica()) {
    return Status::InvalidArgument("--metric ttft: needs a scenario with an LLM \"replica\" (a station has no first token)");
  }
  if (base.workload.mode != LoadMode::kOpen) {
    return Status::InvalidArgument("frontier: needs an open-loop workload (workload.mode \"open\"): a closed loop "
                                   "sets its own rate through workload.closed.users");
  }
  if (options.load_high > 0 && !(options.load_low > 0 && options.load_low < options.load_high)) {
    return Status::InvalidArgument("frontier: loads need 0 < low < high (fractions of the capacity)");
  }
  return Status::Ok();
}

Result<FrontierCapacity> MeasureFrontierCapacity(const Scenario& base, const FrontierOptions& options) {
  if (Status s = CheckFrontier(base, options); !s.ok()) return s;
  FrontierCapacity c;
  auto capacity = MeasureCapacity(base, options, &c.source);
  if (!capacity.ok()) return capacity.status();
  c.per_s = *capacity;
  return c;
}

std::vector<double> FrontierRates(const FrontierOptions& options, double capacity_per_s) {
  double low = options.rate_low_per_s, high = options.rate_high_per_s;
  if (options.load_high > 0) {
    low = std::max(kMinRatePerS, options.load_low * capacity_per_s);
    high = std::min(kMaxRatePerS, options.load_high * capacity_per_s);
  }
  std::vector<double> rates;
  for (std::size_t i = 0; i < options.points; ++i) {
    const double t = options.points == 1 ? 0.0 : static_cast<double>(i) / static_cast<double>(options.points - 1);
    rates.push_back(low + t * (high - low));
  }
  return rates;
}

Result<Report> RunFrontierPoint(const Scenario& base, double rate_per_s, const std::atomic<bool>* cancel) {
  Scenario s = base;
  s.workload.arrival.rate_per_s = rate_per_s;
  RunHooks hooks;
  hooks.cancel = cancel;
  hooks.kv_heatmap = false;  // the frontier renders no series
  auto report = RunScenario(s, hooks);
  if (!report.ok()) return report.status().WithContext(fmt::format("rate {}", rate_per_s));
  return report;
}

Result<Frontier> FinishFrontier(const Scenario& base, const FrontierOptions& options, FrontierCapacity capacity,
                                std::vector<double> rates, std::vector<FrontierPoint> points) {
  auto unloaded = UnloadedP99MsOf(base, options);
  if (!unloaded.ok()) return unloaded.status();
  Frontier f;
  std::vector<double> p99;
  for (const FrontierPoint& p : points) {
    p99.push_back(options.metric == FrontierMetric::kTtft && p.llm ? p.ttft_p99_ms : p.e2e_p99_ms);  // NaN: unstable
  }
  f.rates_per_s = std::move(rates);
  f.points = std::move(points);
  f.capacity_per_s = capacity.per_s;
  f.capacity_source = std::move(capacity.source);
  f.knee_factor = options.knee_factor;
  f.metric = options.metric;
  f.unloaded_p99_ms = *unloaded;
  FindKnee(f.rates_per_s, p99, f.knee_factor * f.unloaded_p99_ms, &f.knee_index, &f.knee_rate_per_s);
  return f;
}

Result<Frontier> RunFrontier(const Scenario& base, const FrontierOptions& options) {
  auto capacity = MeasureFrontierCapacity(base, options);
  if (!capacity.ok()) return capacity.status();
  const std::vector<double> rates = FrontierRates(options, capacity->per_s);
  if (options.admit_rates) FLEETLAB_RETURN_IF_ERROR(options.admit_rates(rates));
  std::vector<Result<Report>> results(options.points, Status::InvalidArgument("not run"));
  std::atomic<std::size_t> next{0};
  std::mutex progress_mutex;
  std::size_t done = 0;
  const auto worker = [&]() {
    for (std::size_t i = next++; i < options.points; i = next++) {
      results[i] = RunFrontierPoint(base, rates[i], options.cancel);
      if (!options.progress) continue;
      std::lock_guard<std::mutex> lock(progress_mutex);
      options.progress(++done, options.points);
    }
  };
  const unsigned threads = std::clamp<unsigned>(options.threads, 1, static_cast<unsigned>(options.points));
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  std::vector<Report> reports;
  std::vector<FrontierPoint> points;
  for (std::size_t i = 0; i < options.points; ++i) {
    if (!results[i].ok()) return results[i].status();
    reports.push_back(std::move(results[i]).value());
    points.push_back(MakeFrontierPoint(rates[i], reports.back()));
  }
  auto f = FinishFrontier(base, options, *std::move(capacity), rates, std::move(points));
  if (!f.ok()) return f.status();
  f->reports = std::move(reports);
  return f;
}

}  // namespace fleetlab
