// GenAI-Perf's `profile_export_genai_perf.csv` (NVIDIA's benchmark client,
// perf_analyzer underneath) read as the vLLM benchmark result the rest of
// fleetlab compares against (vllm_bench.h): `fleetlab compare` and
// `fleetlab calibrate --bench` take either file.
//
// The CSV has a block of per-request distributions (header `Metric,avg,min,
// max,p99,p95,p90,p75,p50,p25[,p10,p5,p1]`; rows such as "Time To First
// Token (ms)", "Inter Token Latency (ms)", "Request Latency (ms)", "Input
// Sequence Length (tokens)") and a block of run totals (`Metric,Value`:
// "Output Token Throughput (per sec)", "Request Throughput (per sec)",
// "Request Count (count)"); numbers may be quoted with thousands separators
// ("5,919.16"); later blocks (GPU telemetry) are ignored. GenAI-Perf's
// inter-token latency is (request latency - TTFT) / (output tokens - 1) per
// request (docs.nvidia.com/nim/benchmarking/llm/latest/metrics.html): vLLM's
// TPOT, so it maps to *_tpot_ms.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "fleetlab/status.h"
#include "fleetlab/workload/vllm_bench.h"

namespace fleetlab {

// The load the CSV does not record: GenAI-Perf's --concurrency N (a closed
// loop of N users) or --request-rate R (open loop; perf_analyzer spaces the
// requests evenly unless --request-distribution poisson), and the request
// count when the CSV has no "Request Count" row.
struct GenAiPerfLoad {
  std::uint64_t concurrency = 0;  // 0: not given
  double request_rate = 0;        // 0: not given
  bool poisson = false;           // with request_rate: exponential gaps instead of even ones
  std::uint64_t requests = 0;     // 0: from the CSV
};

// "concurrency=16", "rate=4.5,distribution=poisson", "concurrency=8,requests=500".
// Errors name the key and what is allowed.
Result<GenAiPerfLoad> ParseGenAiPerfLoad(std::string_view spec);

// The result: requests, load, mean lengths (avg of the sequence-length
// rows) and metrics under vLLM's names (avg -> mean_*, p50 -> median_*,
// p90/p95/p99; request_throughput, output_throughput). REQUIRES nothing;
// errors name `name`, the line and what is missing or malformed. Exactly
// one of load.concurrency and load.request_rate must be set.
Result<VllmBenchResult> ParseGenAiPerfCsv(std::string_view text, const std::string& name, const GenAiPerfLoad& load);

}  // namespace fleetlab
