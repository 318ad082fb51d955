// The sizing search's candidates, their scenario documents, the analytic
// step (fit, latency floors, estimated capacity) and the binding constraint.
#include <algorithm>
#include <cmath>
#include <limits>
#include <variant>

#include <fmt/format.h>

#include "fleetlab/llm/perf_model.h"
#include "fleetlab/report/render.h"
#include "fleetlab/runner.h"
#include "fleetlab/scenario/parse.h"
#include "fleetlab/sweep/sweep_rows.h"
#include "sweep/sizing_internal.h"

namespace fleetlab::sizing {
namespace {

using nlohmann::json;

std::string CandidateName(const SizingSpec& spec, const SizingCandidate& c) {
  std::string name = fmt::format("{} TP{} PP{}", c.gpu, c.tp, c.pp);
  if (spec.search.max_running.size() > 1) name += fmt::format(" mr{}", c.max_running);
  if (spec.search.max_batch_tokens.size() > 1) name += fmt::format(" bt{}", c.max_batch_tokens);
  if (c.prefill > 0) name += fmt::format(" {}P:{}D", c.prefill, c.decode);
  return name;
}

// The replica of a candidate: the base's replica fields (dtypes, scheduler
// policy, KV cache, ...) with the candidate's hardware, sharding, knobs and
// the objectives as its slo. The base's links and price apply only to the
// base's own GPU kind; a spec's price for the GPU wins.
json ReplicaOf(const SizingSpec& spec, const SizingCandidate& c, bool prefill_pool) {
  json r = spec.base.contains("replica") && spec.base["replica"].is_object() ? spec.base["replica"] : json::object();
  const bool same_gpu = r.contains("gpu") && r["gpu"] == c.gpu;
  if (!same_gpu) r.erase("price_per_gpu_hour_usd");
  if (!same_gpu || r.value("tp", 1) != c.tp || r.value("pp", 1) != c.pp) {
    r.erase("tp_link");
    r.erase("pp_link");
  }
  if (auto price = spec.prices.find(c.gpu); price != spec.prices.end()) r["price_per_gpu_hour_usd"] = price->second;
  r["model"] = spec.model;
  r["gpu"] = c.gpu;
  r["tp"] = c.tp;
  r["pp"] = c.pp;
  if (!r.contains("scheduler") || !r["scheduler"].is_object()) r["scheduler"] = json::object();
  r["scheduler"]["max_running"] = c.max_running;
  r["scheduler"]["max_batch_tokens"] = c.max_batch_tokens;
  json slo = json::object();
  if (spec.objectives.ttft_ms > 0) slo["ttft_ms"] = spec.objectives.ttft_ms;
  if (spec.objectives.tpot_ms > 0 && !prefill_pool) slo["tpot_ms"] = spec.objectives.tpot_ms;
  r["slo"] = slo;
  if (prefill_pool) r.erase("speculative");  // a prefill pool makes only the first token
  return r;
}

double Median(const Distribution& d) {
  double lo = 0, hi = std::max(1.0, d.Mean());
  while (d.Survival(hi) > 0.5 && hi < 1e12) hi *= 2;
  for (int i = 0; i < 60; ++i) {
    const double mid = 0.5 * (lo + hi);
    (d.Survival(mid) > 0.5 ? lo : hi) = mid;
  }
  return hi;
}

// A prompt length no shorter than the statistic's share of prompts (the
// median for a percentile of at least p50; min(mean, median) for the mean),
// without a shared prefix the cache may hold.
double FloorPrompt(const Scenario& s) {
  const RequestSizeOptions& sizes = s.workload.sizes;
  double median = 0, mean = 0;
  if (!s.trace.empty()) {
    std::vector<double> prompts;
    for (const TraceRecord& t : s.trace) prompts.push_back(static_cast<double>(t.prompt_tokens));
    std::nth_element(prompts.begin(), prompts.begin() + static_cast<std::ptrdiff_t>(prompts.size() / 2), prompts.end());
    median = prompts[prompts.size() / 2];
    mean = median;
    median -= static_cast<double>(sizes.prefix_tokens);
  } else {
    median = Median(sizes.prompt_tokens);
    mean = sizes.prompt_tokens.Mean();
  }
  return std::max(1.0, std::floor(std::min(mean, median)));
}

// One request alone: its prefill (TTFT) and one decode step (TPOT), in ms.
Status Floors(const ReplicaOptions& prefill, const ReplicaOptions& decode, double prompt, double* ttft_ms,
              double* tpot_ms) {
  auto p = MakeRooflineModel(prefill.hardware);
  if (!p.ok()) return p.status();
  IterationShape shape;
  shape.prefill_tokens = static_cast<std::int64_t>(prompt);
  shape.prefill_attention_pairs = prompt * (prompt + 1) / 2;
  *ttft_ms = (*p)->Iteration(shape).total_s * 1e3;
  auto d = MakeRooflineModel(decode.hardware);
  if (!d.ok()) return d.status();
  IterationShape step;
  step.decode_sequences = step.decode_tokens = 1;
  step.decode_context_tokens = static_cast<std::int64_t>(prompt);
  *tpot_ms = decode.speculative.enabled ? 0 : (*d)->Iteration(step).total_s * 1e3;
  return Status::Ok();
}

// Prunes `c` when one request alone already misses an objective.
bool PrunedByFloors(const SizingSpec& spec, const Scenario& s, SizingCandidate* c) {
  const auto* pools = std::get_if<DisaggregatedPools>(&s.system);
  const ReplicaOptions& prefill = pools ? pools->disaggregation.prefill.replica : *s.replica();
  const ReplicaOptions& decode = pools ? pools->disaggregation.decode.replica : *s.replica();
  const double prompt = FloorPrompt(s);
  double ttft = 0, tpot = 0;
  if (!Floors(prefill, decode, prompt, &ttft, &tpot).ok()) return false;  // the run reports it
  const SizingObjectives& o = spec.objectives;
  if (o.ttft_ms > 0 && ttft > o.ttft_ms) {
    c->reason = fmt::format("TTFT floor {:.0f} ms (a {:.0f}-token prompt alone) > {:g} ms", ttft, prompt, o.ttft_ms);
  } else if (o.tpot_ms > 0 && tpot > o.tpot_ms) {
    c->reason = fmt::format("TPOT floor {:.1f} ms (one decode step alone) > {:g} ms", tpot, o.tpot_ms);
  } else {
    return false;
  }
  c->binding = c->reason;
  c->status = "pruned";
  return true;
}

double Number(const json& report, const char* path, double otherwise = 0) {
  const json* v = FindPath(report, path);
  return v && v->is_number() ? v->get<double>() : otherwise;
}

}  // namespace

std::vector<SizingCandidate> ExpandCandidates(const SizingSpec& spec) {
  std::vector<SizingCandidate> out;
  const SizingSearch& s = spec.search;
  std::vector<std::pair<int, int>> shapes;
  if (s.colocated) shapes.emplace_back(0, 0);
  shapes.insert(shapes.end(), s.pd_ratios.begin(), s.pd_ratios.end());
  for (const std::string& gpu : spec.gpus) {
    for (int tp : s.tp) {
      for (int pp : s.pp) {
        for (std::uint64_t running : s.max_running) {
          for (std::uint64_t tokens : s.max_batch_tokens) {
            for (const auto& [p, d] : shapes) {
              SizingCandidate c;
              c.gpu = gpu, c.tp = tp, c.pp = pp, c.max_running = running, c.max_batch_tokens = tokens;
              c.prefill = p, c.decode = d;
              c.unit_gpus = tp * pp * (p > 0 ? p + d : 1);
              c.name = CandidateName(spec, c);
              out.push_back(std::move(c));
            }
          }
        }
      }
    }
  }
  return out;
}

json SystemOf(const SizingSpec& spec, const SizingCandidate& c, std::uint64_t units) {
  const json router = {{"policy", spec.search.router}};
  if (c.prefill == 0) {
    json system = {{"replica", ReplicaOf(spec, c, false)}};
    if (units > 1) system["fleet"] = {{"replicas", units}, {"router", router}};
    return system;
  }
  const GpuSpec* gpu = spec.catalog->FindGpu(c.gpu);
  const std::string link = !spec.search.kv_link.empty() ? spec.search.kv_link : gpu ? gpu->scale_up_link : "";
  return {{"disaggregation",
           {{"prefill", {{"replicas", c.prefill * units}, {"replica", ReplicaOf(spec, c, true)}, {"router", router}}},
            {"decode", {{"replicas", c.decode * units}, {"replica", ReplicaOf(spec, c, false)}, {"router", router}}},
            {"link", link},
            {"lanes", c.prefill * units}}}};
}

json FleetDocument(const SizingSpec& spec, const SizingCandidate& c, std::uint64_t units, double rate,
                   std::uint64_t requests) {
  json doc = spec.base;
  for (const char* system : {"replica", "fleet", "disaggregation", "lab"}) doc.erase(system);
  doc.merge_patch(SystemOf(spec, c, units));
  json& w = doc["workload"];
  w.erase("duration_s");
  w["arrival"]["rate_per_s"] = rate;
  w["requests"] = requests;
  w["warmup_requests"] = requests / 10;
  return doc;
}

Result<Scenario> ParseFor(const SizingSpec& spec, const json& doc) {
  ParseOptions options = spec.parse;
  options.catalog = spec.catalog.get();
  return ParseScenario(doc, options);
}

void Estimate(const SizingSpec& spec, double rate, const std::atomic<bool>* cancel, SizingCandidate* c) {
  c->status = "pruned";
  auto s = ParseFor(spec, FleetDocument(spec, *c, 1, rate, 1));
  if (!s.ok()) {
    c->reason = s.status().message();
    return;
  }
  const auto* pools = std::get_if<DisaggregatedPools>(&s->system);
  c->gpu_price_usd = (pools ? pools->disaggregation.decode.replica : *s->replica()).price_per_gpu_hour_usd;
  if (PrunedByFloors(spec, *s, c)) return;
  RunHooks hooks;
  hooks.kv_heatmap = false;
  hooks.cancel = cancel;
  auto report = RunScenario(*s, hooks);  // one request: builds the unit (does it fit?) and estimates its capacity
  if (!report.ok()) {
    c->reason = report.status().message();
    return;
  }
  c->estimate_per_s = report->capacity_per_s;
  if (!(c->estimate_per_s > 0) || !std::isfinite(c->estimate_per_s)) {
    c->reason = "no capacity estimate for this unit";
    return;
  }
  c->units_lower_bound = std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(std::ceil(rate / (kCapacitySlack * c->estimate_per_s) - 1e-9)));
  c->cost_lower_bound = static_cast<double>(c->units_lower_bound * c->unit_gpus) * c->gpu_price_usd;
  if (c->units_lower_bound > spec.search.max_units) {
    c->reason = fmt::format("needs at least {} units (estimated {:.3g} req/s each), more than search.max_units {}",
                            c->units_lower_bound, c->estimate_per_s, spec.search.max_units);
  } else if (c->units_lower_bound * c->unit_gpus > spec.search.max_gpus) {
    c->reason = fmt::format("needs at least {} GPUs, more than search.max_gpus {}",
                            c->units_lower_bound * c->unit_gpus, spec.search.max_gpus);
  } else if (spec.budget_usd_per_hour > 0 && c->cost_lower_bound > spec.budget_usd_per_hour) {
    c->reason = fmt::format("costs at least ${:.2f}/h, over the budget of ${:.2f}/h", c->cost_lower_bound,
                            spec.budget_usd_per_hour);
  } else {
    c->status = "estimated";
  }
}

