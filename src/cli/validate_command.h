#pragma once

#include <CLI/CLI.hpp>

#include "cli/command.h"

namespace fleetlab::cli {

// `fleetlab validate [--points FILE] [--only TEXT] [--json]`: simulates the
// published measurements of data/validation/points.json with their engine
// profiles and prints the error per point and metric (docs/accuracy.md).
void AddValidateCommand(CLI::App& app, CommandContext& ctx);

}  // namespace fleetlab::cli
