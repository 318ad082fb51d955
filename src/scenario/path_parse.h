// Parsing of a scenario's "path" (links, pools, fan-outs) and "deadline"
// objects. Errors name the full path ("path.stages[2].fanout.need: ...").
#pragma once

#include <nlohmann/json.hpp>

#include "fleetlab/llm/catalog.h"
#include "fleetlab/scenario/scenario.h"
#include "fleetlab/status.h"

namespace fleetlab {

// Fills s->path. `catalog` resolves link and device ids (nullptr: the
// default catalog, loaded only if an id is used).
Status ParsePathSection(const nlohmann::json& value, const Catalog* catalog, Scenario* s);
Status ParseDeadline(const nlohmann::json& value, Scenario* s);

}  // namespace fleetlab
