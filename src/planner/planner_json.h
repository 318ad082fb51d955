// The planner's results as JSON: what `fleetlab plan --json` and `fleetlab
// memory --json` print and what the lab server's /plan and /memory return
// (docs/api.md). Field order is kept as written (ordered_json).
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "planner/planner.h"

namespace fleetlab {

// One object per configuration, in the given order (PlanSplits: best
// first): replicas, tp, pp, the fields the lab reads (fits, reason, ttft_ms,
// tpot_ms, ...) as they always were, then gpus, usd_per_hour and, with a
// rate, p99_tpot_ms_at_rate, goodput_rps and goodput_per_usd (null without).
// with_pools (PlanRequest::search_disaggregation): each row also says its
// kind, "disaggregated" (bool), and its pools, "prefill_replicas",
// "prefill_tp", "decode_replicas", "decode_tp" (null on a replica fleet); a
// disaggregated row holds 0 in replicas, tp and pp, its roofline figures
// as SplitPlan says, and null saturation figures (users_simulated through
// usd_per_million_output_tokens). Without it the rows are as they always were.
nlohmann::ordered_json PlanToJson(const std::vector<SplitPlan>& plans, bool with_pools = false);

// The request's settings and the memory report's figures (GB = 1e9 bytes).
nlohmann::ordered_json MemoryToJson(const MemoryRequest& request, const MemoryReport& report);

// "max_length", "power_of_two" or "oracle"; ParseReservation is its inverse
// (false for an unknown name).
const char* ReservationName(ReservationPolicy policy);
bool ParseReservation(const std::string& name, ReservationPolicy* policy);

}  // namespace fleetlab
