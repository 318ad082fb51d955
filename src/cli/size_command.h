#pragma once

#include <CLI/CLI.hpp>

#include "cli/command.h"

namespace fleetlab::cli {

// `fleetlab size [SIZING.json] --model M --gpu G --rate R --ttft-ms X ...`:
// the cheapest fleets that serve a rate within SLOs (docs/sweep.md "Sizing").
void AddSizeCommand(CLI::App& app, CommandContext& ctx);

}  // namespace fleetlab::cli
