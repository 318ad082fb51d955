// `fleetlab lab`: the lab server (server/lab_server.h) on the command line.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/command.h"

namespace fleetlab::cli {

// `fleetlab lab [--host 127.0.0.1] [--port 8080] [--static DIR] [--tracks DIR]
//  [--workers N] [--queue N] [--max-body BYTES]`: serves the front end and
// the JSON API (docs/api.md), prints "fleetlab lab: serving http://HOST:PORT"
// and runs until SIGINT or SIGTERM. A port that cannot be bound or a
// malformed track file exits 2 with the reason.
void AddLabCommand(CLI::App& app, CommandContext& ctx);

}  // namespace fleetlab::cli
