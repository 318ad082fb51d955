// Speed of EstimateInference, which the track scenarios call per sub-model
// and split on every slider move: ViT-L/16 (24 layers) split over two Orins,
// and the 6-layer RNNoise on the earbud MCU; and Llama-3-8B on an L4, one
// decode step (which builds the replica's roofline) and a station's table
// of 64 batch sizes (which builds it once).
#include <benchmark/benchmark.h>

#include "fleetlab/llm/catalog.h"
#include "fleetlab/llm/inference_cost.h"

namespace fleetlab {
namespace {

void Run(benchmark::State& state, const char* model_id, const char* device_id, int pp, std::int64_t tokens = 0,
         std::int64_t context = 0) {
  const Catalog catalog = *Catalog::LoadDefault();
  const ModelSpec& model = *catalog.FindModel(model_id);
  const GpuSpec& device = *catalog.FindGpu(device_id);
  const LinkSpec* link = catalog.FindLink(device.scale_up_link);
  InferenceShape shape;
  shape.batch = 4;
  shape.pp = pp;
  shape.tokens = tokens;
  shape.context = context;
  for (auto _ : state) {
    auto cost = EstimateInference(model, device, link, shape, PerfEfficiency{});
    benchmark::DoNotOptimize(cost);
  }
}

void BM_VitL16TwoOrins(benchmark::State& state) { Run(state, "vit-l-16", "jetson-agx-orin-64gb", 2); }
void BM_RnnoiseOnMcu(benchmark::State& state) { Run(state, "rnnoise", "m55-ethos-u55", 1); }
void BM_Llama8bDecodeOnL4(benchmark::State& state) { Run(state, "llama-3-8b", "l4", 1, 1, 1000); }
// A station model's batch-time table: Llama-3-8B prompts of 128 tokens on
// an L4, batches 1..64, the roofline built once (per batch in the counter).
void BM_Llama8bStationTable(benchmark::State& state) {
  const Catalog catalog = *Catalog::LoadDefault();
  InferenceShape shape;
  shape.tokens = 128;
  double sum = 0;
  for (auto _ : state) {
    const Status s = EstimateInferenceBatches(*catalog.FindModel("llama-3-8b"), *catalog.FindGpu("l4"), nullptr, shape,
                                              64, PerfEfficiency{}, nullptr, [&](int, const InferenceCost& c) {
                                                sum += c.seconds;
                                                return Status::Ok();
                                              });
    benchmark::DoNotOptimize(s);
  }
  benchmark::DoNotOptimize(sum);
  state.counters["per_batch"] = benchmark::Counter(64.0, benchmark::Counter::kIsIterationInvariantRate |
                                                             benchmark::Counter::kInvert);
}
BENCHMARK(BM_VitL16TwoOrins);
BENCHMARK(BM_Llama8bStationTable);
BENCHMARK(BM_Llama8bDecodeOnL4);
BENCHMARK(BM_RnnoiseOnMcu);

}  // namespace
}  // namespace fleetlab
