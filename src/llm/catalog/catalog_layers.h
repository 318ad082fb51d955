// Parsing of a "layers" model's layer list (data/README.md, "Layer kinds"):
// each layer's MACs, parameters and activations computed from its shape.
// Internal to the catalog loader (catalog.cc).
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "fleetlab/llm/catalog.h"
#include "fleetlab/status.h"

namespace fleetlab::catalog_internal {

// Reads `list` (the model file's "layers" array) into `out`. Errors name the
// field as "layers[i].<field>".
Status ParseLayerList(const nlohmann::json& list, std::vector<LayerSpec>* out);

}  // namespace fleetlab::catalog_internal
