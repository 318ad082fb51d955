// Parsing of a scenario's "replica" object into ReplicaOptions, resolving
// catalog ids (model, GPU, links, host, draft) to their specs.
#pragma once

#include <nlohmann/json.hpp>

#include "fleetlab/llm/catalog.h"
#include "fleetlab/llm/replica_options.h"
#include "fleetlab/status.h"

namespace fleetlab {

Result<ReplicaOptions> ParseReplica(const nlohmann::json& value, const Catalog& catalog);

}  // namespace fleetlab
