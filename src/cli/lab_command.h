// `fleetlab lab`: the lab server (server/lab_server.h) on the command line.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/command.h"

namespace fleetlab::cli {

// `fleetlab lab [--host 127.0.0.1] [--port 8080] [--static DIR] [--tracks DIR]
//  [--workers N] [--queue N] [--max-body BYTES] [--class CODE ...]`: serves
// the front end and the JSON API (docs/api.md), prints "fleetlab lab:
// serving http://HOST:PORT" (with --class, then how students join and the
// instructor page's link with its token) and runs until SIGINT or SIGTERM.
// A port that cannot be bound, a malformed track file or a class database
// that cannot be opened exits 2 with the reason.
//
// The classroom is a flag of `lab`, not a command of its own: the class
// server is the lab server (students on it need no address, the same
// Host/Origin guards, connection limits and --allow-host apply), and the
// instructor's "engine answer" comes from its engine.
void AddLabCommand(CLI::App& app, CommandContext& ctx);

}  // namespace fleetlab::cli
