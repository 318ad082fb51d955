#pragma once

#include <CLI/CLI.hpp>

#include "cli/command.h"

namespace fleetlab::cli {

// `fleetlab catalog [--json]` (the global --data overlays it) lists the models, GPUs, hosts and
// links of the catalog; `fleetlab catalog model|gpu|host|link ID` shows one
// with the source of every number. An unknown id or a catalog that fails to
// load exits 2 with the message on err.
void AddCatalogCommand(CLI::App& app, CommandContext& ctx);

}  // namespace fleetlab::cli
