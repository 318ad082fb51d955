// The sizing result (SizingToJson) for people: a table of the fleets found.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace fleetlab::cli {

// The listed fleets, cheapest first, and how the search went.
std::string SizingText(const nlohmann::json& result, double wall_s);

}  // namespace fleetlab::cli
