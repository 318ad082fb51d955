// Parsing of a scenario's "disaggregation" object (a prefill pool and a
// decode pool joined by a KV link) into DisaggregationOptions. Errors name
// the field's path ("disaggregation.decode.replica.tp: ...").
#pragma once

#include <nlohmann/json.hpp>

#include "fleetlab/fleet/disaggregation_options.h"
#include "fleetlab/llm/catalog.h"
#include "fleetlab/scenario/scenario.h"
#include "fleetlab/status.h"

namespace fleetlab {

class FieldReader;

Result<DisaggregationOptions> ParseDisaggregation(const nlohmann::json& value, const Catalog& catalog);

// The scenario-level step: refuses "replica", "fleet" and "station" beside
// "disaggregation" (read from `top`, the root object's reader), loads the
// default catalog when `catalog` is null, and sets s->disaggregation.
Status ParseDisaggregationSection(const nlohmann::json& value, const FieldReader& top, const Catalog* catalog,
                                  Scenario* s);

}  // namespace fleetlab
