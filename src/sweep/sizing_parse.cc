// Parsing a sizing document (sizing.h, docs/sweep.md "Sizing"): strict,
// every error naming the field and what is allowed.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include <fmt/format.h>

#include "fleetlab/fleet/options.h"
#include "fleetlab/llm/catalog.h"
#include "fleetlab/scenario/parse.h"
#include "fleetlab/workload/arrival_process.h"
#include "fleetlab/sweep/sizing.h"
#include "util/field_reader.h"

namespace fleetlab {
namespace {

using nlohmann::json;

constexpr std::uint64_t kMaxCandidates = 20000;

// The workload when the document gives no base: chat-like requests
// (ShareGPT-like lengths, heavy-tailed), Poisson arrivals.
json DefaultBase() {
  return json::parse(R"({
    "name": "sizing",
    "seed": 1,
    "workload": {
      "arrival": {"process": "poisson", "rate_per_s": 1},
      "prompt_tokens": {"distribution": "lognormal", "mean": 512, "cv": 1.0},
      "output_tokens": {"distribution": "lognormal", "mean": 256, "cv": 1.0}
    }
  })");
}

Status ParseBase(const json* base, const std::string& dir, SizingSpec* spec) {
  spec->parse.base_dir = dir;
  if (base == nullptr) {
    spec->base = DefaultBase();
  } else if (base->is_object()) {
    spec->base = *base;
  } else if (base->is_string() && !spec->parse.allow_files) {
    return Status::InvalidArgument("base: must be an inline scenario object here (no field may name a file)");
  } else if (base->is_string()) {
    std::filesystem::path p(base->get<std::string>());
    if (p.is_relative() && !dir.empty()) p = std::filesystem::path(dir) / p;
    auto read = ReadJsonFile(p.string(), "scenario file");
    if (!read.ok()) return read.status().WithContext("base");
    spec->base = std::move(read).value();
    spec->parse.base_dir = p.parent_path().string();
  } else {
    return Status::InvalidArgument("base: must be a scenario file path or an object " + Got(*base));
  }
  if (!spec->base.is_object()) return Status::InvalidArgument("base: must be a scenario object " + Got(spec->base));
  for (const char* system : {"station", "path"}) {
    if (spec->base.contains(system)) {
      return Status::InvalidArgument(fmt::format("base.{}: sizing needs an LLM scenario (a \"replica\" or none); "
                                                 "the search builds the fleets itself", system));
    }
  }
  return Status::Ok();
}

// A list of integers, each in [low, high]; non-empty.
Status IntList(const json& v, const std::string& field, std::uint64_t low, std::uint64_t high,
               std::vector<std::uint64_t>* out) {
  if (!v.is_array() || v.empty()) {
    return Status::InvalidArgument(fmt::format("{}: must be a non-empty list of integers between {} and {} {}", field,
                                               low, high, Got(v)));
  }
  out->clear();
  for (std::size_t i = 0; i < v.size(); ++i) {
    const json& x = v[i];
    if (!x.is_number_integer() || x.get<std::int64_t>() < static_cast<std::int64_t>(low) ||
        x.get<std::uint64_t>() > high) {
      return Status::InvalidArgument(fmt::format("{}[{}]: must be an integer between {} and {} {}", field, i, low,
                                                 high, Got(x)));
    }
    out->push_back(x.get<std::uint64_t>());
  }
  return Status::Ok();
}

Status ParseRatios(const json& v, std::vector<std::pair<int, int>>* out) {
  if (!v.is_array()) return Status::InvalidArgument("search.pd_ratios: must be a list such as [\"1:1\", \"1:2\"] " + Got(v));
  out->clear();
  for (std::size_t i = 0; i < v.size(); ++i) {
    int p = 0, d = 0;
    char tail = 0;
    const bool text = v[i].is_string() &&
                      std::sscanf(v[i].get<std::string>().c_str(), "%d:%d%c", &p, &d, &tail) == 2;
    if (!text || p < 1 || p > 16 || d < 1 || d > 16) {
      return Status::InvalidArgument(fmt::format("search.pd_ratios[{}]: must be \"P:D\" with P and D integers between "
                                                 "1 and 16 (prefill:decode replicas of a unit) {}", i, Got(v[i])));
    }
    out->emplace_back(p, d);
  }
  return Status::Ok();
}

Status ParseRouter(FieldReader& r, SizingSearch* s) {
  const std::vector<std::string> names = kRouterPolicyNames.Names();
  int chosen = -1;
  FLEETLAB_RETURN_IF_ERROR(r.Choice("router", names, &chosen));
  if (chosen >= 0) s->router = names[static_cast<std::size_t>(chosen)];
  return Status::Ok();
}

Status ParseSearch(const json& v, const Catalog& catalog, SizingSearch* s) {
  FieldReader r(v, "search");
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  std::vector<std::uint64_t> list;
  if (const json* tp = r.Child("tp")) {
    FLEETLAB_RETURN_IF_ERROR(IntList(*tp, "search.tp", 1, 1024, &list));
    s->tp.assign(list.begin(), list.end());
  }
  if (const json* pp = r.Child("pp")) {
    FLEETLAB_RETURN_IF_ERROR(IntList(*pp, "search.pp", 1, 1024, &list));
    s->pp.assign(list.begin(), list.end());
  }
  if (const json* m = r.Child("max_running")) FLEETLAB_RETURN_IF_ERROR(IntList(*m, "search.max_running", 1, 1000000, &s->max_running));
  if (const json* m = r.Child("max_batch_tokens")) {
    FLEETLAB_RETURN_IF_ERROR(IntList(*m, "search.max_batch_tokens", 1, 10000000, &s->max_batch_tokens));
  }
  FLEETLAB_RETURN_IF_ERROR(r.Bool("colocated", &s->colocated));
  if (const json* ratios = r.Child("pd_ratios")) FLEETLAB_RETURN_IF_ERROR(ParseRatios(*ratios, &s->pd_ratios));
  FLEETLAB_RETURN_IF_ERROR(r.String("kv_link", &s->kv_link));
  if (!s->kv_link.empty() && catalog.FindLink(s->kv_link) == nullptr) {
    return Status::InvalidArgument(fmt::format("search.kv_link: unknown link \"{}\"; known: {}", s->kv_link,
                                               catalog.LinkIds()));
  }
  FLEETLAB_RETURN_IF_ERROR(ParseRouter(r, s));
  FLEETLAB_RETURN_IF_ERROR(r.Integer("max_units", &s->max_units, Range::Between(1, 10000)));
  FLEETLAB_RETURN_IF_ERROR(r.Integer("max_gpus", &s->max_gpus, Range::Between(1, 1000000)));
  FLEETLAB_RETURN_IF_ERROR(r.Finish());
  if (!s->colocated && s->pd_ratios.empty()) {
    return Status::InvalidArgument("search.colocated: false with no search.pd_ratios leaves nothing to search");
  }
  // In double: five lists of 2^13 entries fit a small body and their
  // product, 2^65, wraps a 64-bit count to 0.
  const double count = static_cast<double>(s->tp.size()) * static_cast<double>(s->pp.size()) *
                       static_cast<double>(s->max_running.size()) * static_cast<double>(s->max_batch_tokens.size()) *
                       static_cast<double>((s->colocated ? 1 : 0) + s->pd_ratios.size());
  if (count > static_cast<double>(kMaxCandidates)) {
    return Status::InvalidArgument(fmt::format("search: {} candidates per GPU kind; at most {} (shorten a list)",
                                               count, kMaxCandidates));
  }
  return Status::Ok();
}

Status ParseObjectives(const json& v, SizingSpec* spec) {
  SizingObjectives& o = spec->objectives;
  FieldReader r(v, "slo");
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  FLEETLAB_RETURN_IF_ERROR(r.Time("ttft_ms", &o.ttft_ms, TimeUnit::kMilliseconds, TimeRange::NonNegative()));
  FLEETLAB_RETURN_IF_ERROR(r.Time("tpot_ms", &o.tpot_ms, TimeUnit::kMilliseconds, TimeRange::NonNegative()));
  FLEETLAB_RETURN_IF_ERROR(r.Time("e2e_ms", &o.e2e_ms, TimeUnit::kMilliseconds, TimeRange::NonNegative()));
  const std::vector<std::string> stats = {"p50", "p90", "p95", "p99", "p999", "mean"};
  int stat = -1;
  FLEETLAB_RETURN_IF_ERROR(r.Choice("statistic", stats, &stat));
  if (stat >= 0) o.statistic = stats[static_cast<std::size_t>(stat)];
  FLEETLAB_RETURN_IF_ERROR(r.Number("attainment", &o.attainment, Range::Between(0, 1)));
  FLEETLAB_RETURN_IF_ERROR(r.Finish());
  // Time() stores seconds: back to the milliseconds of the report.
  o.ttft_ms *= 1e3, o.tpot_ms *= 1e3, o.e2e_ms *= 1e3;
  if (o.ttft_ms <= 0 && o.tpot_ms <= 0 && o.e2e_ms <= 0 && o.attainment <= 0) {
    return Status::InvalidArgument("slo: give at least one objective: ttft_ms, tpot_ms, e2e_ms (> 0) or attainment");
  }
  if (o.attainment > 0 && o.ttft_ms <= 0 && o.tpot_ms <= 0) {
    return Status::InvalidArgument("slo.attainment: counts requests meeting ttft_ms and tpot_ms; give one of them");
  }
  for (const auto& [name, limit] : {std::pair{"ttft", o.ttft_ms}, std::pair{"tpot", o.tpot_ms}, std::pair{"e2e", o.e2e_ms}}) {
    if (limit > 0) {
      spec->slos.push_back({fmt::format("latency_ms.{}.{}", name, o.statistic), true, limit,
                            fmt::format("latency_ms.{}.{} <= {:g}", name, o.statistic, limit)});
    }
  }
  if (o.attainment > 0) {
    spec->slos.push_back({"slo.attainment", false, o.attainment, fmt::format("slo.attainment >= {:g}", o.attainment)});
  }
  return Status::Ok();
}

Status ParseGpus(const json* v, const Catalog& catalog, SizingSpec* spec) {
  if (v == nullptr) {
    const json* gpu = FindAtPath(spec->base, "replica.gpu");
    if (gpu == nullptr || !gpu->is_string()) {
      return Status::InvalidArgument(fmt::format("gpus: missing; give a list of GPU ids ({})", catalog.GpuIds()));
    }
    spec->gpus = {gpu->get<std::string>()};
    return Status::Ok();
  }
  if (!v->is_array() || v->empty() || v->size() > 32) {
    return Status::InvalidArgument("gpus: must be a list of 1 to 32 GPU ids " + Got(*v));
  }
  for (std::size_t i = 0; i < v->size(); ++i) {
    const json& g = (*v)[i];
    if (!g.is_string() || catalog.FindGpu(g.get<std::string>()) == nullptr) {
      return Status::InvalidArgument(fmt::format("gpus[{}]: unknown GPU {}; known: {}", i, g.dump(), catalog.GpuIds()));
    }
    spec->gpus.push_back(g.get<std::string>());
  }
  return Status::Ok();
}

Status ParsePrices(const json& v, SizingSpec* spec) {
  if (!v.is_object()) return Status::InvalidArgument("prices: must be an object {\"GPU id\": $ per GPU-hour} " + Got(v));
  for (const auto& [gpu, price] : v.items()) {
    if (std::find(spec->gpus.begin(), spec->gpus.end(), gpu) == spec->gpus.end()) {
      return Status::InvalidArgument(fmt::format("prices.{}: not one of gpus", gpu));
    }
    if (!price.is_number() || !(price.get<double>() >= 0) || price.get<double>() > 1e6) {
      return Status::InvalidArgument(fmt::format("prices.{}: must be a number between 0 and 1e+06 $ per GPU-hour {}",
                                                 gpu, Got(price)));
    }
    spec->prices[gpu] = price.get<double>();
  }
  return Status::Ok();
}

Status ParseModel(FieldReader& r, const Catalog& catalog, SizingSpec* spec) {
  FLEETLAB_RETURN_IF_ERROR(r.String("model", &spec->model));
  if (spec->model.empty()) {
    const json* m = FindAtPath(spec->base, "replica.model");
    if (m != nullptr && m->is_string()) spec->model = m->get<std::string>();
  }
  if (spec->model.empty()) {
    return Status::InvalidArgument(fmt::format("model: missing; give a model id ({})", catalog.ModelIds()));
  }
  const ModelSpec* m = catalog.FindModel(spec->model);
  if (m == nullptr) {
    return Status::InvalidArgument(fmt::format("model: unknown model \"{}\"; known: {}", spec->model, catalog.ModelIds()));
  }
  if (!m->IsDecoder()) return Status::InvalidArgument(fmt::format("model: {} is not a decoder LLM", spec->model));
  return Status::Ok();
}

// The base's workload with the document's "workload" merged over it; it
// must parse and be open-loop. Without rate_per_s a trace gives its own.
// An object that names its "distribution" or "process" replaces the base's
// whole: a deterministic prompt length keeps no lognormal cv.
Status CheckWorkload(const json* workload, const Catalog& catalog, SizingSpec* spec) {
  if (workload != nullptr) {
    if (!workload->is_object()) return Status::InvalidArgument("workload: must be an object " + Got(*workload));
    json& base = spec->base["workload"];
    if (!base.is_null() && !base.is_object()) return Status::InvalidArgument("base.workload: must be an object " + Got(base));
    for (const auto& [key, value] : workload->items()) {
      if (value.is_object() && (value.contains("distribution") || value.contains("process"))) base[key] = value;
    }
    base.merge_patch(*workload);
  }
  json probe = spec->base;
  for (const char* system : {"replica", "fleet", "disaggregation", "lab"}) probe.erase(system);
  if (spec->rate_per_s > 0) probe["workload"]["arrival"]["rate_per_s"] = spec->rate_per_s;
  ParseOptions options = spec->parse;
  options.catalog = &catalog;
  auto s = ParseScenario(probe, options);
  if (!s.ok()) return s.status().WithContext("base");
  if (s->workload.mode != LoadMode::kOpen) {
    return Status::InvalidArgument("workload.mode: sizing needs an open-loop workload (\"open\"): it sets the rate");
  }
  if (spec->rate_per_s <= 0) {
    if (s->workload.arrival.kind != ArrivalKind::kTrace) {
      return Status::InvalidArgument("rate_per_s: missing; give the target rate in requests per second (a trace "
                                     "workload may omit it to use its own rate)");
    }
    spec->rate_per_s = ArrivalProcess(s->workload.arrival, s->trace).MeanRate();
  }
  const RequestSizeOptions& sizes = s->workload.sizes;
  spec->mean_prompt_tokens = sizes.prompt_tokens.Mean() + static_cast<double>(sizes.prefix_tokens);
  spec->mean_output_tokens = sizes.output_tokens.Mean();
  if (!s->trace.empty()) {
    double prompt = 0, output = 0;
    for (const TraceRecord& t : s->trace) {
      prompt += static_cast<double>(t.prompt_tokens);
      output += static_cast<double>(t.output_tokens);
    }
    spec->mean_prompt_tokens = prompt / static_cast<double>(s->trace.size());
    spec->mean_output_tokens = output / static_cast<double>(s->trace.size());
  }
  return Status::Ok();
}

}  // namespace

