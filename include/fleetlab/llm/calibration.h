// A calibration profile: measured efficiencies of one GPU x dtype for the
// engines that run its kernels, read from data/calibration/<id>.json (written
// by `fleetlab calibrate`; data/README.md "Calibration profiles"). Where a
// replica has one, the roofline (perf_model.h) takes its linear-layer
// efficiency by token count, its weight-streaming efficiency and per-kernel
// floor, its tensor-parallel all-reduce times by message size and, when the
// profile has them, its attention efficiencies and host overheads, instead of
// PerfEfficiency's constants. Everything it does not hold stays the roofline's.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fleetlab/llm/dtype.h"
#include "fleetlab/status.h"

namespace fleetlab {

// A function of one variable given by points, linear between them. Below the
// first point it holds the first value (a latency or efficiency floor).
// Past the last it holds the last value, or with linear_tail continues the
// last segment's slope, never below the last value (a time that grows with
// message size past the largest measured).
struct Curve {
  std::vector<double> x;  // strictly increasing
  std::vector<double> y;  // same length, >= 1 point
  bool linear_tail = false;
  // REQUIRES: !x.empty(), x.size() == y.size(), x strictly increasing.
  double At(double v) const;
  bool empty() const { return x.empty(); }
};

// How well one part of a profile reproduces the measurements it came from.
struct CalibrationFit {
  std::string part;  // "linear", "all_reduce.tp2", "attention.prefill", "end_to_end.ttft", ...
  int points = 0;
  double median_abs_error = 0;  // |predicted / measured - 1|, fractions
  double worst_abs_error = 0;
};

struct CalibrationProfile {
  std::string id, name;
  std::string gpu;                   // catalog GPU id
  DType dtype = DType::kBf16;        // weights and activations
  std::vector<std::string> engines;  // engine ids whose kernels these are
  // Linear layers (QKV, output, MLP, LM head): the fraction of dense peak the
  // matrix products reach, by the tokens in one product (its M), and of HBM
  // bandwidth when streaming weights; plus a fixed floor per kernel launch
  // (kernels_per_layer of them a layer).
  Curve matmul_efficiency;  // x: tokens, y: fraction of peak (0, 1]
  // The most of peak the linear layers reach inside a whole forward pass,
  // fitted end to end to measured prompt phases (FitMatmulCeiling): isolated
  // products, timed back to back, can outrun what a model's layers do. The
  // curve above holds below it. Absent: the curve alone. It holds for the
  // engines in matmul_ceiling_engines (those whose forward pass it was
  // measured on, or carries to), for every engine the profile serves when
  // that list is empty.
  std::optional<double> matmul_ceiling;
  std::vector<std::string> matmul_ceiling_engines;
  double weight_memory_efficiency = 0.8;
  double kernel_floor_s = 0;
  int kernels_per_layer = 4;
  // Routed experts of MoE layers (optional): the fused expert kernel's own
  // roofline, fitted to its timings (fleetlab calibrate --aic-moe). The
  // fraction of dense peak its products reach by the tokens each touched
  // expert receives (their M), the fraction of HBM bandwidth at which it
  // streams the touched experts' weights, and a floor per layer call
  // (routing, sorting tokens by expert, the activation between the two
  // products). Empty curve: the experts are priced as the linear layers'
  // weights are (above).
  Curve moe_matmul_efficiency;  // x: tokens per touched expert, y: fraction of peak (0, 1]
  double moe_memory_efficiency = 0.8;
  double moe_floor_s = 0;
  // One all-reduce of a message of x bytes over tp GPUs of this GPU's
  // scale-up link takes y seconds (measured, latency-bound small messages
  // included). TP degrees without a curve use the link's alpha-beta model.
  std::map<int, Curve> all_reduce_s;
  // Attention (optional): fraction of peak reached by prefill attention math,
  // and of HBM bandwidth by decode's KV reads; and a fixed floor per layer
  // for each kind of call an iteration makes (a prefill, a decode batch).
  std::optional<double> attention_efficiency, kv_memory_efficiency;
  std::optional<double> prefill_attention_floor_s, decode_attention_floor_s;
  // Prefill attention's fraction of peak by the mean number of tokens a
  // prompt token attends to (cached + earlier tokens of its chunk: causal
  // pairs / prompt tokens); when present it replaces attention_efficiency
  // for iterations with prefill work. Empty: attention_efficiency alone.
  Curve prefill_attention_efficiency;
  // Host time per iteration and per running sequence (optional; fitted end
  // to end). When present they replace the engine profile's.
  std::optional<double> iteration_overhead_s, sequence_overhead_s;
  // Compute/communication overlap (optional): the fraction of each tensor-
  // parallel all-reduce that runs while the GPU computes (a fused GEMM +
  // all-reduce, or micro-batches that interleave). Absent or 0: the engine
  // waits for each all-reduce, as vLLM's and SGLang's layers do. Set it
  // only from a measurement of the engine on this GPU.
  std::optional<double> tp_overlap;
  std::vector<CalibrationFit> fit;
  std::map<std::string, std::string> sources;

  // Whether `engine` (an engine id) runs these kernels.
  bool Serves(const std::string& engine) const;
  // Whether matmul_ceiling holds for `engine`: it names it, or names none.
  bool CeilingHoldsFor(const std::string& engine) const;
  // Whether the profile prices routed experts itself (moe_* above).
  bool HasMoe() const { return !moe_matmul_efficiency.empty(); }
};

// Checks a profile's ranges; errors name the field ("matmul_efficiency.y[3]:
// must be in (0, 1] (got 1.2)").
Status ValidateCalibration(const CalibrationProfile& p);

// `p` as `engine` (an engine id, or empty for none) runs its kernels: a
// copy without the matmul ceiling where that does not hold for the engine
// (CeilingHoldsFor).
std::shared_ptr<const CalibrationProfile> ProfileForEngine(const CalibrationProfile& p, const std::string& engine);
// `p` as the first engine it serves runs them (`catalog cost`, station
// models: no engine of their own).
std::shared_ptr<const CalibrationProfile> ProfileAsServed(const CalibrationProfile& p);

}  // namespace fleetlab
