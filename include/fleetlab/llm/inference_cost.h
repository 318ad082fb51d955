// The cost of one batch of inferences of any catalog model (decoder LLM,
// vision-transformer encoder, CNN/RNN layer list) on one placement: a
// device kind, tensor and pipeline parallelism, and optionally only a range
// of the model's layers (one side of a model split across devices).
//
// A roofline (docs/model.md): each layer's time is the larger of its
// compute time (FLOPs / (peak x efficiency)) and its memory time (bytes /
// (bandwidth x efficiency)); then tensor-parallel collectives, pipeline
// transfers and a fixed overhead. Decoder layers are priced by the LLM
// replica's own roofline (perf_model.h), encoders and layer lists by the
// formulas of docs/model.md, "Non-LLM models and edge devices". Pure
// functions: no state, no randomness.
#pragma once

#include <cstdint>
#include <memory>
#include <functional>
#include <string>

#include "fleetlab/llm/calibration.h"
#include "fleetlab/llm/catalog.h"
#include "fleetlab/llm/perf_model.h"
#include "fleetlab/status.h"

namespace fleetlab {

struct InferenceShape {
  int batch = 1;           // inputs processed together
  int tp = 1, pp = 1;      // tensor / pipeline split across devices of the same kind
  int first_layer = 0;     // run only layers [first_layer, last_layer) (a split model);
  int last_layer = -1;     // -1: to the end
  DType dtype = DType::kInt8;  // weights and activations
  std::int64_t tokens = 0;     // decoder/encoder: tokens per input (0: the model's default)
  // Decoder only: KV-cache tokens already held per input (a decode step is
  // tokens = 1 with context = the sequence so far). Their KV is read by
  // attention and counted in the memory fit.
  std::int64_t context = 0;
  // Fixed cost per pipeline stage per batch (kernel launches, runtime
  // dispatch). 0 by default; set it to the serving stack's measured floor.
  double overhead_s = 0;
};

struct InferenceCost {
  double seconds = 0;  // wall time of one batch on this placement (roofline: max(compute, memory) per layer, + TP comm + PP transfers + overhead)
  double compute_s = 0, memory_s = 0, comm_s = 0;  // the parts, summing (with overhead_s) to seconds
  double overhead_s = 0;
  double flops = 0;                    // per batch, all devices
  double bytes_moved = 0;              // weights + activations read/written, per batch
  double weight_bytes_per_device = 0;  // the largest stage's weights / tp
  double activation_bytes_peak = 0;    // the largest live activation per device (for SRAM fit)
  double boundary_bytes = 0;           // activation bytes crossing last_layer (to ship to the next device), per batch
  double energy_j = 0;  // active energy of this batch: power model (active power x seconds, or per-FLOP/per-byte energies when the device gives them)
  bool fits = true;     // weights + activations fit the device memory (SRAM for an MCU)
  std::string fit_note;  // "needs 730 KiB, has 512 KiB" when it does not

  // Added fields.
  double pp_comm_s = 0;        // the part of comm_s spent on stage-to-stage transfers
  double stage_s = 0;          // the busiest stage's time: the pipeline's throughput bound per batch
  double kv_bytes_per_device = 0;  // decoder: KV cache held (context + tokens), largest stage / tp
  double input_bytes = 0;      // activation bytes entering first_layer, per batch (the input, or the previous device's boundary)
  int devices = 1;             // tp x pp
};

// One batch through `model` on tp x pp `device`s. `tp_link` joins the
// devices (TP collectives and PP transfers); it may be null when tp = pp = 1.
// Energy: each device draws active power while its stage runs and idle
// power otherwise; a device with per-FLOP/per-byte energies is charged
// those plus idle power for the whole batch (docs/model.md).
// Memory fit: weights + largest live activation (+ KV) per device against
// device.FitBytes(); a misfit is reported in `fits`/`fit_note`, not an error.
// A decoder's layers are timed by the LLM replica's roofline (perf_model.h):
// each pipeline stage is one iteration of it over the stage's layers (a
// decode step when tokens = 1 after a context, else a prefill), with the
// LM head on the stage that ends the model; `calibration`, when given,
// replaces the efficiencies as it does for a replica (it must be for
// `device` and shape.dtype, and only decoders take one).
// Errors name the field ("shape.tp: ...", "tp_link: ...", "efficiency.memory: ...",
// "calibration: ...").
Result<InferenceCost> EstimateInference(const ModelSpec& model, const GpuSpec& device, const LinkSpec* tp_link,
                                        const InferenceShape& shape, const PerfEfficiency& eff,
                                        const std::shared_ptr<const CalibrationProfile>& calibration = nullptr);

// EstimateInference for every batch size 1..max_batch of one placement
// (shape.batch is ignored), the checks and a decoder's roofline done once:
// the station models' batch-time tables. `each(batch, cost)` sees them in
// order; an error it returns stops the walk and is returned.
// Errors: EstimateInference's, or max_batch < 1 ("max_batch: ...").
using BatchCostVisitor = std::function<Status(int batch, const InferenceCost& cost)>;
Status EstimateInferenceBatches(const ModelSpec& model, const GpuSpec& device, const LinkSpec* tp_link,
                                const InferenceShape& shape, int max_batch, const PerfEfficiency& eff,
                                const std::shared_ptr<const CalibrationProfile>& calibration,
                                const BatchCostVisitor& each);

// Average power of the placement's devices when they run one batch (`cost`,
// from EstimateInference on `device`) every `period_s` and, between
// batches, sleep (`sleep_between`: sleep power, plus one wake-up energy per
// batch) or idle (idle power): (energy of the batch + rest-of-period
// energy) / period, all cost.devices together. Errors name the field:
// period_s must be >= cost.seconds; sleeping needs a device with a sleep
// power or wake-up energy.
Result<double> DutyCycledPowerW(const GpuSpec& device, const InferenceCost& cost, double period_s, bool sleep_between);

// Number of layers the model has (split points are 0..LayerCount): the
// transformer layers of a decoder or encoder (the embedding rides with
// layer 0, the head with the last), the entries of a layer list.
std::int64_t LayerCount(const ModelSpec& model);

// Activation bytes crossing a cut after `layer` (0-based; the input of layer
// `layer` + 1), per input, in `dtype`. `tokens` as in InferenceShape (0: the
// model's default). After the last layer: the model's output (logits,
// classes, the mask). Errors name the field when `layer` is out of range.
Result<double> ActivationBytesAfter(const ModelSpec& model, std::int64_t layer, DType dtype, std::int64_t tokens = 0);

// FLOPs of one input through the whole model (2 per multiply-accumulate).
// `tokens` as in InferenceShape; a decoder needs tokens > 0 (else 0).
double ForwardFlopsPerInput(const ModelSpec& model, std::int64_t tokens = 0);

}  // namespace fleetlab
