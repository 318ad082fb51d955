#include "fleetlab/workload/vllm_bench.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "fleetlab/random/distribution.h"
#include "fleetlab/random/rng.h"

namespace fleetlab {
namespace {

using nlohmann::json;

constexpr std::uint64_t kMaxRequests = 10'000'000;

Status Bad(const std::string& field, const std::string& what, const json& got) {
  std::string shown = got.dump();
  if (shown.size() > 60) shown = shown.substr(0, 57) + "...";
  return Status::InvalidArgument(fmt::format("{}: must be {} (got {})", field, what, shown));
}

Status ReadLens(const json& doc, const char* field, std::vector<std::int64_t>* out) {
  if (!doc.contains(field) || doc[field].is_null()) return Status::Ok();
  const json& v = doc[field];
  if (!v.is_array()) return Bad(field, "a list of token counts", v);
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!v[i].is_number_integer() || v[i].get<std::int64_t>() < 0 || v[i].get<std::int64_t>() > 10'000'000) {
      return Bad(fmt::format("{}[{}]", field, i), "an integer between 0 and 1e7", v[i]);
    }
    out->push_back(v[i].get<std::int64_t>());
  }
  return Status::Ok();
}

Status ReadRate(const json& doc, VllmBenchResult* r) {
  if (!doc.contains("request_rate")) return Status::InvalidArgument("request_rate: missing; the result file's rate");
  const json& v = doc["request_rate"];
  if (v.is_string() && (v == "inf" || v == "Infinity")) return Status::Ok();
  if (!v.is_number() || !(v.get<double>() > 0) || v.get<double>() > 1e9) {
    return Bad("request_rate", "a rate between 1e-06 and 1e+09 per second, or \"inf\"", v);
  }
  r->request_rate = v.get<double>();
  if (r->request_rate < 1e-6) return Bad("request_rate", "a rate between 1e-06 and 1e+09 per second, or \"inf\"", v);
  return Status::Ok();
}

Status ReadCounts(const json& doc, VllmBenchResult* r) {
  const auto count = [&doc](const char* f) -> std::int64_t {
    return doc.contains(f) && doc[f].is_number_integer() ? doc[f].get<std::int64_t>() : -1;
  };
  const std::int64_t prompts = count("num_prompts"), completed = count("completed"), failed = count("failed");
  const std::int64_t n = prompts > 0 ? prompts : completed + std::max<std::int64_t>(failed, 0);
  if (n < 1 || static_cast<std::uint64_t>(n) > kMaxRequests) {
    return Bad(prompts > 0 ? "num_prompts" : "completed", fmt::format("an integer between 1 and {}", kMaxRequests),
               prompts > 0 ? doc["num_prompts"] : doc.value("completed", json()));
  }
  r->requests = static_cast<std::uint64_t>(n);
  if (doc.contains("burstiness") && !doc["burstiness"].is_null()) {
    const json& b = doc["burstiness"];
    if (!b.is_number() || !(b.get<double>() >= 1e-4) || b.get<double>() > 1e6) {
      return Bad("burstiness", "a number between 0.0001 and 1e+06", b);
    }
    r->burstiness = b.get<double>();
  }
  if (doc.contains("max_concurrency") && !doc["max_concurrency"].is_null()) {
    const json& c = doc["max_concurrency"];
    if (!c.is_number_integer() || c.get<std::int64_t>() < 1 || c.get<std::int64_t>() > 1'000'000) {
      return Bad("max_concurrency", "null or an integer between 1 and 1e6", c);
    }
    r->max_concurrency = c.get<std::uint64_t>();
  }
  return Status::Ok();
}

json Lengths(const std::vector<std::int64_t>& lens, double mean) {
  if (lens.empty()) return {{"distribution", "deterministic"}, {"mean", std::max(1.0, std::round(mean))}};
  json values = json::array();
  for (std::int64_t x : lens) values.push_back(std::max<std::int64_t>(1, x));
  return {{"distribution", "empirical"}, {"values", values}};
}

// The trace's lines: arrival_s,prompt,output, gaps gamma with vLLM's law.
std::string TraceText(const VllmBenchResult& r, std::uint64_t seed) {
  Rng rng = RandomStreams(seed).Stream(StreamId::kCompareArrivals);
  const bool rate = r.request_rate > 0;
  const Distribution gap = Distribution::Gamma(rate ? 1 / r.request_rate : 1, 1 / std::sqrt(r.burstiness));
  const auto len = [](const std::vector<std::int64_t>& lens, std::size_t i, double mean) {
    return lens.empty() ? std::max<std::int64_t>(1, std::llround(mean)) : std::max<std::int64_t>(1, lens[i]);
  };
  std::string text = "arrival_s,prompt_tokens,output_tokens\n";
  double t = 0;
  for (std::size_t i = 0; i < r.requests; ++i) {
    text += fmt::format("{:.9f},{},{}\n", t, len(r.input_lens, i, r.mean_input_tokens),
                        len(r.output_lens, i, r.mean_output_tokens));
    if (rate) t += gap.Sample(rng);
  }
  return text;
}

}  // namespace

