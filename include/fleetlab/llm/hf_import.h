// A catalog model file from a Hugging Face config.json (data/README.md,
// "Importing a Hugging Face config"): dense and GQA decoders, MoE (Mixtral,
// Qwen3-MoE, gpt-oss, DeepSeek with shared experts and dense first layers),
// MLA (DeepSeek-V2/V3) and sliding-window layers. Every number it writes
// cites the config key it came from; a config it cannot represent is refused
// with the key at fault, never approximated.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "fleetlab/status.h"

namespace fleetlab {

struct HfImportOptions {
  std::string id;      // the catalog id; empty: derived from _name_or_path or model_type
  std::string source;  // how sources cite the file, e.g. "Hugging Face deepseek-ai/DeepSeek-V3 config.json"
};

// The model file's JSON object, ready for data/models/<id>.json (or a
// --data overlay). Errors name the config key: "num_hidden_layers: missing".
Result<nlohmann::json> ImportHfConfig(const nlohmann::json& config, const HfImportOptions& options);

}  // namespace fleetlab
