// Calibration profiles (calibration.h): the curve, the engine match and the
// range checks every profile passes, loaded or fitted.
#include "fleetlab/llm/calibration.h"

#include <algorithm>
#include <cassert>
#include <cmath>

#include <fmt/format.h>

namespace fleetlab {

double Curve::At(double v) const {
  assert(!x.empty() && x.size() == y.size());
  if (v <= x.front() || x.size() == 1) return y.front();
  if (v >= x.back() && !linear_tail) return y.back();
  const auto hi = std::upper_bound(x.begin(), x.end(), v);
  const std::size_t i = hi == x.end() ? x.size() - 1 : static_cast<std::size_t>(hi - x.begin());
  const double x0 = x[i - 1], x1 = x[i], y0 = y[i - 1], y1 = y[i];
  const double at = y0 + (y1 - y0) * (v - x0) / (x1 - x0);
  return hi == x.end() ? std::max(at, y.back()) : at;
}

bool CalibrationProfile::Serves(const std::string& engine) const {
  return std::find(engines.begin(), engines.end(), engine) != engines.end();
}

bool CalibrationProfile::CeilingHoldsFor(const std::string& engine) const {
  const auto& on = matmul_ceiling_engines;
  return on.empty() || std::find(on.begin(), on.end(), engine) != on.end();
}

std::shared_ptr<const CalibrationProfile> ProfileForEngine(const CalibrationProfile& p, const std::string& engine) {
  auto copy = std::make_shared<CalibrationProfile>(p);
  if (!copy->CeilingHoldsFor(engine)) copy->matmul_ceiling.reset();
  return copy;
}

std::shared_ptr<const CalibrationProfile> ProfileAsServed(const CalibrationProfile& p) {
  return ProfileForEngine(p, p.engines.empty() ? std::string() : p.engines.front());
}

namespace {

Status Bad(const std::string& field, const std::string& message) {
  return Status::InvalidArgument(fmt::format("{}: {}", field, message));
}

// Points strictly increasing in x, each y in (0, y_max] (y_max <= 0: any
// y > 0).
Status CheckCurve(const Curve& c, const std::string& field, double y_max) {
  if (c.x.empty() || c.x.size() != c.y.size()) {
    return Bad(field, fmt::format("needs as many y as x values, at least one (got {} and {})", c.x.size(), c.y.size()));
  }
  for (std::size_t i = 0; i < c.x.size(); ++i) {
    if (!(c.x[i] > 0) || !std::isfinite(c.x[i])) return Bad(fmt::format("{}.x[{}]", field, i), fmt::format("must be > 0 (got {})", c.x[i]));
    if (i > 0 && !(c.x[i] > c.x[i - 1])) {
      return Bad(fmt::format("{}.x[{}]", field, i), fmt::format("must be above the one before ({} after {})", c.x[i], c.x[i - 1]));
    }
    const bool ok = c.y[i] > 0 && std::isfinite(c.y[i]) && (y_max <= 0 || c.y[i] <= y_max);
    if (!ok) {
      return Bad(fmt::format("{}.y[{}]", field, i),
                 fmt::format("must be {} (got {})", y_max > 0 ? fmt::format("in (0, {}]", y_max) : "> 0", c.y[i]));
    }
  }
  return Status::Ok();
}

Status CheckFraction(const std::optional<double>& v, const char* field) {
  if (!v || (*v > 0 && *v <= 1)) return Status::Ok();
  return Bad(field, fmt::format("must be in (0, 1] (got {})", *v));
}

Status CheckSeconds(const std::optional<double>& v, const char* field, double max_s) {
  if (!v || (*v >= 0 && *v <= max_s)) return Status::Ok();
  return Bad(field, fmt::format("must be between 0 and {} s (got {})", max_s, *v));
}

}  // namespace

Status ValidateCalibration(const CalibrationProfile& p) {
  FLEETLAB_RETURN_IF_ERROR(CheckCurve(p.matmul_efficiency, "linear.matmul_efficiency", 1.0));
  FLEETLAB_RETURN_IF_ERROR(CheckFraction(p.weight_memory_efficiency, "linear.weight_memory_efficiency"));
  FLEETLAB_RETURN_IF_ERROR(CheckFraction(p.matmul_ceiling, "linear.matmul_ceiling"));
  for (const std::string& e : p.matmul_ceiling_engines) {
    if (!p.Serves(e)) return Bad("linear.matmul_ceiling_engines", fmt::format("\"{}\" is not one of the profile's engines", e));
  }
  FLEETLAB_RETURN_IF_ERROR(CheckSeconds(p.kernel_floor_s, "linear.kernel_floor_us", 1e-3));
  if (p.HasMoe()) {
    FLEETLAB_RETURN_IF_ERROR(CheckCurve(p.moe_matmul_efficiency, "moe.matmul_efficiency", 1.0));
    FLEETLAB_RETURN_IF_ERROR(CheckFraction(p.moe_memory_efficiency, "moe.weight_memory_efficiency"));
    FLEETLAB_RETURN_IF_ERROR(CheckSeconds(p.moe_floor_s, "moe.floor_us", 1e-3));
  }
  if (p.kernels_per_layer < 1 || p.kernels_per_layer > 64) {
    return Bad("linear.kernels_per_layer", fmt::format("must be between 1 and 64 (got {})", p.kernels_per_layer));
  }
  for (const auto& [tp, curve] : p.all_reduce_s) {
    if (tp < 2 || tp > 1024) return Bad("all_reduce", fmt::format("TP degree must be between 2 and 1024 (got {})", tp));
    FLEETLAB_RETURN_IF_ERROR(CheckCurve(curve, fmt::format("all_reduce.tp{}", tp), 1.0));
  }
  FLEETLAB_RETURN_IF_ERROR(CheckFraction(p.attention_efficiency, "attention.prefill_efficiency"));
  FLEETLAB_RETURN_IF_ERROR(CheckFraction(p.kv_memory_efficiency, "attention.decode_memory_efficiency"));
  FLEETLAB_RETURN_IF_ERROR(CheckSeconds(p.prefill_attention_floor_s, "attention.prefill_floor_us", 1e-3));
  if (!p.prefill_attention_efficiency.empty()) {
    FLEETLAB_RETURN_IF_ERROR(CheckCurve(p.prefill_attention_efficiency, "attention.prefill_by_context", 1.0));
  }
  FLEETLAB_RETURN_IF_ERROR(CheckSeconds(p.decode_attention_floor_s, "attention.decode_floor_us", 1e-3));
  FLEETLAB_RETURN_IF_ERROR(CheckSeconds(p.iteration_overhead_s, "overhead.per_iteration_ms", 10.0));
  FLEETLAB_RETURN_IF_ERROR(CheckSeconds(p.sequence_overhead_s, "overhead.per_sequence_ms", 1.0));
  if (p.tp_overlap && !(*p.tp_overlap >= 0 && *p.tp_overlap <= 1)) {
    return Bad("overlap.tp_all_reduce", fmt::format("must be in [0, 1] (got {})", *p.tp_overlap));
  }
  return Status::Ok();
}

}  // namespace fleetlab
