#include "cli/memory_flag.h"

#include <fmt/format.h>

#include "fleetlab/run_estimate.h"

namespace fleetlab::cli {

void AddMaxMemoryFlag(CLI::App* cmd, std::string* value) {
  *value = "8G";
  cmd->add_option("--max-memory", *value,
                  "Refuse a run whose estimated memory is above this (bytes, or with K, M, G, T: powers of 1024); "
                  "runs at once on several threads share it. The estimate is docs/scenario.md, \"How big a run "
                  "may be\".")
      ->type_name("SIZE")
      ->capture_default_str();
}

Result<double> MemoryPerRun(const std::string& value, unsigned concurrent) {
  auto bytes = ParseMemorySize(value, "--max-memory");
  if (!bytes.ok()) return bytes.status();
  return *bytes / static_cast<double>(concurrent);
}

Status CheckRunMemory(const Scenario& s, const std::string& value, unsigned concurrent) {
  auto limit = MemoryPerRun(value, concurrent);
  if (!limit.ok()) return limit.status();
  const std::string name = concurrent > 1 ? fmt::format("--max-memory {} over {} runs at once", value, concurrent)
                                          : fmt::format("--max-memory {}", value);
  return CheckRunEstimate(s, *limit, name);
}

}  // namespace fleetlab::cli
