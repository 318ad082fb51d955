#include "calibrate/fit.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "calibrate/roofline_fit.h"

namespace fleetlab::calibrate {
namespace {

CalibrationFit Errors(const std::string& part, const std::vector<double>& errors) {
  CalibrationFit f{part, static_cast<int>(errors.size()), MedianAbs(errors), 0};
  for (double e : errors) f.worst_abs_error = std::max(f.worst_abs_error, std::abs(e));
  return f;
}

// Pool adjacent violators: the non-decreasing sequence nearest `y` in least
// squares.
std::vector<double> NonDecreasing(const std::vector<double>& y) {
  std::vector<double> value, weight;
  for (double v : y) {
    value.push_back(v), weight.push_back(1);
    while (value.size() > 1 && value[value.size() - 2] > value.back()) {
      const double w = weight[weight.size() - 2] + weight.back();
      const double merged = (value[value.size() - 2] * weight[weight.size() - 2] + value.back() * weight.back()) / w;
      value.pop_back(), weight.pop_back();
      value.back() = merged, weight.back() = w;
    }
  }
  std::vector<double> out;
  for (std::size_t i = 0; i < value.size(); ++i) out.insert(out.end(), static_cast<std::size_t>(weight[i]), value[i]);
  return out;
}

void FitAllReduce(const KernelSamples& s, CalibrationProfile* p) {
  std::map<int, std::map<int, std::vector<AllReduceSample>>> by_tp;
  for (const auto& a : s.all_reduce) by_tp[a.tp][PowerOfTwoBucket(a.bytes)].push_back(a);
  for (const auto& [tp, buckets] : by_tp) {
    Curve c;
    c.linear_tail = true;
    for (const auto& [bucket, samples] : buckets) {
      std::vector<double> bytes, seconds;
      for (const auto& a : samples) bytes.push_back(a.bytes), seconds.push_back(a.seconds);
      c.x.push_back(MedianOf(bytes));
      c.y.push_back(MedianOf(seconds));
    }
    c.y = NonDecreasing(c.y);
    std::vector<double> errors;
    for (const auto& a : s.all_reduce) {
      if (a.tp == tp) errors.push_back(c.At(a.bytes) / a.seconds - 1);
    }
    p->fit.push_back(Errors(fmt::format("all_reduce.tp{}", tp), errors));
    p->all_reduce_s[tp] = std::move(c);
  }
}

// Solves the n x n system a x = b in place (Gaussian elimination with
// partial pivoting). Returns false if it is singular.
bool Solve(std::vector<std::vector<double>> a, std::vector<double> b, std::vector<double>* x) {
  const std::size_t n = b.size();
  for (std::size_t i = 0; i < n; ++i) {
    std::size_t pivot = i;
    for (std::size_t r = i + 1; r < n; ++r) {
      if (std::abs(a[r][i]) > std::abs(a[pivot][i])) pivot = r;
    }
    if (!(std::abs(a[pivot][i]) > 0)) return false;
    std::swap(a[i], a[pivot]);
    std::swap(b[i], b[pivot]);
    for (std::size_t r = i + 1; r < n; ++r) {
      const double f = a[r][i] / a[i][i];
      for (std::size_t c = i; c < n; ++c) a[r][c] -= f * a[i][c];
      b[r] -= f * b[i];
    }
  }
  x->assign(n, 0);
  for (std::size_t i = n; i-- > 0;) {
    double v = b[i];
    for (std::size_t c = i + 1; c < n; ++c) v -= a[i][c] * (*x)[c];
    (*x)[i] = v / a[i][i];
  }
  return true;
}

using Group = std::vector<const AttentionSample*>;

double Work(const AttentionSample& a) { return a.prefill ? a.flops : a.kv_bytes; }

// t = floor + c_g x for the calls of each group g (x a call's FLOPs or KV
// bytes, c_g = 1 / (peak e_g)): one floor shared by every group and one
// slope per group, by least squares on relative error, minimising the sum
// of ((floor + c_g x) / t - 1)^2 (normal equations, Solve). x[0] is the
// floor, x[g + 1] group g's slope; false if the system is singular.
bool FitFloorAndSlopes(const std::vector<Group>& groups, std::vector<double>* x) {
  const std::size_t n = groups.size() + 1;
  std::vector<std::vector<double>> m(n, std::vector<double>(n, 0));
  std::vector<double> rhs(n, 0);
  for (std::size_t g = 0; g < groups.size(); ++g) {
    for (const AttentionSample* a : groups[g]) {
      const double u = 1 / a->seconds, v = Work(*a) / a->seconds;  // the row: u at 0, v at g + 1
      m[0][0] += u * u, m[0][g + 1] += u * v, m[g + 1][0] += u * v, m[g + 1][g + 1] += v * v;
      rhs[0] += u, rhs[g + 1] += v;
    }
  }
  return Solve(m, rhs, x);
}

// One kind of attention call as one group: its floor and efficiency. A
// negative floor is taken as none (the slope refitted through zero), an
// efficiency above 1 as 1. With fewer than 3 samples, or when the line does
// not rise with x, no floor and the median efficiency (each sample's x /
// (peak t)).
struct AttentionFit {
  double floor_s = 0, efficiency = 1;
};

AttentionFit FitAttentionKind(const std::vector<AttentionSample>& samples, double peak) {
  Group all;
  std::vector<double> efficiencies;
  for (const auto& a : samples) {
    all.push_back(&a);
    efficiencies.push_back(Work(a) / (peak * a.seconds));
  }
  AttentionFit f;
  std::vector<double> x;
  if (samples.size() < 3 || !FitFloorAndSlopes({all}, &x) || !(x[1] > 0)) {
    f.efficiency = std::min(1.0, MedianOf(efficiencies));
    return f;
  }
  if (x[0] < 0) {
    double vv = 0, sv = 0;
    for (const auto& a : samples) {
      const double v = Work(a) / a.seconds;
      vv += v * v, sv += v;
    }
    x = {0, sv / vv};
  }
  f.floor_s = x[0];
  f.efficiency = std::min(1.0, 1 / (peak * x[1]));
  return f;
}

// Prefill's fraction of peak by the mean context a prompt token attends
// to: one group per power-of-two bucket of that context with at least 8
// timings (FitFloorAndSlopes); the curve runs through each bucket's median
// context. Fewer than 2 such buckets, a negative floor or a non-positive
// slope: none (the one fraction serves).
struct ContextFit {
  double floor_s = 0;
  Curve efficiency;
};

ContextFit PrefillByContext(const std::vector<AttentionSample>& prefill, double peak) {
  std::map<int, Group> buckets;
  for (const auto& a : prefill) {
    if (a.context > 0) buckets[PowerOfTwoBucket(a.context)].push_back(&a);
  }
  std::vector<Group> kept;
  for (auto& [bucket, samples] : buckets) {
    if (samples.size() >= 8) kept.push_back(std::move(samples));
  }
  std::vector<double> x;
  if (kept.size() < 2 || !FitFloorAndSlopes(kept, &x) || x[0] < 0) return {};
  ContextFit f;
  f.floor_s = x[0];
  for (std::size_t b = 0; b < kept.size(); ++b) {
    if (!(x[b + 1] > 0)) return {};
    std::vector<double> context;
    for (const AttentionSample* a : kept[b]) context.push_back(a->context);
    f.efficiency.x.push_back(MedianOf(context));
    f.efficiency.y.push_back(std::min(1.0, 1 / (peak * x[b + 1])));
  }
  return f;
}

void FitAttention(const KernelSamples& s, const GpuSpec& gpu, DType dtype, CalibrationProfile* p) {
  for (const bool prefill : {true, false}) {
    std::vector<AttentionSample> kind;
    for (const auto& a : s.attention) {
      if (a.prefill == prefill) kind.push_back(a);
    }
    if (kind.empty()) continue;
    const double peak = prefill ? *gpu.PeakFlops(dtype) : gpu.memory_bandwidth_Bps;
    AttentionFit f = FitAttentionKind(kind, peak);
    const ContextFit by = prefill ? PrefillByContext(kind, peak) : ContextFit{};
    const Curve& by_context = by.efficiency;
    if (!by_context.empty()) f.floor_s = by.floor_s;  // the floor the curve was fitted with
    std::vector<double> errors;
    for (const auto& a : kind) {
      const double e = by_context.empty() ? f.efficiency : by_context.At(a.context);
      errors.push_back((f.floor_s + Work(a) / (peak * e)) / a.seconds - 1);
    }
    if (prefill) p->prefill_attention_efficiency = by_context;
    (prefill ? p->attention_efficiency : p->kv_memory_efficiency) = f.efficiency;
    (prefill ? p->prefill_attention_floor_s : p->decode_attention_floor_s) = f.floor_s;
    p->fit.push_back(Errors(prefill ? "attention.prefill" : "attention.decode", errors));
  }
}

TimedProduct ProductOf(const GemmSample& g, double bpe) { return {g.tokens, g.Flops(), g.Bytes(bpe), g.seconds}; }

TimedProduct ProductOf(const MoeSample& m, double bpe) {
  return {m.TokensPerExpert(), m.Flops(), m.Bytes(bpe), m.seconds};
}

ProductRoofline LinearOf(const CalibrationProfile& p) {
  return {p.matmul_efficiency, p.weight_memory_efficiency, p.kernel_floor_s};
}

// Each sample's error under the fitted roofline, as fit part `part`.
CalibrationFit ProductErrors(const std::string& part, const ProductRoofline& r, const std::vector<TimedProduct>& samples,
                             double peak, double bandwidth) {
  std::vector<double> errors;
  for (const auto& t : samples) errors.push_back(r.Predict(t, peak, bandwidth) / t.seconds - 1);
  return Errors(part, errors);
}

// The linear layers' GEMMs: memory bound up to o.memory_bound_max_tokens.
Status FitLinear(const KernelSamples& s, double peak, double bandwidth, double bpe, const FitOptions& o,
                 CalibrationProfile* p) {
  std::vector<TimedProduct> products;
  for (const auto& g : s.gemm) products.push_back(ProductOf(g, bpe));
  auto linear = FitProductRoofline(products, peak, bandwidth, o.memory_bound_max_tokens, "GEMM", "tokens");
  if (!linear.ok()) return linear.status();
  p->matmul_efficiency = linear->efficiency;
  p->weight_memory_efficiency = linear->memory_efficiency;
  p->kernel_floor_s = linear->floor_s;
  p->fit.push_back(ProductErrors("linear", *linear, products, peak, bandwidth));
  return Status::Ok();
}

// The fused MoE calls: a call whose touched experts get one token each
// reads every weight for one row, so those are the memory-bound ones.
Status FitMoe(const KernelSamples& s, double peak, double bandwidth, double bpe, CalibrationProfile* p) {
  std::vector<TimedProduct> products;
  for (const auto& m : s.moe) products.push_back(ProductOf(m, bpe));
  auto moe = FitProductRoofline(products, peak, bandwidth, 1.0, "fused MoE", "tokens an expert");
  if (!moe.ok()) return moe.status();
  p->moe_matmul_efficiency = moe->efficiency;
  p->moe_memory_efficiency = moe->memory_efficiency;
  p->moe_floor_s = moe->floor_s;
  p->fit.push_back(ProductErrors("moe", *moe, products, peak, bandwidth));
  return Status::Ok();
}

}  // namespace

double MedianAbs(std::vector<double> x) {
  for (double& v : x) v = std::abs(v);
  return MedianOf(std::move(x));
}

double PredictGemm(const CalibrationProfile& p, const GpuSpec& gpu, const GemmSample& s) {
  return LinearOf(p).Predict(ProductOf(s, BytesPerElement(p.dtype)), *gpu.PeakFlops(p.dtype), gpu.memory_bandwidth_Bps);
}

Result<CalibrationProfile> FitProfile(const KernelSamples& samples, const GpuSpec& gpu, const FitOptions& o) {
  if (samples.gemm.empty()) return Status::InvalidArgument("no GEMM timings to fit");
  CalibrationProfile p;
  p.gpu = gpu.id;
  p.dtype = o.dtype;
  p.engines = o.engines;
  p.id = o.id.empty() ? fmt::format("{}-{}", gpu.id, DTypeName(o.dtype)) : o.id;
  p.name = o.name.empty() ? p.id : o.name;
  const double bpe = BytesPerElement(o.dtype), peak = *gpu.PeakFlops(o.dtype), bandwidth = gpu.memory_bandwidth_Bps;
  FLEETLAB_RETURN_IF_ERROR(FitLinear(samples, peak, bandwidth, bpe, o, &p));
  if (!samples.moe.empty()) FLEETLAB_RETURN_IF_ERROR(FitMoe(samples, peak, bandwidth, bpe, &p));
  FitAllReduce(samples, &p);
  FitAttention(samples, gpu, o.dtype, &p);
  FLEETLAB_RETURN_IF_ERROR(ValidateCalibration(p));
  return p;
}

}  // namespace fleetlab::calibrate
