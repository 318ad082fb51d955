#pragma once

#include <CLI/CLI.hpp>

#include "cli/command.h"

namespace fleetlab::cli {

// `fleetlab capacity CAPACITY.json [--json] [--threads N]` (docs/sweep.md).
void AddCapacityCommand(CLI::App& app, CommandContext& ctx);

}  // namespace fleetlab::cli
