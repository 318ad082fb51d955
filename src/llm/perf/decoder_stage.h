// A decoder's layers on one placement priced by the replica's roofline
// (perf_model.h, roofline.cc): EstimateInference (inference_cost.cc) runs
// each pipeline stage of a decoder model through it, so `catalog cost`, the
// station models and the LLM replica share one set of formulas and one
// calibration. Internal to EstimateInference.
#pragma once

#include <cstdint>
#include <memory>

#include "fleetlab/llm/calibration.h"
#include "fleetlab/llm/catalog.h"
#include "fleetlab/llm/perf_model.h"
#include "fleetlab/status.h"
#include "llm/perf/inference_work.h"

namespace fleetlab::inference_internal {

// Where the layers run: one tensor-parallel group of `device`s.
struct DecoderPlacement {
  const GpuSpec* device = nullptr;
  const LinkSpec* tp_link = nullptr;  // may be null when tp = 1
  int tp = 1;
  DType dtype = DType::kBf16;  // weights, activations and KV cache
  PerfEfficiency efficiency;
  std::shared_ptr<const CalibrationProfile> calibration;  // null: efficiency's constants
};

// Decoder layers [begin, end) of `m` as a model of their own: the dense
// layers are the first ones (catalog.h), so a range holds those it
// overlaps; sliding-window layers are taken as spread evenly, so the
// ranges of a split add up to the model's count.
// REQUIRES: m.IsDecoder(), 0 <= begin < end <= m.layers.
ModelSpec DecoderRange(const ModelSpec& m, std::int64_t begin, std::int64_t end);

// The replica's roofline for layers [begin, end) on `p`, with no host
// overhead (EstimateInference adds its own); the LM head runs when the range
// ends at the last layer. Built once per placement: a batch is then one
// DecoderStep.
// REQUIRES: as DecoderRange; the placement checked (the device has the
// dtype's math, a link when tp > 1, tp divides the heads).
Result<std::unique_ptr<PerfModel>> DecoderStage(const ModelSpec& m, std::int64_t begin, std::int64_t end,
                                                const DecoderPlacement& p);

// One forward pass of `s.batch` inputs of `s.tokens` new tokens after
// `s.context` cached ones each through `stage`: a decode step (one token
// after a context) or one prefill chunk per input, as the replica prices it.
// REQUIRES: s.tokens >= 1.
StepBreakdown DecoderStep(const PerfModel& stage, const WorkShape& s);

}  // namespace fleetlab::inference_internal