std::string BindingConstraint(const CapacityResult& r) {
  if (r.bound == CapacityBound::kAtLeastHigh) return fmt::format("none reached below {:g}x the estimated capacity", kCapacitySlack);
  const json& f = r.report_at_fail;
  if (f.is_null()) return "unknown";
  const double kv = Number(f, "kv.peak_utilization"), busy = Number(f, "gpu.busy_fraction");
  const auto preemptions = static_cast<std::uint64_t>(Number(f, "preemptions"));
  const bool stable = f.value("stable", false);
  const bool disagg = f.contains("disaggregation");
  const std::string memory = fmt::format("KV memory (cache peak {:.0f}%, {} preemptions)", 100 * kv, preemptions);
  const bool kv_bound = kv >= 0.95 || preemptions > 0;
  if (!stable) {
    return kv_bound ? memory : fmt::format("compute (throughput: GPUs busy {:.0f}%)", 100 * busy);
  }
  const std::string& m = r.miss;
  if (m.find(".ttft.") != std::string::npos) {
    if (kv_bound) return memory;
    const double pool = disagg ? Number(f, "disaggregation.prefill.gpu.busy_fraction") : busy;
    return pool >= 0.9 ? fmt::format("compute (prefill GPUs busy {:.0f}%)", 100 * pool)
                       : fmt::format("TTFT queueing (GPUs busy {:.0f}%, queue {:.0f} ms of mean TTFT)", 100 * pool,
                                     Number(f, "ttft_waterfall.queue_ms"));
  }
  if (m.find(".tpot.") != std::string::npos) {
    if (kv_bound) return memory;
    return fmt::format("TPOT (decode steps of {:.0f} sequences)", Number(f, "batching.mean_batch_size"));
  }
  if (m.find(".e2e.") != std::string::npos) return kv_bound ? memory : "end-to-end latency";
  if (m.find("attainment") != std::string::npos) return kv_bound ? memory : "SLO attainment";
  return m;
}

}  // namespace fleetlab::sizing
