// The roofline of timed products (docs/calibration.md): t = floor +
// max(F / (P e(M)), B / (W m)), P the GPU's dense peak, W its HBM bandwidth.
// The floor and m by least squares on relative error over the memory-bound
// samples (M at most memory_bound_max_rows); e(M) per power-of-two bucket of
// M above them, the efficiency that minimises the bucket's summed
// |ln(predicted / measured)|. The linear layers' GEMMs (M = tokens) and a
// fused MoE call's expert products (M = tokens per touched expert) are both
// fitted this way.
#pragma once

#include <string>
#include <vector>

#include "fleetlab/llm/calibration.h"
#include "fleetlab/status.h"

namespace fleetlab::calibrate {

// One timed product (or one fused group of them) on one GPU.
struct TimedProduct {
  double rows = 0;  // M: the curve's axis
  double flops = 0, bytes = 0, seconds = 0;
};

struct ProductRoofline {
  Curve efficiency;  // x: rows, y: fraction of peak
  double memory_efficiency = 0.8;
  double floor_s = 0;
  // The time this roofline gives `p`.
  double Predict(const TimedProduct& p, double peak, double bandwidth) const;
};

// REQUIRES: peak > 0, bandwidth > 0.
// Errors, naming `what` and M as `rows_name`: fewer than 2 memory-bound
// samples, or none above them.
Result<ProductRoofline> FitProductRoofline(const std::vector<TimedProduct>& samples, double peak, double bandwidth,
                                           double memory_bound_max_rows, const std::string& what,
                                           const std::string& rows_name);

// Power-of-two bucket of v >= 1: bucket k holds [2^k, 2^(k+1)).
int PowerOfTwoBucket(double v);

// The median (0 for none).
double MedianOf(std::vector<double> x);

// Least squares of t = a + b x weighted by 1 / t^2 (relative error), a >= 0
// (refitted through the origin when a < 0 or b <= 0). Returns {a, b}.
std::pair<double, double> FitLine(const std::vector<double>& x, const std::vector<double>& t);

}  // namespace fleetlab::calibrate