Result<SizingSpec> ParseSizing(const json& doc, const ParseOptions& options) {
  SizingSpec spec;
  spec.parse = options;
  if (options.catalog != nullptr) {
    spec.catalog = std::make_shared<const Catalog>(*options.catalog);
  } else {
    auto loaded = Catalog::LoadDefault();
    if (!loaded.ok()) return loaded.status().WithContext("catalog");
    spec.catalog = std::make_shared<const Catalog>(std::move(loaded).value());
  }
  spec.parse.catalog = nullptr;  // RunSizing passes spec.catalog
  const Catalog* catalog = spec.catalog.get();
  FieldReader r(doc, "");
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  FLEETLAB_RETURN_IF_ERROR(ParseBase(r.Child("base"), options.base_dir, &spec));
  std::string description;
  FLEETLAB_RETURN_IF_ERROR(r.String("name", &spec.name));
  FLEETLAB_RETURN_IF_ERROR(r.String("description", &description));
  FLEETLAB_RETURN_IF_ERROR(ParseModel(r, *catalog, &spec));
  FLEETLAB_RETURN_IF_ERROR(ParseGpus(r.Child("gpus"), *catalog, &spec));
  if (const json* prices = r.Child("prices")) FLEETLAB_RETURN_IF_ERROR(ParsePrices(*prices, &spec));
  if (r.Has("rate_per_s")) FLEETLAB_RETURN_IF_ERROR(r.Rate("rate_per_s", &spec.rate_per_s));
  FLEETLAB_RETURN_IF_ERROR(r.Number("headroom", &spec.headroom, Range::Between(0, 10)));
  FLEETLAB_RETURN_IF_ERROR(r.Number("budget_usd_per_hour", &spec.budget_usd_per_hour, Range::Between(0, 1e9)));
  FLEETLAB_RETURN_IF_ERROR(r.Number("max_cost_ratio", &spec.max_cost_ratio, Range::Between(1, 1e6)));
  FLEETLAB_RETURN_IF_ERROR(r.Integer("top", &spec.top, Range::Between(1, 1000)));
  FLEETLAB_RETURN_IF_ERROR(r.Integer("requests", &spec.requests, Range::Between(50, 1000000)));
  FLEETLAB_RETURN_IF_ERROR(r.Integer("max_fleet_requests", &spec.max_fleet_requests, Range::Between(50, 10000000)));
  const json* slo = r.Child("slo");
  if (slo == nullptr) return Status::InvalidArgument("slo: missing; give {\"ttft_ms\": ..., \"tpot_ms\": ...}");
  FLEETLAB_RETURN_IF_ERROR(ParseObjectives(*slo, &spec));
  if (const json* search = r.Child("search")) FLEETLAB_RETURN_IF_ERROR(ParseSearch(*search, *catalog, &spec.search));
  const json* workload = r.Child("workload");
  FLEETLAB_RETURN_IF_ERROR(r.Finish());
  if (spec.max_fleet_requests < spec.requests) {
    return Status::InvalidArgument(fmt::format("max_fleet_requests: must be >= requests ({}) (got {})", spec.requests,
                                               spec.max_fleet_requests));
  }
  FLEETLAB_RETURN_IF_ERROR(CheckWorkload(workload, *catalog, &spec));
  return spec;
}

Result<SizingSpec> LoadSizing(const std::string& path) {
  auto doc = ReadJsonFile(path, "sizing file");
  if (!doc.ok()) return doc.status();
  ParseOptions options;
  options.base_dir = std::filesystem::path(path).parent_path().string();
  auto spec = ParseSizing(*doc, options);
  if (!spec.ok()) return spec.status().WithContext(path);
  return spec;
}

}  // namespace fleetlab
