// Engine profiles (data/engines/<id>.json, data/README.md "Engine
// profiles"). Internal to the catalog loader (catalog.cc).
#pragma once

#include <string>

#include "fleetlab/llm/engine_spec.h"
#include "fleetlab/status.h"
#include "scenario/field_reader.h"

namespace fleetlab::catalog_internal {

// Reads every field of an engine file but its sources into `e`; errors are
// "<field>: <what is wrong>".
Status ParseEngineFields(FieldReader& r, EngineSpec* e);

// The names scenarios and engine files use for the profile's enums.
const char* BatchingPolicyName(BatchingPolicy p);
const char* CapacityPolicyName(CapacityPolicy p);
const char* MemoryCapacityName(MemoryCapacity c);
Status ReadBatchingPolicy(FieldReader& r, const char* key, BatchingPolicy* out);
Status ReadCapacityPolicy(FieldReader& r, const char* key, CapacityPolicy* out);
Status ReadMemoryCapacity(FieldReader& r, const char* key, MemoryCapacity* out);

}  // namespace fleetlab::catalog_internal
