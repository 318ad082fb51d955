#include "cli/analytic_command.h"

#include "cli/analytic_support.h"

namespace fleetlab::cli {

void AddAnalyticCommand(CLI::App& app, CommandContext& ctx) {
  CLI::App* analytic = app.add_subcommand(
      "analytic",
      "Closed-form queueing and serving formulas (the analytic twin); rates 1/s, times ms");
  analytic->require_subcommand(1);
  analytic_cli::AddQueues(analytic, ctx);
  analytic_cli::AddBatch(analytic, ctx);
  analytic_cli::AddOthers(analytic, ctx);
}

}  // namespace fleetlab::cli
