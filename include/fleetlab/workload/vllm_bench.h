// A `vllm bench serve --save-result` file (vLLM's benchmark_serving.py): the
// workload it measured, as a fleetlab scenario workload, and its metrics
// beside a simulation's (`fleetlab compare`, docs/report.md "Comparing with
// vLLM's benchmark").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetlab/status.h"

namespace fleetlab {

struct VllmBenchResult {
  std::string model_id;             // e.g. "meta-llama/Llama-3.1-8B-Instruct"
  std::uint64_t requests = 0;       // num_prompts (or completed + failed)
  double request_rate = 0;          // 0: "inf" (every request at once)
  double burstiness = 1;            // gamma shape of the gaps: CV = 1 / sqrt(burstiness)
  std::uint64_t max_concurrency = 0;  // 0: none
  // Per request, in order, when saved (--save-detailed; older vLLMs always):
  std::vector<std::int64_t> input_lens, output_lens;
  double mean_input_tokens = 0, mean_output_tokens = 0;  // from the totals otherwise
  nlohmann::json metrics;  // every numeric field of the file (request_throughput, mean_ttft_ms, ...)
};

// Reads the fields above; errors name the field and what is allowed.
Result<VllmBenchResult> ParseVllmBenchResult(const nlohmann::json& doc);

// The scenario workload that reproduces the benchmark's load: the same
// number of requests, none of them warm-up; a finite rate as a gamma (or
// Poisson) arrival process with vLLM's burstiness, replayed as an inline
// trace whose gaps are drawn from stream "compare_arrivals" of `seed` so
// that each request keeps its own input and output lengths; an infinite
// rate as every request at once, or with max_concurrency as a closed loop of
// that many users (lengths drawn from the measured ones, empirically).
// Lengths: the saved per-request ones, else the mean lengths (fixed).
nlohmann::json VllmWorkload(const VllmBenchResult& r, std::uint64_t seed);

// One row per metric the file and the report's vllm_bench both have:
// {"metric", "measured", "simulated", "error"} with error = simulated /
// measured - 1 (null when measured is 0).
nlohmann::json CompareWithVllm(const VllmBenchResult& r, const nlohmann::json& report);

// Notes on what the simulation cannot reproduce (an open loop with a
// concurrency cap), for the command to print.
std::vector<std::string> VllmWorkloadNotes(const VllmBenchResult& r);

}  // namespace fleetlab
