// A measured serving run as `compare` and `calibrate --bench` take it: a
// `vllm bench serve --save-result` JSON file, or GenAI-Perf's
// profile_export_genai_perf.csv with the load it ran at after a '#':
// "run.csv#concurrency=16", "run.csv#rate=4,distribution=poisson"
// (fleetlab/workload/genai_perf.h).
#pragma once

#include <string>

#include "fleetlab/status.h"
#include "fleetlab/workload/vllm_bench.h"

namespace fleetlab::cli {

// `arg` names the file (and for a .csv its load); errors name it.
Result<VllmBenchResult> ReadBenchFile(const std::string& arg);

// The file part of `arg` (before a .csv's '#').
std::string BenchFilePath(const std::string& arg);

}  // namespace fleetlab::cli
