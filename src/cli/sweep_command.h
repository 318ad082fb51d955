#pragma once

#include <CLI/CLI.hpp>

#include "cli/command.h"

namespace fleetlab::cli {

// `fleetlab sweep SWEEP.json [--out FILE.csv|FILE.json] [--threads N]`
// (under mpirun the ranks split the points; docs/sweep.md).
void AddSweepCommand(CLI::App& app, CommandContext& ctx);

}  // namespace fleetlab::cli
