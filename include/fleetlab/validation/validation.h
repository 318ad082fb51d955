// Validation against published serving measurements (`fleetlab validate`,
// docs/accuracy.md): each point of data/validation/points.json is a public
// benchmark run (engine, GPUs, model, workload, measured figures, source);
// it is simulated with the engine's profile and compared metric by metric.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetlab/status.h"
#include "fleetlab/workload/trace.h"
#include "fleetlab/workload/vllm_bench.h"

namespace fleetlab {

struct ValidationPoint {
  std::string id, source, engine, engine_version, profile, confidence;
  nlohmann::json replica;  // the scenario's "replica" object
  VllmBenchResult bench;   // the workload and the measured metrics, in vLLM's names
  // workload.dataset: the prompt and output lengths the benchmark sampled
  // from (a fleetlab CSV, path relative to the points file). Each run draws
  // bench.requests of its records without replacement (stream
  // validation_sample) and scales them so the sample's means are the
  // point's stated input_tokens and output_tokens: the dataset gives the
  // spread, the point its means. Null: every request has the mean lengths.
  std::shared_ptr<const std::vector<TraceRecord>> lengths;
  // workload.uniform: the benchmark drew each request's prompt and output
  // lengths uniformly from these inclusive token ranges (the "random"
  // dataset of vLLM's and InferenceX's benchmark clients with a range
  // ratio). Each run draws bench.requests pairs from stream
  // validation_sample, unscaled: the stated means lie inside the ranges.
  struct UniformLengths {
    std::int64_t input_lo = 0, input_hi = 0, output_lo = 0, output_hi = 0;
  };
  std::optional<UniformLengths> uniform;
};

// Reads {"points": [...]}; errors name the point and the field. A point's
// relative workload.dataset is read from `dir` (the points file's folder;
// empty: the working directory).
Result<std::vector<ValidationPoint>> ParseValidationPoints(const nlohmann::json& doc, const std::string& dir = "");

struct ValidationRow {
  std::string point, metric;
  double measured = 0, simulated = 0, error = 0;  // error = simulated / measured - 1
};

struct ValidationMetric {
  std::string metric;
  int points = 0;
  double mape = 0, median_abs_error = 0, worst_abs_error = 0;
  std::string worst_point;
};

struct ValidationOutcome {
  std::vector<ValidationRow> rows;
  std::vector<ValidationMetric> metrics;  // per metric, most points first
  double median_abs_error = 0, worst_abs_error = 0;  // over every row
  std::vector<std::string> refused;  // "<id>: why" for points that could not be simulated
};

// The point's workload, with bench.input_lens/output_lens drawn for `seed`
// from its `lengths` dataset (scaled to its stated means) or its `uniform`
// ranges (unchanged when it has neither).
VllmBenchResult WithLengths(const ValidationPoint& p, std::uint64_t seed);

// Simulates every point (seed `seed`) with `catalog` (null: the default
// catalog) and compares.
ValidationOutcome RunValidation(const std::vector<ValidationPoint>& points, std::uint64_t seed,
                                const class Catalog* catalog = nullptr);

nlohmann::json ValidationToJson(const ValidationOutcome& o);

}  // namespace fleetlab
