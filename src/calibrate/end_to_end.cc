#include "calibrate/end_to_end.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

#include "calibrate/fit.h"

namespace fleetlab::calibrate {
namespace {

// The validation of `runs` with `p`.
Result<ValidationOutcome> Try(const CalibrationProfile& p, const std::vector<ValidationPoint>& runs,
                              const Catalog& base, std::uint64_t seed) {
  Catalog catalog = base;
  FLEETLAB_RETURN_IF_ERROR(catalog.AddCalibration(p));
  ValidationOutcome o = RunValidation(runs, seed, &catalog);
  if (o.rows.empty()) {
    return Status::InvalidArgument(o.refused.empty() ? "no metric to compare in the runs" : o.refused.front());
  }
  return o;
}

double MeanAbsError(const ValidationOutcome& o) {
  double sum = 0;
  for (const ValidationRow& r : o.rows) sum += std::abs(r.error);
  return sum / static_cast<double>(o.rows.size());  // Try refuses an outcome without rows
}

}  // namespace

Result<CalibrationProfile> FitOverheads(const CalibrationProfile& profile, std::vector<ValidationPoint> runs,
                                        const Catalog& catalog, const EndToEndOptions& options) {
  if (runs.empty()) return Status::InvalidArgument("no measured runs to fit the host overheads to");
  for (ValidationPoint& r : runs) r.replica["calibration"] = profile.id;
  double best = std::numeric_limits<double>::infinity(), best_iteration = 0, best_sequence = 0;
  ValidationOutcome best_outcome;
  for (double it : options.per_iteration_ms) {
    for (double seq : options.per_sequence_ms) {
      CalibrationProfile p = profile;
      p.iteration_overhead_s = it / 1e3;
      p.sequence_overhead_s = seq / 1e3;
      auto o = Try(p, runs, catalog, options.seed);
      if (!o.ok()) return o.status();
      if (o->median_abs_error < best) best = o->median_abs_error, best_iteration = it, best_sequence = seq, best_outcome = *o;
    }
  }
  CalibrationProfile out = profile;
  out.iteration_overhead_s = best_iteration / 1e3;
  out.sequence_overhead_s = best_sequence / 1e3;
  for (const ValidationMetric& m : best_outcome.metrics) {
    out.fit.push_back({"end_to_end." + m.metric, m.points, m.median_abs_error, m.worst_abs_error});
  }
  return out;
}

Result<CalibrationProfile> FitMatmulCeiling(const CalibrationProfile& profile, std::vector<ValidationPoint> runs,
                                            const Catalog& catalog, const CeilingOptions& options) {
  assert(options.lowest > 0 && options.step > 0);
  if (runs.empty()) return Status::InvalidArgument("no measured prompt phases to fit the matmul ceiling to");
  for (ValidationPoint& r : runs) r.replica["calibration"] = profile.id;
  const std::vector<double>& y = profile.matmul_efficiency.y;
  const double top = y.empty() ? 1.0 : *std::max_element(y.begin(), y.end());
  CalibrationProfile best = profile;
  best.matmul_ceiling.reset();
  auto best_outcome = Try(best, runs, catalog, options.seed);
  if (!best_outcome.ok()) return best_outcome.status();
  double best_error = MeanAbsError(*best_outcome);
  for (int k = 0; options.lowest + k * options.step < top; ++k) {
    CalibrationProfile p = profile;
    p.matmul_ceiling = options.lowest + k * options.step;
    auto o = Try(p, runs, catalog, options.seed);
    if (!o.ok()) return o.status();
    const double error = MeanAbsError(*o);
    if (error < best_error) best = std::move(p), best_outcome = std::move(o), best_error = error;
  }
  for (const ValidationMetric& m : best_outcome->metrics) {
    best.fit.push_back({"end_to_end.prompt_phase", m.points, m.median_abs_error, m.worst_abs_error});
  }
  return best;
}

}  // namespace fleetlab::calibrate
