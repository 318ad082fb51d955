// Fitting a calibration profile (fleetlab/llm/calibration.h) to kernel
// timings (kernel_samples.h). The model each part fits, and why, is in
// docs/calibration.md:
//   linear layers: t = floor + max(F / (P e(M)), B / (W m)), P the GPU's
//     dense peak, W its HBM bandwidth; floor and m by least squares on
//     relative error over the memory-bound samples (M <= 16 tokens), e(M)
//     per power-of-two bucket of M (above 16) the efficiency that minimises
//     the bucket's summed |ln(predicted / measured)| (roofline_fit.h).
//   routed experts (when there are MoE timings): the same roofline with M
//     the tokens each touched expert gets, memory bound at one token each.
//   all-reduce: per TP degree, the median time in each power-of-two bucket
//     of message size, made non-decreasing in size (pool adjacent violators).
//   attention: per kind (prefill, decode), a floor per call plus the
//     fraction of peak (prefill) or of HBM bandwidth (decode) the rest
//     reaches, by least squares on relative error (fewer than 3 samples:
//     no floor, the median fraction).
// Each part reports its error on the samples it came from.
#pragma once

#include <string>
#include <vector>

#include "calibrate/kernel_samples.h"
#include "fleetlab/llm/calibration.h"
#include "fleetlab/llm/catalog.h"

namespace fleetlab::calibrate {

struct FitOptions {
  std::string id, name;                 // the profile's; id defaults to <gpu>-<dtype>
  std::vector<std::string> engines;     // engine ids whose kernels were timed
  DType dtype = DType::kBf16;           // of the timed products (2 bytes an element for bf16)
  // Samples with at most this many tokens are taken as bound by streaming
  // weights (a product of M <= 16 rows does < 32 FLOPs a weight, far under
  // any GPU's ridge point of ~150-600 FLOPs/byte).
  double memory_bound_max_tokens = 16;
};

// REQUIRES: gpu.PeakFlops(options.dtype) has a value.
// Errors: no GEMM samples, or too few memory-bound ones (< 2) to fit the
// floor and bandwidth, or none above them to fit the compute efficiency.
Result<CalibrationProfile> FitProfile(const KernelSamples& samples, const GpuSpec& gpu, const FitOptions& options);

// The time the fitted profile gives one sample (for the fit's errors and
// tests).
double PredictGemm(const CalibrationProfile& p, const GpuSpec& gpu, const GemmSample& s);

// Median of |x| (0 for none).
double MedianAbs(std::vector<double> x);

}  // namespace fleetlab::calibrate
