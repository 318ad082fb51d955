#pragma once

#include <CLI/CLI.hpp>

#include "cli/command.h"

namespace fleetlab::cli {

// `fleetlab run [SCENARIO.json] [--set a.b=V]... [--json]`
void AddRunCommand(CLI::App& app, CommandContext& ctx);
// `fleetlab frontier [SCENARIO.json] --rates LOW:HIGH:N [--json|--csv] [--threads N]`
void AddFrontierCommand(CLI::App& app, CommandContext& ctx);

}  // namespace fleetlab::cli
