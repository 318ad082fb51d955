// The benchmarks' main: Google Benchmark's, after the heap advice the CLI
// takes too (fleetlab/util/huge_page_heap.h), so a benchmark measures what a
// `fleetlab run` gets.
#include <benchmark/benchmark.h>

#include "fleetlab/util/huge_page_heap.h"

int main(int argc, char** argv) {
  fleetlab::AdviseHugePageHeap();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
