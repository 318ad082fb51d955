// Parsing of distribution objects, e.g. {"distribution": "gamma", "mean_ms": 10, "cv": 2}.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "fleetlab/random/distribution.h"
#include "fleetlab/status.h"

namespace fleetlab {

// Reads a distribution of times given in milliseconds and returns it in
// SECONDS. `path` names the object in error messages. Fields:
//   distribution  "exponential" | "deterministic" | "gamma" | "lognormal" | "uniform" | "empirical"
//   mean_ms       exponential, deterministic (the value), gamma, lognormal
//   cv            gamma, lognormal (> 0)
//   low_ms, high_ms   uniform
//   values_ms, weights   empirical (weights optional: equal weights)
// `allow_zero` permits a deterministic 0 (no time at all).
Result<Distribution> ParseTimeDistributionMs(const nlohmann::json& value, const std::string& path,
                                             bool allow_zero);

// Reads a distribution of token counts, with the same families and fields
// named without a unit suffix: mean, cv, low, high, values, weights. Values
// are returned as given (tokens); the caller rounds samples to integers.
Result<Distribution> ParseTokenDistribution(const nlohmann::json& value, const std::string& path);

}  // namespace fleetlab
