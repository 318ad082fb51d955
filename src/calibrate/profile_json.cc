#include "calibrate/profile_json.h"

#include <cmath>
#include <string>

#include <fmt/format.h>

namespace fleetlab::calibrate {
namespace {

using json = nlohmann::ordered_json;

double Round(double v) {  // 6 significant digits, so files stay readable
  if (v == 0 || !std::isfinite(v)) return v;
  const double scale = std::pow(10.0, 5 - std::floor(std::log10(std::abs(v))));
  return std::round(v * scale) / scale;
}

json Numbers(const std::vector<double>& v, double scale) {
  json out = json::array();
  for (double x : v) out.push_back(Round(x * scale));
  return out;
}

json Fit(const std::vector<CalibrationFit>& fit) {
  json out = json::array();
  for (const auto& f : fit) {
    out.push_back({{"part", f.part}, {"points", f.points}, {"median_abs_error", Round(f.median_abs_error)},
                   {"worst_abs_error", Round(f.worst_abs_error)}});
  }
  return out;
}

}  // namespace

nlohmann::ordered_json ProfileToJson(const CalibrationProfile& p) {
  json j = {{"id", p.id}, {"name", p.name}, {"gpu", p.gpu}, {"dtype", DTypeName(p.dtype)}, {"engines", p.engines}};
  j["linear"] = {{"tokens", Numbers(p.matmul_efficiency.x, 1)},
                 {"matmul_efficiency", Numbers(p.matmul_efficiency.y, 1)},
                 {"weight_memory_efficiency", Round(p.weight_memory_efficiency)},
                 {"kernel_floor_us", Round(p.kernel_floor_s * 1e6)},
                 {"kernels_per_layer", p.kernels_per_layer}};
  if (p.matmul_ceiling) j["linear"]["matmul_ceiling"] = Round(*p.matmul_ceiling);
  if (p.matmul_ceiling && !p.matmul_ceiling_engines.empty()) j["linear"]["matmul_ceiling_engines"] = p.matmul_ceiling_engines;
  if (p.HasMoe()) {
    j["moe"] = {{"tokens_per_expert", Numbers(p.moe_matmul_efficiency.x, 1)},
                {"matmul_efficiency", Numbers(p.moe_matmul_efficiency.y, 1)},
                {"weight_memory_efficiency", Round(p.moe_memory_efficiency)},
                {"floor_us", Round(p.moe_floor_s * 1e6)}};
  }
  if (!p.all_reduce_s.empty()) {
    json a = json::object();
    for (const auto& [tp, c] : p.all_reduce_s) a[fmt::format("tp{}", tp)] = {{"bytes", Numbers(c.x, 1)}, {"us", Numbers(c.y, 1e6)}};
    j["all_reduce"] = a;
  }
  json attention = json::object();
  if (p.attention_efficiency) attention["prefill_efficiency"] = Round(*p.attention_efficiency);
  if (p.kv_memory_efficiency) attention["decode_memory_efficiency"] = Round(*p.kv_memory_efficiency);
  if (p.prefill_attention_floor_s) attention["prefill_floor_us"] = Round(*p.prefill_attention_floor_s * 1e6);
  if (p.decode_attention_floor_s) attention["decode_floor_us"] = Round(*p.decode_attention_floor_s * 1e6);
  if (!p.prefill_attention_efficiency.empty()) {
    json by = {{"context", json::array()}, {"efficiency", json::array()}};
    for (std::size_t i = 0; i < p.prefill_attention_efficiency.x.size(); ++i) {
      by["context"].push_back(Round(p.prefill_attention_efficiency.x[i]));
      by["efficiency"].push_back(Round(p.prefill_attention_efficiency.y[i]));
    }
    attention["prefill_by_context"] = by;
  }
  if (!attention.empty()) j["attention"] = attention;
  json overhead = json::object();
  if (p.iteration_overhead_s) overhead["per_iteration_ms"] = Round(*p.iteration_overhead_s * 1e3);
  if (p.sequence_overhead_s) overhead["per_sequence_ms"] = Round(*p.sequence_overhead_s * 1e3);
  if (!overhead.empty()) j["overhead"] = overhead;
  if (p.tp_overlap) j["overlap"] = {{"tp_all_reduce", Round(*p.tp_overlap)}};
  j["fit"] = Fit(p.fit);
  json sources = json::object();
  for (const auto& [key, text] : p.sources) {
    if (j.contains(key.substr(0, key.find('.')))) sources[key] = text;
  }
  j["sources"] = sources;
  return j;
}

}  // namespace fleetlab::calibrate
