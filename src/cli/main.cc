// fleetlab: the command-line edge. Parses flags, calls the library, prints.
#include <cstdlib>
#include <iostream>
#include <new>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/analytic_command.h"
#include "cli/capacity_command.h"
#include "cli/catalog_command.h"
#include "cli/compare_command.h"
#include "cli/calibrate_command.h"
#include "cli/validate_command.h"
#include "cli/command.h"
#include "cli/lab_command.h"
#include "cli/plan_command.h"
#include "cli/run_command.h"
#include "cli/size_command.h"
#include "cli/tracks_command.h"
#include "fleetlab/util/huge_page_heap.h"
#include "fleetlab/version.h"
#include "cli/sweep_command.h"

int main(int argc, char** argv) {
  fleetlab::AdviseHugePageHeap();  // before anything large is allocated
  CLI::App app{"fleetlab: a fast, honest simulator of LLM serving fleets, with its analytic twin."};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("fleetlab ") + fleetlab::kVersion);
  // --data DIR (repeatable) lays catalog folders over the built-in data/ for
  // every command, after those of FLEETLAB_DATA (Catalog::LoadDefault). It is
  // accepted before or after the subcommand.
  app.fallthrough();
  app.add_option_function<std::vector<std::string>>(
         "--data",
         [](const std::vector<std::string>& dirs) {
           std::string list = std::getenv("FLEETLAB_DATA") != nullptr ? std::getenv("FLEETLAB_DATA") : "";
           for (const auto& d : dirs) list += (list.empty() ? "" : ":") + d;
           setenv("FLEETLAB_DATA", list.c_str(), 1);
         },
         "Catalog folder (with any of models/, gpus/, hosts/, links/) laid over the built-in data/: an entry with a "
         "built-in id replaces it, a new one is added. Repeatable; after those in FLEETLAB_DATA (':'-separated).")
      ->type_name("DIR")
      ->check(CLI::ExistingDirectory);
  fleetlab::cli::CommandContext ctx{std::cout, std::cerr};
  fleetlab::cli::AddRunCommand(app, ctx);
  fleetlab::cli::AddFrontierCommand(app, ctx);
  fleetlab::cli::AddAnalyticCommand(app, ctx);
  fleetlab::cli::AddCatalogCommand(app, ctx);
  fleetlab::cli::AddPlanCommand(app, ctx);
  fleetlab::cli::AddMemoryCommand(app, ctx);
  fleetlab::cli::AddTracksCommand(app, ctx);
  fleetlab::cli::AddSweepCommand(app, ctx);
  fleetlab::cli::AddCapacityCommand(app, ctx);
  fleetlab::cli::AddSizeCommand(app, ctx);
  fleetlab::cli::AddCompareCommand(app, ctx);
  fleetlab::cli::AddValidateCommand(app, ctx);
  fleetlab::cli::AddCalibrateCommand(app, ctx);
  fleetlab::cli::AddLabCommand(app, ctx);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  } catch (const std::bad_alloc&) {
    // What the estimates (--max-memory, docs/scenario.md) did not foresee:
    // said plainly, not an abort.
    std::cerr << "fleetlab: out of memory; lower the run's size (workload.requests, fleet.replicas, ...)\n";
    return 3;
  }
  return ctx.exit_code;
}