Result<VllmBenchResult> ParseVllmBenchResult(const json& doc) {
  if (!doc.is_object()) return Status::InvalidArgument("the result file must hold one JSON object (vLLM --save-result)");
  VllmBenchResult r;
  if (doc.contains("model_id") && doc["model_id"].is_string()) r.model_id = doc["model_id"].get<std::string>();
  FLEETLAB_RETURN_IF_ERROR(ReadRate(doc, &r));
  FLEETLAB_RETURN_IF_ERROR(ReadCounts(doc, &r));
  FLEETLAB_RETURN_IF_ERROR(ReadLens(doc, "input_lens", &r.input_lens));
  FLEETLAB_RETURN_IF_ERROR(ReadLens(doc, "output_lens", &r.output_lens));
  if (r.input_lens.size() != r.output_lens.size()) {
    return Status::InvalidArgument(fmt::format("output_lens: {} entries, but input_lens has {}", r.output_lens.size(),
                                               r.input_lens.size()));
  }
  if (!r.input_lens.empty()) r.requests = r.input_lens.size();
  const double done = doc.value("completed", json(0)).is_number() ? doc["completed"].get<double>() : 0.0;
  for (const auto& [field, out] : {std::pair{"total_input_tokens", &r.mean_input_tokens},
                                   std::pair{"total_output_tokens", &r.mean_output_tokens}}) {
    if (doc.contains(field) && doc[field].is_number() && done > 0) *out = doc[field].get<double>() / done;
  }
  if (r.input_lens.empty() && (r.mean_input_tokens < 1 || r.mean_output_tokens < 1)) {
    return Status::InvalidArgument("input_lens: missing, and total_input_tokens / total_output_tokens / completed do "
                                   "not give the lengths; save the result with --save-detailed");
  }
  r.metrics = json::object();
  for (const auto& [key, value] : doc.items()) {
    if (value.is_number()) r.metrics[key] = value;
  }
  return r;
}

json VllmWorkload(const VllmBenchResult& r, std::uint64_t seed) {
  json w = {{"requests", r.requests}, {"warmup_requests", 0}};
  if (r.request_rate == 0 && r.max_concurrency > 0 && r.max_concurrency < r.requests) {
    w["mode"] = "closed";
    w["closed"] = {{"users", r.max_concurrency}};
    w["prompt_tokens"] = Lengths(r.input_lens, r.mean_input_tokens);
    w["output_tokens"] = Lengths(r.output_lens, r.mean_output_tokens);
    return w;
  }
  w["arrival"] = {{"process", "trace"}, {"rate_per_s", 0}, {"trace_data", TraceText(r, seed)}};
  return w;
}

std::vector<std::string> VllmWorkloadNotes(const VllmBenchResult& r) {
  std::vector<std::string> notes;
  if (r.request_rate > 0 && r.max_concurrency > 0) {
    notes.push_back(fmt::format("max_concurrency {} is not simulated: an open loop at {:g} req/s has no cap here",
                                r.max_concurrency, r.request_rate));
  }
  if (r.input_lens.empty()) {
    notes.push_back("no per-request lengths in the file (vLLM keeps them with --save-detailed; a GenAI-Perf CSV has "
                    "none): every request has the mean lengths");
  } else if (r.request_rate == 0 && r.max_concurrency > 0 && r.max_concurrency < r.requests) {
    notes.push_back("closed loop: lengths drawn from the measured ones, not in their order");
  }
  return notes;
}

json CompareWithVllm(const VllmBenchResult& r, const json& report) {
  json rows = json::array();
  if (!report.contains("vllm_bench")) return rows;
  const json& sim = report["vllm_bench"];
  std::vector<std::string> order = {"request_throughput", "request_goodput", "output_throughput",
                                    "total_token_throughput"};
  for (const char* metric : {"ttft", "tpot", "itl", "e2el"}) {
    for (const char* stat : {"mean", "median", "p90", "p95", "p99"}) order.push_back(fmt::format("{}_{}_ms", stat, metric));
  }
  for (const std::string& key : order) {
    if (!r.metrics.contains(key) || !sim.contains(key)) continue;
    const json& simulated = sim[key];
    const double measured = r.metrics[key].get<double>();
    json error = simulated.is_number() && measured != 0 ? json(simulated.get<double>() / measured - 1) : json();
    rows.push_back({{"metric", key}, {"measured", measured}, {"simulated", simulated}, {"error", error}});
  }
  return rows;
}

}  // namespace fleetlab
