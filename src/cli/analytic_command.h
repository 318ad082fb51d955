// `fleetlab analytic ...`: the closed-form formulas of fleetlab/analytic on
// the command line, one subcommand per model. Rates are per second, times are
// printed in milliseconds; --json prints one JSON object instead of a table
// (times as *_ms fields, +infinity as null).
#pragma once

#include "cli/command.h"

namespace CLI {
class App;
}  // namespace CLI

namespace fleetlab::cli {

// Adds `analytic` with its subcommands to `app`; running one prints its
// results to ctx.out (human-readable table, or JSON with --json) and sets
// ctx.exit_code (2 on invalid input, with a message to ctx.err naming the
// flag and the allowed range). Values CLI11 itself rejects (validators on
// each flag) surface as CLI::ParseError from app.parse, for the caller.
void AddAnalyticCommand(CLI::App& app, CommandContext& ctx);

}  // namespace fleetlab::cli
