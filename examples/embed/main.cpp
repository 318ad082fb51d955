// Embedding fleetlab: run a shipped scenario through the installed library
// and print its P99 time to first token and its throughput (make example).
#include <cstdio>
#include <string>

#include "fleetlab/fleetlab.h"

int main(int argc, char** argv) {
  const std::string share = FLEETLAB_SHARE;  // find_package(fleetlab)'s fleetlab_SHARE_DIR
  auto catalog = fleetlab::LoadCatalog(share + "/data");
  const std::string path = argc > 1 ? argv[1] : share + "/scenarios/llama3-70b-h100.json";
  auto scenario = catalog.ok() ? fleetlab::LoadScenarioFile(path, {.catalog = &*catalog}) : catalog.status();
  auto report = scenario.ok() ? fleetlab::Run(*scenario) : scenario.status();
  if (!report.ok()) return std::fprintf(stderr, "%s\n", report.status().message().c_str()), 1;
  if (!report->llm || !report->stable) return std::fprintf(stderr, "%s: no stable LLM report\n", path.c_str()), 1;
  std::printf("%s: p99 TTFT %.10g ms, throughput %.10g req/s, %.10g output tokens/s\n", report->scenario.c_str(),
              report->llm->ttft_ms.p99, report->throughput_rps, report->llm->output_tokens_per_s);
}
