// Fitting a profile end to end, to measured runs simulated with it
// (validation.h). Host overheads: `vllm bench serve --save-result` files
// over a grid of per-iteration and per-sequence host times, the pair with
// the least median |error| over every compared metric (TTFT, TPOT, ITL,
// throughput). Matmul ceiling: measured prompt phases (prompt_phases.h) over
// a grid of ceilings. Neither changes the kernels' part of the profile.
#pragma once

#include <cstdint>
#include <vector>

#include "fleetlab/llm/calibration.h"
#include "fleetlab/llm/catalog.h"
#include "fleetlab/validation/validation.h"

namespace fleetlab::calibrate {

struct EndToEndOptions {
  // Candidate host times, ms. Widen them for an engine with a slow host
  // (vLLM 0.5 spends ~2 ms + 0.17 ms a sequence: Vidur's CPU profile).
  std::vector<double> per_iteration_ms = {0, 0.25, 0.5, 1, 2, 3, 4, 6, 8};
  std::vector<double> per_sequence_ms = {0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.4};
  std::uint64_t seed = 1;
};

// `runs` name the replica (model, gpu, tp, engine); each is run with
// replica.calibration = profile.id. Adds fit parts "end_to_end.<metric>" at
// the chosen overheads. Errors: no runs, a GPU or engine the catalog lacks,
// or no run that could be simulated (the first reason).
Result<CalibrationProfile> FitOverheads(const CalibrationProfile& profile, std::vector<ValidationPoint> runs,
                                        const Catalog& catalog, const EndToEndOptions& options);

struct CeilingOptions {
  // Candidate ceilings: from `lowest` up in steps of `step`, below the
  // curve's highest value (a ceiling at or above it changes nothing).
  double lowest = 0.2, step = 0.01;
  std::uint64_t seed = 1;
};

// Fits profile.matmul_ceiling to `runs` (PromptPhaseRuns: each compared on
// its mean TTFT): the candidate with the least mean |error|, the curve alone
// (no ceiling) being a candidate too, so a profile whose kernels already
// reproduce the phases keeps none. Adds fit part "end_to_end.prompt_phase"
// at the choice. Errors: no runs, or none that could be simulated.
Result<CalibrationProfile> FitMatmulCeiling(const CalibrationProfile& profile, std::vector<ValidationPoint> runs,
                                            const Catalog& catalog, const CeilingOptions& options);

}  // namespace fleetlab::calibrate
