// Fitting a profile's host overheads end to end: simulate measured serving
// runs (`vllm bench serve --save-result` files, as validation points) with
// the profile over a grid of per-iteration and per-sequence host times and
// keep the pair with the least median |error| over every compared metric
// (TTFT, TPOT, ITL, throughput; validation.h). The kernels' part of the
// profile is not changed.
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

}  // namespace fleetlab::calibrate
