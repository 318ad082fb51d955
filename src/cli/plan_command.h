// `fleetlab plan` and `fleetlab memory`: the planner (planner/planner.h) on the
// command line.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/command.h"

namespace fleetlab::cli {

// `fleetlab plan --model M --gpu G [--gpus 8] [--prompt 512] [--output 256]
//  [--ttft-slo 50ms] [--tpot-slo 30ms] [--weight-dtype D] [--kv-dtype D]
//  [--tp-link L] [--pp-link L] [--json]`: every tp x pp split of the
// GPUs, best first, with one request's TTFT and TPOT (and the TTFT's
// parts), the users the KV cache holds, and the throughput and cost at
// saturation (simulated); splits that do not fit are listed with the
// reason. SLOs take a number with a unit, "ms" or "s". Bad input exits 2
// with "fleetlab: <message>" on err; so does a budget on which no split
// fits (after printing the splits and reasons).
void AddPlanCommand(CLI::App& app, CommandContext& ctx);

// `fleetlab memory --model M --gpu G --tp N [--pp 1] --context T
//  [--block-size 16] [--kv-dtype bf16] [--reservation max_length|
//  power_of_two|oracle] [--json]`: how many users fit under a contiguous
// and a paged KV cache, and why. A model whose weights do not fit exits 2
// with the refusal ("does not fit: weights need ... but one GPU offers ...").
void AddMemoryCommand(CLI::App& app, CommandContext& ctx);

}  // namespace fleetlab::cli
