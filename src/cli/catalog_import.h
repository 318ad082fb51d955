// `fleetlab catalog import-hf CONFIG.json [--name ID] [--source TEXT]
// [--out FILE]`: a catalog model file from a Hugging Face config.json
// (ImportHfConfig, llm/hf_import.h), checked by the catalog's own loader.
#pragma once

#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/command.h"

namespace fleetlab::cli {

struct ImportArgs {
  std::string config;  // the config.json path
  std::string name;    // the catalog id; empty: from the config
  std::string source;  // how the sources cite it; empty: "Hugging Face config.json (<path>)"
  std::string out;     // a file to write; empty: print
};

// Adds the "import-hf" subcommand to `catalog`; returns it.
CLI::App* AddImportSubcommand(CLI::App& catalog, const std::shared_ptr<ImportArgs>& args);

void RunImport(CommandContext& ctx, const ImportArgs& args);

}  // namespace fleetlab::cli
