// The charts of `sweep --html` and `size --html`: which fields go on which
// axes (report/charts_page.h draws them).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "fleetlab/sweep/sweep.h"

namespace fleetlab::cli {

// A sweep's rows (RowsAsObjects): cost per 1M output tokens vs P99 TTFT and
// vs P99 TPOT, and output tokens/s vs P99 TTFT (LLM sweeps); throughput vs
// P99 end-to-end latency (others).
std::string SweepHtml(const std::string& name, const SweepSpec& spec, const nlohmann::json& rows);

// A sizing result (SizingToJson): every fleet found, $/hour vs the TTFT and
// TPOT statistic, and $ per 1M output tokens vs the TTFT statistic.
std::string SizingHtml(const nlohmann::json& result);

}  // namespace fleetlab::cli
