#pragma once

#include <CLI/CLI.hpp>

#include "cli/command.h"

namespace fleetlab::cli {

// `fleetlab calibrate --gpu ID [kernel files] [--bench FILE ...] -o FILE`:
// fits a calibration profile (docs/calibration.md) from kernel timings
// (Vidur's mlp.csv and all_reduce.csv, gpu_calibrate.py's JSON) and, given
// measured serving runs (`vllm bench serve --save-result`), its host
// overheads end to end; prints the fit error per part and writes the
// profile as data/calibration reads it.
void AddCalibrateCommand(CLI::App& app, CommandContext& ctx);

}  // namespace fleetlab::cli
