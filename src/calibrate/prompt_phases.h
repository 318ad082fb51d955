// Measured prompt phases a calibration's matmul ceiling is fitted to
// (FitMatmulCeiling, end_to_end.h): Splitwise's iteration-time profile of
// real serving runs (Patel et al., ISCA 2024; Mutinifni/splitwise-sim
// data/perf_model.csv: model, hardware, tensor_parallel, prompt_size,
// batch_size, token_size, prompt_time and token_time in ms, several repeats
// of each). Pure functions of the file's text: the CLI reads it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetlab/status.h"
#include "fleetlab/validation/validation.h"

namespace fleetlab::calibrate {

// One prompt of `prompt_tokens` alone in the engine (batch 1), answered
// with `output_tokens`: its prompt phase took `prompt_ms` (the median of
// `repeats` measurements).
struct PromptPhase {
  std::int64_t prompt_tokens = 0, output_tokens = 0;
  double prompt_ms = 0;
  int repeats = 0;
};

// Which rows: the file's own names ("llama2-70b", "h100-80gb") and TP.
struct SplitwiseRows {
  std::string model, hardware;
  int tp = 1;
};

// The batch-1 rows of `rows`, one PromptPhase per (prompt, output) pair, in
// ascending order. Batched prompts are left out: on A100, where single
// prompts match the kernels within 10%, the engine ran b prompts 16-28%
// slower than one prompt of the same total length (docs/calibration.md).
// Errors: a missing column, a bad number (line and column), no such rows.
Result<std::vector<PromptPhase>> ReadSplitwisePromptPhases(const std::string& text, const SplitwiseRows& rows);

// Each phase as a measured run to simulate: one user sending `requests` of
// its fixed lengths, one at a time, on `replica` (the scenario's replica
// object), compared on mean_ttft_ms. Ids name the phase ("prompt 512 +
// 128").
std::vector<ValidationPoint> PromptPhaseRuns(const std::vector<PromptPhase>& phases, const nlohmann::json& replica,
                                             std::uint64_t requests = 4);

}  // namespace fleetlab::calibrate
