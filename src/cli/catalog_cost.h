// `fleetlab catalog cost`: EstimateInference (inference_cost.h) for one
// model on one device and split, from the command line.
#pragma once

#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/command.h"
#include "fleetlab/llm/catalog.h"

namespace fleetlab::cli {

struct CostArgs {
  std::string model, device, link, dtype = "int8";
  std::string calibration;  // a profile id; empty: the roofline's constants
  int batch = 1, tp = 1, pp = 1, first_layer = 0, last_layer = -1;
  std::int64_t tokens = 0, context = 0;
  double overhead_ms = 0;
};

// Adds the "cost" subcommand's options to `catalog`; returns it.
CLI::App* AddCostSubcommand(CLI::App& catalog, const std::shared_ptr<CostArgs>& args);

// Runs it on `c`; prints a table, or JSON when `json`.
void RunCost(CommandContext& ctx, const Catalog& c, const CostArgs& args, bool json);

}  // namespace fleetlab::cli
