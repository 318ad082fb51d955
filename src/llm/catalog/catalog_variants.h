// The optional decoder fields beyond dense GQA attention (data/README.md,
// "Attention variants and MoE"): MLA, sliding windows, dense first layers
// and shared experts. Internal to the catalog loader (catalog.cc).
#pragma once

#include "fleetlab/llm/catalog.h"
#include "fleetlab/status.h"
#include "util/field_reader.h"

namespace fleetlab::catalog_internal {

// Reads the optional fields into `m` and checks them against its shape
// (e.g. local_layers <= layers, MLA ranks all given together). Errors are
// "<field>: <what is wrong>".
Status ParseDecoderVariants(FieldReader& r, ModelSpec* m);

}  // namespace fleetlab::catalog_internal
