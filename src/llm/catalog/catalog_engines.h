// Engine profiles (data/engines/<id>.json, data/README.md "Engine
// profiles"). Internal to the catalog loader (catalog.cc).
#pragma once

#include <string>

#include "fleetlab/llm/engine_spec.h"
#include "fleetlab/status.h"
#include "util/field_reader.h"

namespace fleetlab::catalog_internal {

// Reads every field of an engine file but its sources into `e`; errors are
// "<field>: <what is wrong>".
Status ParseEngineFields(FieldReader& r, EngineSpec* e);

}  // namespace fleetlab::catalog_internal
