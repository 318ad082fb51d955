#include "fleetlab/sweep/capacity.h"

#include <mutex>

#include <fmt/format.h>

#include "fleetlab/report/render.h"
#include "fleetlab/run_estimate.h"
#include "fleetlab/runner.h"
#include "fleetlab/scenario/parse.h"
#include "fleetlab/sweep/sweep_rows.h"
#include "fleetlab/sweep/worker_pool.h"

namespace fleetlab {
namespace {

using nlohmann::json;

// One run of a configuration at `rate`: its report, or why there is none.
struct Probe {
  Status status;      // the run was refused
  Status bad_slo;     // an SLO names a field the report lacks
  bool pass = false;
  std::string why;
  json report;
};

// The configuration's scenario at `rate`.
Result<Scenario> ScenarioAt(const CapacitySpec& spec, const CapacityConfig& c, double rate) {
  json doc = spec.base;
  for (const auto& [path, value] : c.set) (void)ApplyOverride(doc, path + "=" + value.dump());  // checked at parse
  (void)ApplyOverride(doc, "workload.arrival.rate_per_s=" + json(rate).dump());
  ParseOptions options;
  options.base_dir = spec.base_dir;
  options.catalog = spec.catalog;
  options.allow_files = spec.allow_files;
  options.named_traces = spec.named_traces;
  return ParseScenario(doc, options);
}

Probe Evaluate(const CapacitySpec& spec, const CapacityConfig& c, double rate, const std::atomic<bool>* cancel) {
  Probe p;
  auto scenario = ScenarioAt(spec, c, rate);
  RunHooks hooks;
  hooks.kv_heatmap = false;
  hooks.cancel = cancel;
  auto report = scenario.ok() ? RunScenario(*scenario, hooks) : Result<Report>(scenario.status());
  if (!report.ok()) {
    p.status = report.status();
    return p;
  }
  p.report = ReportToJson(*report);
  auto pass = MeetsSlos(p.report, spec.slos, &p.why);
  if (!pass.ok()) p.bad_slo = pass.status();
  p.pass = pass.ok() && *pass;
  return p;
}

double UsdPerHour(const json& report) {
  const json* v = FindPath(report, "cost.usd_per_hour");
  return v && v->is_number() ? v->get<double>() : -1;
}

double Number(const json& report, const char* path) {
  const json* v = FindPath(report, path);
  return v && v->is_number() ? v->get<double>() : -1;
}

// Every GPU the system bills (a fleet's replicas, both disaggregated pools).
std::int64_t Gpus(const json& report) {
  const json* v = FindPath(report, "cost.gpus");
  return v && v->is_number_integer() ? v->get<std::int64_t>() : 0;
}

void FillCost(const json& report, CapacityResult* r) {
  r->usd_per_hour = UsdPerHour(report);
  r->gpus = Gpus(report);
  r->usd_per_million_input_tokens = Number(report, "cost.split.usd_per_million_input_tokens");
  r->usd_per_million_output_tokens = Number(report, "cost.split.usd_per_million_output_tokens");
}

// Bisection on the rate. Returns false (with `bad`) when a run fails.
bool Bisect(const CapacitySpec& spec, const CapacityConfig& c, const std::atomic<bool>* cancel, CapacityResult* r,
            Status* bad) {
  const auto probe = [&](double rate) {
    Probe p = Evaluate(spec, c, rate, cancel);
    ++r->runs;
    if (!p.status.ok()) r->error = p.status.message();
    if (!p.bad_slo.ok()) *bad = p.bad_slo.WithContext(c.name);
    return p;
  };
  double lo = c.rate_low_per_s > 0 ? c.rate_low_per_s : spec.rate_low_per_s;
  double hi = c.rate_high_per_s > 0 ? c.rate_high_per_s : spec.rate_high_per_s;
  const double tolerance = c.tolerance_per_s > 0 ? c.tolerance_per_s : spec.tolerance_per_s;
  Probe low = probe(lo);
  if (!r->error.empty() || !bad->ok()) return false;
  if (!low.pass) {
    r->bound = CapacityBound::kBelowLow;
    r->fail_rate_per_s = lo;
    r->miss = low.why;
    r->report_at_fail = std::move(low.report);
    return true;
  }
  json at_lo = low.report;
  Probe high = probe(hi);
  if (!r->error.empty() || !bad->ok()) return false;
  if (high.pass) {
    r->bound = CapacityBound::kAtLeastHigh;
    r->max_rate_per_s = hi;
    r->report_at_max = high.report;
    return true;
  }
  r->miss = high.why;
  json at_hi = std::move(high.report);
  while (hi - lo > tolerance) {
    const double mid = 0.5 * (lo + hi);
    Probe p = probe(mid);
    if (!r->error.empty() || !bad->ok()) return false;
    if (p.pass) {
      lo = mid;
      at_lo = std::move(p.report);
    } else {
      hi = mid;
      r->miss = p.why;
      at_hi = std::move(p.report);
    }
  }
  r->bound = CapacityBound::kFound;
  r->max_rate_per_s = lo;
  r->fail_rate_per_s = hi;
  r->report_at_max = std::move(at_lo);
  r->report_at_fail = std::move(at_hi);
  return true;
}

// One configuration: the bisection, then (with a target) a run at the target.
void Search(const CapacitySpec& spec, const CapacityConfig& c, const std::atomic<bool>* cancel, CapacityResult* r,
            Status* bad) {
  r->name = c.name;
  if (!Bisect(spec, c, cancel, r, bad)) return;
  if (spec.target_rate_per_s <= 0) {
    if (!r->report_at_max.is_null()) FillCost(r->report_at_max, r);
    return;
  }
  Probe at = Evaluate(spec, c, spec.target_rate_per_s, cancel);
  ++r->runs;
  if (!at.bad_slo.ok()) *bad = at.bad_slo.WithContext(r->name);
  r->meets_target = at.status.ok() && at.pass;
  if (at.status.ok()) FillCost(at.report, r);
}

bool Cancelled(const std::atomic<bool>* cancel) { return cancel && cancel->load(std::memory_order_relaxed); }

}  // namespace

Result<bool> MeetsSlos(const json& report, const std::vector<SloTarget>& slos, std::string* why) {
  const json* stable = FindPath(report, "stable");
  const bool is_stable = stable && stable->is_boolean() && stable->get<bool>();
  for (const SloTarget& t : slos) {
    const json* v = FindPath(report, t.metric);
    if (!v) {
      return Status::InvalidArgument(fmt::format("SLO \"{}\": {} is not a field of this scenario's report "
                                                 "(docs/report.md)", t.text, t.metric));
    }
    if (!v->is_null() && !v->is_number()) {
      return Status::InvalidArgument(fmt::format("SLO \"{}\": {} is not a number", t.text, t.metric));
    }
  }
  if (!is_stable) {
    *why = "unstable (the queue grows without bound)";
    return false;
  }
  for (const SloTarget& t : slos) {
    const json* v = FindPath(report, t.metric);
    const bool ok = v->is_number() && (t.at_most ? v->get<double>() <= t.limit : v->get<double>() >= t.limit);
    if (!ok) {
      *why = v->is_number() ? fmt::format("{} = {:.4g} misses {}", t.metric, v->get<double>(), t.text)
                            : fmt::format("{} is null", t.metric);
      return false;
    }
  }
  why->clear();
  return true;
}

Status CheckCapacityMemory(const CapacitySpec& spec, double max_bytes_per_run, const std::string& limit) {
  for (const CapacityConfig& c : spec.configs) {
    for (double rate : {c.rate_low_per_s > 0 ? c.rate_low_per_s : spec.rate_low_per_s,
                        c.rate_high_per_s > 0 ? c.rate_high_per_s : spec.rate_high_per_s}) {
      auto s = ScenarioAt(spec, c, rate);
      if (!s.ok()) continue;  // a refused run is the configuration's error row, as before
      FLEETLAB_RETURN_IF_ERROR(CheckRunEstimate(*s, max_bytes_per_run, limit)
                                   .WithContext(fmt::format("configuration \"{}\" at {:g}/s", c.name, rate)));
    }
  }
  return Status::Ok();
}

Result<CapacityOutcome> RunCapacity(const CapacitySpec& spec, unsigned threads, const CapacityProgress& progress,
                                    const std::atomic<bool>* cancel) {
  CapacityOutcome out;
  out.configs.resize(spec.configs.size());
  std::vector<Status> bad(spec.configs.size());
  std::mutex progress_mutex;
  std::size_t done = 0;
  WorkerPool pool(threads);
  pool.Run(spec.configs.size(), [&](std::size_t i) {
    if (!Cancelled(cancel)) Search(spec, spec.configs[i], cancel, &out.configs[i], &bad[i]);
    if (!progress) return;
    std::lock_guard<std::mutex> lock(progress_mutex);
    progress(++done, spec.configs.size());
  });
  if (Cancelled(cancel)) return Status::OutOfRange("cancelled (the wall-time limit of the caller)");
  for (const Status& s : bad) {
    if (!s.ok()) return s;
  }
  for (std::size_t i = 0; i < out.configs.size(); ++i) {
    const CapacityResult& r = out.configs[i];
    if (!r.meets_target || r.usd_per_hour < 0) continue;
    if (out.cheapest < 0 || r.usd_per_hour < out.configs[out.cheapest].usd_per_hour) out.cheapest = static_cast<int>(i);
  }
  return out;
}

}  // namespace fleetlab
