#include "llm/catalog/catalog_calibration.h"

#include <string>
#include <vector>

#include <fmt/format.h>

namespace fleetlab::catalog_internal {
namespace {

using nlohmann::json;

Status Bad(const std::string& path, const std::string& message) {
  return Status::InvalidArgument(fmt::format("{}: {}", path, message));
}

Status ReadNumbers(const json* list, const std::string& path, double scale, std::vector<double>* out) {
  if (list == nullptr) return Bad(path, "missing (a list of numbers)");
  if (!list->is_array() || list->empty() || list->size() > 4096) {
    return Bad(path, "must be a list of 1 to 4096 numbers " + Got(*list));
  }
  for (const json& e : *list) {
    if (!e.is_number()) return Bad(path, "must be a list of numbers " + Got(e));
    out->push_back(e.get<double>() * scale);
  }
  return Status::Ok();
}

Status ReadStrings(const json* list, const std::string& path, std::vector<std::string>* out) {
  if (list == nullptr) return Bad(path, "missing (a list of engine ids)");
  if (!list->is_array()) return Bad(path, "must be a list of engine ids " + Got(*list));
  for (const json& e : *list) {
    if (!e.is_string()) return Bad(path, "must be a list of engine ids " + Got(e));
    out->push_back(e.get<std::string>());
  }
  return Status::Ok();
}

Status ParseOptional(FieldReader& r, const char* key, double scale, Range range, std::optional<double>* out) {
  if (!r.Has(key)) return Status::Ok();
  double v = 0;
  FLEETLAB_RETURN_IF_ERROR(r.Number(key, &v, range));
  *out = v * scale;
  return Status::Ok();
}

Status ParseLinear(const json& v, CalibrationProfile* p) {
  FieldReader r(v, "linear");
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  FLEETLAB_RETURN_IF_ERROR(ReadNumbers(r.Child("tokens"), r.PathOf("tokens"), 1, &p->matmul_efficiency.x));
  FLEETLAB_RETURN_IF_ERROR(
      ReadNumbers(r.Child("matmul_efficiency"), r.PathOf("matmul_efficiency"), 1, &p->matmul_efficiency.y));
  FLEETLAB_RETURN_IF_ERROR(r.Number("weight_memory_efficiency", &p->weight_memory_efficiency, Range{0, 1, true, false}));
  double floor_us = p->kernel_floor_s * 1e6;
  FLEETLAB_RETURN_IF_ERROR(r.Number("kernel_floor_us", &floor_us, Range::Between(0, 1000)));
  p->kernel_floor_s = floor_us * 1e-6;
  std::uint32_t kernels = static_cast<std::uint32_t>(p->kernels_per_layer);
  FLEETLAB_RETURN_IF_ERROR(r.Integer32("kernels_per_layer", &kernels, Range::Between(1, 64)));
  p->kernels_per_layer = static_cast<int>(kernels);
  FLEETLAB_RETURN_IF_ERROR(ParseOptional(r, "matmul_ceiling", 1, Range{0, 1, true, false}, &p->matmul_ceiling));
  if (r.Has("matmul_ceiling_engines")) {
    FLEETLAB_RETURN_IF_ERROR(ReadStrings(r.Child("matmul_ceiling_engines"), "linear.matmul_ceiling_engines",
                                         &p->matmul_ceiling_engines));
  }
  return r.Finish();
}

Status ParseMoe(const json& v, CalibrationProfile* p) {
  FieldReader r(v, "moe");
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  FLEETLAB_RETURN_IF_ERROR(
      ReadNumbers(r.Child("tokens_per_expert"), r.PathOf("tokens_per_expert"), 1, &p->moe_matmul_efficiency.x));
  FLEETLAB_RETURN_IF_ERROR(
      ReadNumbers(r.Child("matmul_efficiency"), r.PathOf("matmul_efficiency"), 1, &p->moe_matmul_efficiency.y));
  FLEETLAB_RETURN_IF_ERROR(r.Number("weight_memory_efficiency", &p->moe_memory_efficiency, Range{0, 1, true, false}));
  double floor_us = p->moe_floor_s * 1e6;
  FLEETLAB_RETURN_IF_ERROR(r.Number("floor_us", &floor_us, Range::Between(0, 1000)));
  p->moe_floor_s = floor_us * 1e-6;
  return r.Finish();
}

// "tp2": {"bytes": [...], "us": [...]}, one per TP degree.
Status ParseAllReduce(const json& v, CalibrationProfile* p) {
  if (!v.is_object()) return Bad("all_reduce", "must be an object of \"tp<N>\" curves " + Got(v));
  for (const auto& [key, curve] : v.items()) {
    const std::string path = "all_reduce." + key;
    int tp = 0;
    if (key.size() < 3 || key.rfind("tp", 0) != 0 || key.find_first_not_of("0123456789", 2) != std::string::npos ||
        key.size() > 6 || (tp = std::stoi(key.substr(2))) < 2) {
      return Bad(path, "must be named tp<N>, N from 2 to 1024");
    }
    FieldReader r(curve, path);
    FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
    Curve c;
    c.linear_tail = true;
    FLEETLAB_RETURN_IF_ERROR(ReadNumbers(r.Child("bytes"), r.PathOf("bytes"), 1, &c.x));
    FLEETLAB_RETURN_IF_ERROR(ReadNumbers(r.Child("us"), r.PathOf("us"), 1e-6, &c.y));
    FLEETLAB_RETURN_IF_ERROR(r.Finish());
    p->all_reduce_s[tp] = std::move(c);
  }
  return Status::Ok();
}

Status ParseAttention(const json& v, CalibrationProfile* p) {
  FieldReader r(v, "attention");
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  const Range fraction{0, 1, true, false};
  FLEETLAB_RETURN_IF_ERROR(ParseOptional(r, "prefill_efficiency", 1, fraction, &p->attention_efficiency));
  FLEETLAB_RETURN_IF_ERROR(ParseOptional(r, "decode_memory_efficiency", 1, fraction, &p->kv_memory_efficiency));
  FLEETLAB_RETURN_IF_ERROR(ParseOptional(r, "prefill_floor_us", 1e-6, Range::Between(0, 1000), &p->prefill_attention_floor_s));
  FLEETLAB_RETURN_IF_ERROR(ParseOptional(r, "decode_floor_us", 1e-6, Range::Between(0, 1000), &p->decode_attention_floor_s));
  if (const json* by = r.Child("prefill_by_context")) {
    FieldReader c(*by, r.PathOf("prefill_by_context"));
    FLEETLAB_RETURN_IF_ERROR(c.CheckObject());
    FLEETLAB_RETURN_IF_ERROR(ReadNumbers(c.Child("context"), c.PathOf("context"), 1, &p->prefill_attention_efficiency.x));
    FLEETLAB_RETURN_IF_ERROR(
        ReadNumbers(c.Child("efficiency"), c.PathOf("efficiency"), 1, &p->prefill_attention_efficiency.y));
    FLEETLAB_RETURN_IF_ERROR(c.Finish());
  }
  return r.Finish();
}

Status ParseOverhead(const json& v, CalibrationProfile* p) {
  FieldReader r(v, "overhead");
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  FLEETLAB_RETURN_IF_ERROR(ParseOptional(r, "per_iteration_ms", 1e-3, Range::Between(0, 1e4), &p->iteration_overhead_s));
  FLEETLAB_RETURN_IF_ERROR(ParseOptional(r, "per_sequence_ms", 1e-3, Range::Between(0, 1e3), &p->sequence_overhead_s));
  return r.Finish();
}

Status ParseOverlap(const json& v, CalibrationProfile* p) {
  FieldReader r(v, "overlap");
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  FLEETLAB_RETURN_IF_ERROR(ParseOptional(r, "tp_all_reduce", 1, Range::Between(0, 1), &p->tp_overlap));
  return r.Finish();
}

Status ParseFit(const json& v, CalibrationProfile* p) {
  if (!v.is_array()) return Bad("fit", "must be a list " + Got(v));
  for (std::size_t i = 0; i < v.size(); ++i) {
    FieldReader r(v[i], fmt::format("fit[{}]", i));
    FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
    CalibrationFit f;
    std::uint32_t points = 0;
    FLEETLAB_RETURN_IF_ERROR(r.String("part", &f.part));
    FLEETLAB_RETURN_IF_ERROR(r.Integer32("points", &points, Range::Between(0, 1e9)));
    FLEETLAB_RETURN_IF_ERROR(r.Number("median_abs_error", &f.median_abs_error, Range::AtLeast(0)));
    FLEETLAB_RETURN_IF_ERROR(r.Number("worst_abs_error", &f.worst_abs_error, Range::AtLeast(0)));
    FLEETLAB_RETURN_IF_ERROR(r.Finish());
    f.points = static_cast<int>(points);
    p->fit.push_back(std::move(f));
  }
  return Status::Ok();
}

}  // namespace

Status ParseCalibrationFields(FieldReader& r, CalibrationProfile* p) {
  FLEETLAB_RETURN_IF_ERROR(r.String("id", &p->id));
  FLEETLAB_RETURN_IF_ERROR(r.String("name", &p->name));
  FLEETLAB_RETURN_IF_ERROR(r.String("gpu", &p->gpu));
  if (p->id.empty() || p->gpu.empty()) return Bad(p->id.empty() ? "id" : "gpu", "missing");
  std::string dtype = DTypeName(p->dtype);
  FLEETLAB_RETURN_IF_ERROR(r.String("dtype", &dtype));
  const auto parsed = ParseDType(dtype);
  if (!parsed) return Bad("dtype", fmt::format("unknown dtype \"{}\"", dtype));
  p->dtype = *parsed;
  FLEETLAB_RETURN_IF_ERROR(ReadStrings(r.Child("engines"), "engines", &p->engines));
  const json* linear = r.Child("linear");
  if (linear == nullptr) return Bad("linear", "missing (the linear layers' efficiencies)");
  FLEETLAB_RETURN_IF_ERROR(ParseLinear(*linear, p));
  if (const json* m = r.Child("moe")) FLEETLAB_RETURN_IF_ERROR(ParseMoe(*m, p));
  if (const json* a = r.Child("all_reduce")) FLEETLAB_RETURN_IF_ERROR(ParseAllReduce(*a, p));
  if (const json* a = r.Child("attention")) FLEETLAB_RETURN_IF_ERROR(ParseAttention(*a, p));
  if (const json* o = r.Child("overhead")) FLEETLAB_RETURN_IF_ERROR(ParseOverhead(*o, p));
  if (const json* o = r.Child("overlap")) FLEETLAB_RETURN_IF_ERROR(ParseOverlap(*o, p));
  if (const json* f = r.Child("fit")) FLEETLAB_RETURN_IF_ERROR(ParseFit(*f, p));
  return ValidateCalibration(*p);
}

}  // namespace fleetlab::catalog_internal
