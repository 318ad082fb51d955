// The report's figures under the names of vLLM's serving benchmark
// (`vllm bench serve --save-result`), beside fleetlab's own: a script that
// reads vLLM results reads fleetlab's the same way (docs/report.md).
#pragma once

#include <nlohmann/json.hpp>

#include "fleetlab/report.h"

namespace fleetlab {

// REQUIRES: r.llm. Benchmark-style, as vLLM reports them: rates over the
// whole run (drain included), latency statistics whatever the stability
// verdict (a benchmark at rate inf is a burst that drains).
nlohmann::json VllmBenchJson(const Report& r);

}  // namespace fleetlab
