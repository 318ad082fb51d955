// The report's figures under the names of vLLM's serving benchmark
// (`vllm bench serve --save-result`), beside fleetlab's own: a script that
// reads vLLM results reads fleetlab's the same way (docs/report.md).
#pragma once

#include <nlohmann/json.hpp>

#include "fleetlab/report.h"

namespace fleetlab {

// REQUIRES: r.llm. Latency statistics are null when !valid (an unstable run).
nlohmann::json VllmBenchJson(const Report& r, bool valid);

}  // namespace fleetlab
