#pragma once

#include <CLI/CLI.hpp>

#include "cli/command.h"

namespace fleetlab::cli {

// `fleetlab compare RESULT.json --gpu G [--tp N]` or `--scenario SYSTEM.json`:
// simulates the workload of a `vllm bench serve --save-result` file and
// prints measured vs simulated per metric (docs/report.md).
void AddCompareCommand(CLI::App& app, CommandContext& ctx);

}  // namespace fleetlab::cli
