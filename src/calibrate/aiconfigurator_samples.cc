#include "calibrate/aiconfigurator_samples.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "calibrate/csv_table.h"

namespace fleetlab::calibrate {
namespace {

const std::string& Text(const CsvTable& t, std::size_t row, const char* name) {
  return t.rows[row][t.column.at(name)];
}

// The numbers in `names` of `row`, in that order.
Status Numbers(const CsvTable& t, std::size_t row, const std::vector<const char*>& names, std::vector<double>* out) {
  out->assign(names.size(), 0);
  for (std::size_t i = 0; i < names.size(); ++i) FLEETLAB_RETURN_IF_ERROR(CsvNumber(t, row, names[i], &(*out)[i]));
  return Status::Ok();
}

Status NoneKept(const char* what) { return Status::InvalidArgument(fmt::format("no row is {}", what)); }

// Distinct experts the collector's balanced routing gives T tokens: min(E, T k).
double BalancedTouched(double tokens, double experts, double k) { return std::min(experts, tokens * k); }

// Bytes of one cached value under the table's kv_cache_dtype ("fp8" or "bfloat16").
double KvValueBytes(const std::string& kv_dtype) { return kv_dtype == "fp8" ? 1.0 : 2.0; }

// A context (prefill) or generation (decode) row of ReadAicAttention.
// v: batch_size, isl, step, num_heads, num_key_value_heads, head_dim, latency.
AttentionSample AttentionRow(bool prefill, const std::vector<double>& v, double kv_bytes_per_value) {
  AttentionSample a;
  a.prefill = prefill;
  const double batch = v[0], isl = v[1], step = v[2], heads = v[3], kv_heads = v[4], dim = v[5];
  if (prefill) {
    const double pairs = batch * isl * (isl + 1) / 2;
    a.flops = 4 * dim * heads * pairs;
    a.context = pairs / (batch * isl);
    a.kv_bytes = batch * isl * 2 * kv_heads * dim * kv_bytes_per_value;  // the keys and values written
  } else {
    const double tokens = batch * (isl + step);
    a.flops = 4 * dim * heads * tokens;
    a.kv_bytes = tokens * 2 * kv_heads * dim * kv_bytes_per_value;
  }
  a.seconds = v[6] * 1e-3;
  return a;
}

}  // namespace

Result<KernelSamples> ReadAicGemm(const std::string& text, const std::string& dtype) {
  auto t = ReadCsvTable(text, {"gemm_dtype", "m", "n", "k", "latency"});
  if (!t.ok()) return t.status();
  KernelSamples out;
  std::vector<double> v;
  for (std::size_t i = 0; i < t->rows.size(); ++i) {
    if (Text(*t, i, "gemm_dtype") != dtype) continue;
    FLEETLAB_RETURN_IF_ERROR(Numbers(*t, i, {"m", "n", "k", "latency"}, &v));
    if (v[0] < 1 || v[1] < 1 || v[2] < 1 || !(v[3] > 0)) continue;
    out.gemm.push_back({fmt::format("gemm {}x{}", v[2], v[1]), v[0], v[2], v[1], v[3] * 1e-3});
  }
  if (out.gemm.empty()) return NoneKept(fmt::format("a timed GEMM of gemm_dtype \"{}\"", dtype).c_str());
  return out;
}

Result<KernelSamples> ReadAicMoe(const std::string& text, const std::string& dtype) {
  auto t = ReadCsvTable(text, {"moe_dtype", "num_tokens", "hidden_size", "inter_size", "topk", "num_experts",
                               "moe_tp_size", "moe_ep_size", "distribution", "latency"});
  if (!t.ok()) return t.status();
  KernelSamples out;
  std::vector<double> v;
  for (std::size_t i = 0; i < t->rows.size(); ++i) {
    if (Text(*t, i, "moe_dtype") != dtype || Text(*t, i, "distribution") != "balanced") continue;
    FLEETLAB_RETURN_IF_ERROR(Numbers(
        *t, i, {"num_tokens", "hidden_size", "inter_size", "topk", "num_experts", "moe_tp_size", "moe_ep_size", "latency"}, &v));
    if (v[6] != 1 || v[0] < 1 || v[1] < 1 || v[2] < 1 || v[3] < 1 || v[4] < v[3] || v[5] < 1 || !(v[7] > 0)) continue;
    MoeSample s;
    s.tokens = v[0], s.hidden = v[1], s.inter = v[2] / v[5], s.top_k = v[3], s.experts = v[4];
    s.touched = BalancedTouched(s.tokens, s.experts, s.top_k);
    s.seconds = v[7] * 1e-3;
    out.moe.push_back(s);
  }
  if (out.moe.empty()) return NoneKept(fmt::format("a balanced, moe_ep_size 1 call of moe_dtype \"{}\"", dtype).c_str());
  return out;
}

Result<KernelSamples> ReadAicAllReduce(const std::string& text) {
  auto t = ReadCsvTable(text, {"kernel_source", "num_gpus", "message_size", "latency"});
  if (!t.ok()) return t.status();
  const bool has_backend = t->column.count("backend") > 0;
  KernelSamples out;
  std::vector<double> v;
  for (std::size_t i = 0; i < t->rows.size(); ++i) {
    const std::string& mode = has_backend ? Text(*t, i, "backend") : Text(*t, i, "kernel_source");
    if (mode.find("graph") == std::string::npos) continue;
    FLEETLAB_RETURN_IF_ERROR(Numbers(*t, i, {"num_gpus", "message_size", "latency"}, &v));
    if (v[0] < 2 || v[0] > 1024 || v[1] < 1 || !(v[2] > 0)) continue;
    out.all_reduce.push_back({static_cast<int>(v[0]), 2.0 * v[1], v[2] * 1e-3});
  }
  if (out.all_reduce.empty()) return NoneKept("an all-reduce captured in a CUDA graph");
  return out;
}

Result<KernelSamples> ReadAicAttention(const std::string& text, const std::string& kv_dtype) {
  auto t = ReadCsvTable(text, {"op_name", "kv_cache_dtype", "batch_size", "isl", "step", "num_heads",
                               "num_key_value_heads", "head_dim", "beam_width", "window_size", "latency"});
  if (!t.ok()) return t.status();
  const double bytes_per_value = KvValueBytes(kv_dtype);
  KernelSamples out;
  std::vector<double> v, extra;
  for (std::size_t i = 0; i < t->rows.size(); ++i) {
    const std::string& op = Text(*t, i, "op_name");
    const bool prefill = op.find("context") != std::string::npos;
    if ((!prefill && op.find("generation") == std::string::npos) || Text(*t, i, "kv_cache_dtype") != kv_dtype) continue;
    FLEETLAB_RETURN_IF_ERROR(Numbers(*t, i, {"beam_width", "window_size"}, &extra));
    if (extra[0] != 1 || extra[1] != 0) continue;  // beams and sliding windows are other kernels
    FLEETLAB_RETURN_IF_ERROR(
        Numbers(*t, i, {"batch_size", "isl", "step", "num_heads", "num_key_value_heads", "head_dim", "latency"}, &v));
    if (v[0] < 1 || v[1] < 1 || v[3] < 1 || v[4] < 1 || v[5] < 1 || !(v[6] > 0)) continue;
    out.attention.push_back(AttentionRow(prefill, v, bytes_per_value));
  }
  if (out.attention.empty()) return NoneKept(fmt::format("a full-window attention call with kv_cache_dtype \"{}\"", kv_dtype).c_str());
  return out;
}

Result<KernelSamples> ReadAicMlaDecode(const std::string& text, const std::string& kv_dtype) {
  auto t = ReadCsvTable(text, {"kv_cache_dtype", "num_heads", "batch_size", "isl", "step", "latency"});
  if (!t.ok()) return t.status();
  const double bytes_per_value = KvValueBytes(kv_dtype), latent = 512 + 64;
  KernelSamples out;
  std::vector<double> v;
  for (std::size_t i = 0; i < t->rows.size(); ++i) {
    if (Text(*t, i, "kv_cache_dtype") != kv_dtype) continue;
    FLEETLAB_RETURN_IF_ERROR(Numbers(*t, i, {"num_heads", "batch_size", "isl", "step", "latency"}, &v));
    if (v[0] < 1 || v[1] < 1 || !(v[4] > 0)) continue;
    AttentionSample a;
    a.prefill = false;
    const double tokens = v[1] * (v[2] + v[3]);
    a.kv_bytes = tokens * latent * bytes_per_value;
    a.flops = tokens * v[0] * (2.0 * latent + 2.0 * 512);  // absorbed: scores over the latent, values of kv_lora
    a.seconds = v[4] * 1e-3;
    out.attention.push_back(a);
  }
  if (out.attention.empty()) return NoneKept(fmt::format("an MLA decode with kv_cache_dtype \"{}\"", kv_dtype).c_str());
  return out;
}

}  // namespace fleetlab::calibrate
