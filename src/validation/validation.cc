#include "fleetlab/validation/validation.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <numeric>

#include <fmt/format.h>

#include "fleetlab/random/distribution.h"
#include "fleetlab/random/rng.h"
#include "fleetlab/report/render.h"
#include "fleetlab/runner.h"
#include "fleetlab/scenario/parse.h"
#include "validation/length_tilt.h"

namespace fleetlab {
namespace {

using nlohmann::json;

// The number at `key`, or `fallback` when it is absent or not a number.
double NumberOr(const json& o, const char* key, double fallback) {
  const auto it = o.find(key);
  return it != o.end() && it->is_number() ? it->get<double>() : fallback;
}

// The string at `key`, or "" when it is absent or not a string.
std::string StringOr(const json& o, const char* key) {
  const auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : "";
}

Status Bad(const std::string& id, const std::string& field, const std::string& what) {
  return Status::InvalidArgument(fmt::format("points[{}].{}: {}", id, field, what));
}

// The point's dtype as the replica's element types: fp8 weights and matrix
// products (the KV stays bf16); fp16 throughout; bf16 is the default.
json Dtypes(const std::string& dtype) {
  if (dtype == "fp8") return {{"weights", "fp8"}, {"activations", "fp8"}};
  if (dtype == "fp16") return {{"weights", "fp16"}, {"activations", "fp16"}, {"kv", "fp16"}};
  return json::object();
}

// The measured figures in vLLM's benchmark names (workload/vllm_bench.h);
// a per-GPU output rate is made whole from the point's "derived" total, an
// end-to-end time in seconds becomes milliseconds.
json Metrics(const json& p) {
  json m = json::object();
  const json measured = p.value("measured", json::object());
  for (const auto& [key, value] : measured.items()) {
    if (!value.is_number()) continue;
    if (key == "mean_e2e_s") {
      m["mean_e2el_ms"] = value.get<double>() * 1000;
    } else if (key != "output_throughput_per_gpu" && key != "duration_s") {
      m[key] = value;
    }
  }
  const json derived = p.value("derived", json::object());
  if (derived.contains("output_throughput") && derived["output_throughput"].is_number()) {
    m["output_throughput"] = derived["output_throughput"];
  }
  return m;
}

// Each dataset file, read once per points file.
using Datasets = std::map<std::string, std::shared_ptr<const std::vector<TraceRecord>>>;

// workload.dataset: the lengths the benchmark sampled from (absent: none).
Status ReadLengths(const json& w, const std::string& id, const std::string& dir, Datasets* cache,
                   ValidationPoint* v) {
  const auto it = w.find("dataset");
  if (it == w.end() || it->is_null()) return Status::Ok();
  if (!it->is_string() || it->get<std::string>().empty()) {
    return Bad(id, "workload.dataset", "must be the name of a fleetlab CSV beside the points file");
  }
  std::filesystem::path file = it->get<std::string>();
  if (file.is_relative() && !dir.empty()) file = std::filesystem::path(dir) / file;  // as traces resolve
  const std::string path = file.string();
  std::shared_ptr<const std::vector<TraceRecord>>& slot = (*cache)[path];
  if (slot == nullptr) {
    auto table = LoadTrace(path, TraceReadOptions{});
    if (!table.ok()) return Bad(id, "workload.dataset", table.status().message());
    if (table->records.empty()) return Bad(id, "workload.dataset", path + ": no requests in it");
    slot = std::make_shared<const std::vector<TraceRecord>>(std::move(table->records));
  }
  v->lengths = slot;
  return Status::Ok();
}

// One [lo, hi] token range of workload.uniform.
Status ReadRange(const json& u, const char* key, const std::string& id, double mean, std::int64_t* lo,
                 std::int64_t* hi) {
  const std::string field = fmt::format("workload.uniform.{}", key);
  const auto it = u.find(key);
  const bool pair = it != u.end() && it->is_array() && it->size() == 2 && (*it)[0].is_number_integer() &&
                    (*it)[1].is_number_integer();
  if (!pair) return Bad(id, field, "must be [lo, hi]: two whole token counts");
  *lo = (*it)[0].get<std::int64_t>();
  *hi = (*it)[1].get<std::int64_t>();
  if (!(*lo >= 1 && *lo <= *hi && *hi <= 10'000'000)) {
    return Bad(id, field, fmt::format("needs 1 <= lo <= hi <= 10000000 (got [{}, {}])", *lo, *hi));
  }
  if (!(mean >= static_cast<double>(*lo) && mean <= static_cast<double>(*hi))) {
    return Bad(id, field, fmt::format("[{}, {}] does not hold the stated mean {:g}", *lo, *hi, mean));
  }
  return Status::Ok();
}

// workload.uniform: the ranges the benchmark drew lengths from (absent: none).
Status ReadUniform(const json& w, const std::string& id, ValidationPoint* v) {
  const auto it = w.find("uniform");
  if (it == w.end() || it->is_null()) return Status::Ok();
  if (!it->is_object()) return Bad(id, "workload.uniform", "must be {\"input\": [lo, hi], \"output\": [lo, hi]}");
  if (v->lengths != nullptr) return Bad(id, "workload.uniform", "give either uniform or dataset, not both");
  ValidationPoint::UniformLengths u;
  FLEETLAB_RETURN_IF_ERROR(ReadRange(*it, "input", id, v->bench.mean_input_tokens, &u.input_lo, &u.input_hi));
  FLEETLAB_RETURN_IF_ERROR(ReadRange(*it, "output", id, v->bench.mean_output_tokens, &u.output_lo, &u.output_hi));
  v->uniform = u;
  return Status::Ok();
}

Result<ValidationPoint> ParsePoint(const json& p, std::size_t index, const std::string& dir, Datasets* datasets) {
  ValidationPoint v;
  v.id = StringOr(p, "id");
  if (v.id.empty()) v.id = fmt::format("#{}", index);
  for (const char* key : {"model", "gpu", "tp", "profile", "workload", "measured", "source"}) {
    if (!p.contains(key)) return Bad(v.id, key, "missing (required)");
  }
  v.source = StringOr(p, "source");
  v.engine = StringOr(p, "engine");
  v.engine_version = StringOr(p, "engine_version");
  v.profile = StringOr(p, "profile");
  v.confidence = StringOr(p, "confidence");
  v.replica = {{"model", p["model"]}, {"gpu", p["gpu"]}, {"tp", p["tp"]}, {"pp", NumberOr(p, "pp", 1)},
               {"engine", v.profile}};
  if (const auto it = p.find("engine_args"); it != p.end()) {
    if (!it->is_object()) return Bad(v.id, "engine_args", "must be an object of replica fields (the engine as run)");
    v.replica.merge_patch(*it);
  }
  std::string dtype = StringOr(p, "dtype");
  if (const json d = Dtypes(dtype); !d.empty()) v.replica["dtype"] = d;
  const json& w = p["workload"];
  v.bench.model_id = StringOr(p, "model");
  v.bench.mean_input_tokens = NumberOr(w, "input_tokens", 0);
  v.bench.mean_output_tokens = NumberOr(w, "output_tokens", 0);
  if (!(v.bench.mean_input_tokens >= 1 && v.bench.mean_output_tokens >= 1)) {
    return Bad(v.id, "workload", "needs input_tokens and output_tokens >= 1");
  }
  const double prompts = NumberOr(w, "num_prompts", 0);
  if (!(prompts >= 1 && prompts <= 1e6)) return Bad(v.id, "workload.num_prompts", "must be a count in 1 ... 1e6");
  v.bench.requests = static_cast<std::uint64_t>(prompts);
  const std::string mode = StringOr(w, "mode");
  if (mode == "open") {
    v.bench.request_rate = NumberOr(w, "request_rate", 0);
    if (!(v.bench.request_rate > 0)) return Bad(v.id, "workload.request_rate", "a rate > 0 is needed for mode open");
  } else if (mode == "closed") {
    const double users = NumberOr(w, "concurrency", 0);
    if (!(users >= 1 && users <= 1e6)) return Bad(v.id, "workload.concurrency", "1 ... 1e6 users for mode closed");
    v.bench.max_concurrency = static_cast<std::uint64_t>(users);
  } else if (mode != "offline") {
    return Bad(v.id, "workload.mode", fmt::format("must be offline, open or closed (got \"{}\")", mode));
  }
  v.bench.metrics = Metrics(p);
  FLEETLAB_RETURN_IF_ERROR(ReadLengths(w, v.id, dir, datasets, &v));
  FLEETLAB_RETURN_IF_ERROR(ReadUniform(w, v.id, &v));
  return v;
}

// Indices of `n` records drawn independently by `weights` (an empirical
// distribution over the record indices). The benchmark drew its prompts
// without replacement from a file of some 94,000 conversations (ShareGPT
// V3), ours holds 5,316 first turns: its draws are practically independent,
// and so are these, whatever the count (without replacement, 5,000 of 5,316
// would be nearly the whole file, whose means no tilt reaches).
std::vector<std::size_t> Draw(std::size_t n, const std::vector<double>& weights, Rng& rng) {
  std::vector<double> index(weights.size());
  std::iota(index.begin(), index.end(), 0.0);
  const Distribution records = Distribution::Empirical(std::move(index), weights);
  std::vector<std::size_t> picked(n);
  for (std::size_t& i : picked) i = static_cast<std::size_t>(records.Sample(rng));
  return picked;
}

// Lengths drawn as the benchmark client drew them: uniform on each range.
VllmBenchResult WithUniformLengths(const ValidationPoint::UniformLengths& u, std::uint64_t seed, VllmBenchResult b) {
  Rng rng = RandomStreams(seed).Stream(StreamId::kValidationSample);
  const auto draw = [&rng](std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(rng.Below(static_cast<std::uint64_t>(hi - lo + 1)));
  };
  for (std::uint64_t i = 0; i < b.requests; ++i) {
    b.input_lens.push_back(draw(u.input_lo, u.input_hi));
    b.output_lens.push_back(draw(u.output_lo, u.output_hi));
  }
  return b;
}

}  // namespace

// The point's requests from its dataset: drawn from the dataset tilted to
// the point's published mean lengths (length_tilt.h), so each keeps a
// length someone's conversation had; then every length scaled by the small
// factor that makes this sample's means exactly the published ones. Where
// no tilt reaches those means, drawn evenly and scaled.
VllmBenchResult WithLengths(const ValidationPoint& p, std::uint64_t seed) {
  VllmBenchResult b = p.bench;
  if (p.uniform.has_value()) return WithUniformLengths(*p.uniform, seed, std::move(b));
  if (p.lengths == nullptr) return b;
  const std::vector<TraceRecord>& records = *p.lengths;
  Rng rng = RandomStreams(seed).Stream(StreamId::kValidationSample);
  auto tilt = TiltToMeans(records, b.mean_input_tokens, b.mean_output_tokens);
  const std::vector<double> weights =
      tilt.ok() ? std::move(tilt).value() : std::vector<double>(records.size(), 1.0 / static_cast<double>(records.size()));
  const std::vector<std::size_t> picked = Draw(b.requests, weights, rng);
  double in = 0, out = 0;
  for (std::size_t i : picked) in += records[i].prompt_tokens, out += records[i].output_tokens;
  const double n = static_cast<double>(picked.size());
  const double in_scale = b.mean_input_tokens * n / in, out_scale = b.mean_output_tokens * n / out;
  for (std::size_t i : picked) {
    b.input_lens.push_back(std::max<std::int64_t>(1, std::llround(records[i].prompt_tokens * in_scale)));
    b.output_lens.push_back(std::max<std::int64_t>(1, std::llround(records[i].output_tokens * out_scale)));
  }
  return b;
}

namespace {

double Median(std::vector<double> x) {
  if (x.empty()) return 0;
  std::sort(x.begin(), x.end());
  const std::size_t n = x.size();
  return n % 2 == 1 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2;
}

// Simulates one point; its rows, or why it could not run.
Result<std::vector<ValidationRow>> RunPoint(const ValidationPoint& p, std::uint64_t seed, const Catalog* catalog) {
  json doc = {{"name", "validate " + p.id}, {"seed", seed}, {"replica", p.replica},
              {"workload", VllmWorkload(WithLengths(p, seed), seed)}};
  auto scenario = ParseScenario(doc, "", catalog);
  if (!scenario.ok()) return scenario.status();
  RunHooks hooks;
  hooks.kv_heatmap = false;
  auto report = RunScenario(*scenario, hooks);
  if (!report.ok()) return report.status();
  if (report->completed == 0) {  // every figure would be zero: nothing to compare
    const std::uint64_t rejected = report->llm ? report->llm->rejected : 0;
    return Status::InvalidArgument(fmt::format("no request completed ({} of {} rejected as longer than max_model_len "
                                               "or the KV cache, {} dropped)", rejected, report->arrived, report->dropped));
  }
  std::vector<ValidationRow> rows;
  for (const json& r : CompareWithVllm(p.bench, ReportToJson(*report))) {
    if (!r["simulated"].is_number() || !r["error"].is_number()) continue;
    rows.push_back({p.id, r["metric"].get<std::string>(), r["measured"].get<double>(),
                    r["simulated"].get<double>(), r["error"].get<double>()});
  }
  return rows;
}

std::vector<ValidationMetric> Summarize(const std::vector<ValidationRow>& rows) {
  std::map<std::string, std::vector<const ValidationRow*>> by_metric;
  for (const ValidationRow& r : rows) by_metric[r.metric].push_back(&r);
  std::vector<ValidationMetric> out;
  for (const auto& [metric, list] : by_metric) {
    ValidationMetric m{metric, static_cast<int>(list.size())};
    std::vector<double> abs;
    for (const ValidationRow* r : list) {
      abs.push_back(std::fabs(r->error));
      if (abs.back() > m.worst_abs_error) m.worst_abs_error = abs.back(), m.worst_point = r->point;
    }
    double sum = 0;
    for (double a : abs) sum += a;
    m.mape = sum / static_cast<double>(abs.size());
    m.median_abs_error = Median(abs);
    out.push_back(m);
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.points > b.points; });
  return out;
}

}  // namespace

