// Rendering of the LLM part of a report (called by render.cc).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "fleetlab/llm/llm_report.h"

namespace fleetlab {

nlohmann::json SummaryJson(const Summary& s, bool valid);

// Adds the LLM fields to the report object `out` (see docs/report.md);
// `series` adds the time series and the KV heatmap (large).
void AddLlmJson(const LlmReport& r, bool valid, bool series, nlohmann::json* out);

// The LLM lines of the text report.
std::string LlmText(const LlmReport& r, bool valid);

}  // namespace fleetlab
