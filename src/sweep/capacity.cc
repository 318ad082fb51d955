#include "fleetlab/sweep/capacity.h"

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
  return ParseScenario(doc, spec.base_dir);
}

Probe Evaluate(const CapacitySpec& spec, const CapacityConfig& c, double rate) {
  Probe p;
  auto scenario = ScenarioAt(spec, c, rate);
  auto report = scenario.ok() ? RunScenario(*scenario, RunHooks{.kv_heatmap = false}) : Result<Report>(scenario.status());
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

std::int64_t Gpus(const json& report) {
  const json* per = FindPath(report, "replica.gpus");
  if (!per || !per->is_number_integer()) return 0;
  const json* replicas = FindPath(report, "fleet.replicas");
  return per->get<std::int64_t>() * (replicas && replicas->is_number_integer() ? replicas->get<std::int64_t>() : 1);
}

// Bisection on the rate. Returns false (with `bad`) when a run fails.
bool Bisect(const CapacitySpec& spec, const CapacityConfig& c, CapacityResult* r, Status* bad) {
  const auto probe = [&](double rate) {
    Probe p = Evaluate(spec, c, rate);
    ++r->runs;
    if (!p.status.ok()) r->error = p.status.message();
    if (!p.bad_slo.ok()) *bad = p.bad_slo.WithContext(c.name);
    return p;
  };
  Probe low = probe(spec.rate_low_per_s);
  if (!r->error.empty() || !bad->ok()) return false;
  if (!low.pass) {
    r->bound = CapacityBound::kBelowLow;
    r->fail_rate_per_s = spec.rate_low_per_s;
    r->miss = low.why;
    return true;
  }
  double lo = spec.rate_low_per_s, hi = spec.rate_high_per_s;
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
  while (hi - lo > spec.tolerance_per_s) {
    const double mid = 0.5 * (lo + hi);
    Probe p = probe(mid);
    if (!r->error.empty() || !bad->ok()) return false;
    if (p.pass) {
      lo = mid;
      at_lo = std::move(p.report);
    } else {
      hi = mid;
      r->miss = p.why;
    }
  }
  r->bound = CapacityBound::kFound;
  r->max_rate_per_s = lo;
  r->fail_rate_per_s = hi;
  r->report_at_max = std::move(at_lo);
  return true;
}

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
    for (double rate : {spec.rate_low_per_s, spec.rate_high_per_s}) {
      auto s = ScenarioAt(spec, c, rate);
      if (!s.ok()) continue;  // a refused run is the configuration's error row, as before
      FLEETLAB_RETURN_IF_ERROR(CheckRunEstimate(*s, max_bytes_per_run, limit)
                                   .WithContext(fmt::format("configuration \"{}\" at {:g}/s", c.name, rate)));
    }
  }
  return Status::Ok();
}

Result<CapacityOutcome> RunCapacity(const CapacitySpec& spec, unsigned threads) {
  CapacityOutcome out;
  out.configs.resize(spec.configs.size());
  std::vector<Status> bad(spec.configs.size());
  WorkerPool pool(threads);
  pool.Run(spec.configs.size(), [&](std::size_t i) {
    CapacityResult& r = out.configs[i];
    r.name = spec.configs[i].name;
    if (!Bisect(spec, spec.configs[i], &r, &bad[i]) || spec.target_rate_per_s <= 0) return;
    Probe at = Evaluate(spec, spec.configs[i], spec.target_rate_per_s);
    ++r.runs;
    if (!at.bad_slo.ok()) bad[i] = at.bad_slo.WithContext(r.name);
    r.meets_target = at.status.ok() && at.pass;
    if (at.status.ok()) {
      r.usd_per_hour = UsdPerHour(at.report);
      r.gpus = Gpus(at.report);
    }
  });
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
