// `fleetlab tracks`: the lab's four tracks and their parts, and the engine's
// answer to each part's question.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/command.h"

namespace fleetlab::cli {

void AddTracksCommand(CLI::App& app, CommandContext& ctx);

}  // namespace fleetlab::cli
