// Speed of EstimateInference, which the track scenarios call per sub-model
// and split on every slider move: ViT-L/16 (24 layers) split over two Orins,
// and the 6-layer RNNoise on the earbud MCU; and a Llama-3-8B decode step
// on an L4, which builds the replica's roofline for each call.
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
BENCHMARK(BM_VitL16TwoOrins);
BENCHMARK(BM_Llama8bDecodeOnL4);
BENCHMARK(BM_RnnoiseOnMcu);

}  // namespace
}  // namespace fleetlab