Result<std::vector<ValidationPoint>> ParseValidationPoints(const json& doc, const std::string& dir) {
  if (!doc.is_object() || !doc.contains("points") || !doc["points"].is_array()) {
    return Status::InvalidArgument("points: the file must be an object with a \"points\" list");
  }
  std::vector<ValidationPoint> out;
  Datasets datasets;
  for (std::size_t i = 0; i < doc["points"].size(); ++i) {
    const json& p = doc["points"][i];
    if (!p.is_object()) return Status::InvalidArgument(fmt::format("points[{}]: must be an object", i));
    auto v = ParsePoint(p, i, dir, &datasets);
    if (!v.ok()) return v.status();
    out.push_back(std::move(v).value());
  }
  return out;
}

ValidationOutcome RunValidation(const std::vector<ValidationPoint>& points, std::uint64_t seed, const Catalog* catalog) {
  ValidationOutcome o;
  for (const ValidationPoint& p : points) {
    auto rows = RunPoint(p, seed, catalog);
    if (!rows.ok()) {
      o.refused.push_back(p.id + ": " + rows.status().message());
      continue;
    }
    o.rows.insert(o.rows.end(), rows->begin(), rows->end());
  }
  o.metrics = Summarize(o.rows);
  std::vector<double> abs;
  for (const ValidationRow& r : o.rows) abs.push_back(std::fabs(r.error));
  o.median_abs_error = Median(abs);
  o.worst_abs_error = abs.empty() ? 0 : *std::max_element(abs.begin(), abs.end());
  return o;
}

json ValidationToJson(const ValidationOutcome& o) {
  json rows = json::array(), metrics = json::array();
  for (const ValidationRow& r : o.rows) {
    rows.push_back({{"point", r.point}, {"metric", r.metric}, {"measured", r.measured}, {"simulated", r.simulated},
                    {"error", r.error}});
  }
  for (const ValidationMetric& m : o.metrics) {
    metrics.push_back({{"metric", m.metric}, {"points", m.points}, {"mape", m.mape},
                       {"median_abs_error", m.median_abs_error}, {"worst_abs_error", m.worst_abs_error},
                       {"worst_point", m.worst_point}});
  }
  return {{"rows", rows}, {"metrics", metrics}, {"median_abs_error", o.median_abs_error},
          {"worst_abs_error", o.worst_abs_error}, {"refused", o.refused}};
}

}  // namespace fleetlab
