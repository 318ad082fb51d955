#include "calibrate/end_to_end.h"

#include <limits>

#include "calibrate/fit.h"

namespace fleetlab::calibrate {
namespace {

// The validation of `runs` with `p` at these overheads.
Result<ValidationOutcome> Try(CalibrationProfile p, double iteration_ms, double sequence_ms,
                              const std::vector<ValidationPoint>& runs, const Catalog& base, std::uint64_t seed) {
  p.iteration_overhead_s = iteration_ms / 1e3;
  p.sequence_overhead_s = sequence_ms / 1e3;
  Catalog catalog = base;
  FLEETLAB_RETURN_IF_ERROR(catalog.AddCalibration(p));
  ValidationOutcome o = RunValidation(runs, seed, &catalog);
  if (o.rows.empty()) {
    return Status::InvalidArgument(o.refused.empty() ? "no metric to compare in the runs" : o.refused.front());
  }
  return o;
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
      auto o = Try(profile, it, seq, runs, catalog, options.seed);
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

}  // namespace fleetlab::calibrate
