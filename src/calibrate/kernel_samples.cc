#include "calibrate/kernel_samples.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "calibrate/csv_table.h"
#include "fleetlab/util/json.h"

namespace fleetlab::calibrate {
namespace {

using nlohmann::json;

// The per-GPU shape of one of Vidur's four linear ops.
struct OpShape {
  const char* op;
  double k, n;
};

Status AddMlpRow(const CsvTable& t, std::size_t i, KernelSamples* out) {
  double heads, kv_heads, hidden, ffn, tokens, tp;
  FLEETLAB_RETURN_IF_ERROR(CsvNumber(t, i, "n_head", &heads));
  FLEETLAB_RETURN_IF_ERROR(CsvNumber(t, i, "n_kv_head", &kv_heads));
  FLEETLAB_RETURN_IF_ERROR(CsvNumber(t, i, "n_embd", &hidden));
  FLEETLAB_RETURN_IF_ERROR(CsvNumber(t, i, "n_expanded_embd", &ffn));
  FLEETLAB_RETURN_IF_ERROR(CsvNumber(t, i, "num_tokens", &tokens));
  FLEETLAB_RETURN_IF_ERROR(CsvNumber(t, i, "num_tensor_parallel_workers", &tp));
  if (heads < 1 || tp < 1 || tokens < 1) {
    return Status::InvalidArgument(fmt::format("line {}: n_head, num_tokens and num_tensor_parallel_workers must be >= 1", i + 2));
  }
  const bool gated = t.rows[i][t.column.at("use_gated_mlp")] == "True";
  const double head_dim = hidden / heads;
  const OpShape ops[] = {{"attn_pre_proj", hidden, (heads + 2 * kv_heads) * head_dim / tp},
                         {"attn_post_proj", heads * head_dim / tp, hidden},
                         {"mlp_up_proj", hidden, (gated ? 2 : 1) * ffn / tp},
                         {"mlp_down_proj", ffn / tp, hidden}};
  for (const OpShape& op : ops) {
    double ms = 0;
    FLEETLAB_RETURN_IF_ERROR(CsvNumber(t, i, fmt::format("time_stats.{}.median", op.op), &ms));
    if (ms <= 0) continue;
    out->gemm.push_back({fmt::format("{} tp{}", op.op, tp), tokens, op.k, op.n, ms * 1e-3});
  }
  return Status::Ok();
}

}  // namespace

void KernelSamples::Append(const KernelSamples& o) {
  gemm.insert(gemm.end(), o.gemm.begin(), o.gemm.end());
  all_reduce.insert(all_reduce.end(), o.all_reduce.begin(), o.all_reduce.end());
  attention.insert(attention.end(), o.attention.begin(), o.attention.end());
  moe.insert(moe.end(), o.moe.begin(), o.moe.end());
}

Result<KernelSamples> ReadVidurMlp(const std::string& text) {
  std::vector<std::string> required = {"n_head", "n_kv_head", "n_embd", "n_expanded_embd", "use_gated_mlp",
                                       "num_tokens", "num_tensor_parallel_workers"};
  for (const char* op : {"attn_pre_proj", "attn_post_proj", "mlp_up_proj", "mlp_down_proj"}) {
    required.push_back(fmt::format("time_stats.{}.median", op));
  }
  auto t = ReadCsvTable(text, required);
  if (!t.ok()) return t.status();
  KernelSamples out;
  for (std::size_t i = 0; i < t->rows.size(); ++i) FLEETLAB_RETURN_IF_ERROR(AddMlpRow(*t, i, &out));
  if (out.gemm.empty()) return Status::InvalidArgument("no timed rows");
  return out;
}

Result<KernelSamples> ReadVidurAllReduce(const std::string& text) {
  auto t = ReadCsvTable(text, {"time_stats.all_reduce.median", "num_workers", "size", "collective", "devices_per_node"});
  if (!t.ok()) return t.status();
  KernelSamples out;
  for (std::size_t i = 0; i < t->rows.size(); ++i) {
    const auto& row = t->rows[i];
    if (row[t->column.at("collective")] != "all_reduce") continue;
    double workers, per_node, size, ms;
    FLEETLAB_RETURN_IF_ERROR(CsvNumber(*t, i, "num_workers", &workers));
    FLEETLAB_RETURN_IF_ERROR(CsvNumber(*t, i, "devices_per_node", &per_node));
    FLEETLAB_RETURN_IF_ERROR(CsvNumber(*t, i, "size", &size));
    FLEETLAB_RETURN_IF_ERROR(CsvNumber(*t, i, "time_stats.all_reduce.median", &ms));
    if (workers != per_node || workers < 2 || workers > 1024 || size <= 0 || ms <= 0) continue;
    out.all_reduce.push_back({static_cast<int>(workers), size, ms * 1e-3});
  }
  if (out.all_reduce.empty()) return Status::InvalidArgument("no all_reduce rows within one node");
  return out;
}

Result<KernelSamples> ReadVidurAttention(const std::string& text) {
  auto t = ReadCsvTable(text, {"n_embd", "n_q_head", "n_kv_head", "num_tensor_parallel_workers", "batch_size",
                            "prefill_chunk_size", "kv_cache_size", "is_prefill", "time_stats.attn_prefill.median",
                            "time_stats.attn_decode.median"});
  if (!t.ok()) return t.status();
  KernelSamples out;
  for (std::size_t i = 0; i < t->rows.size(); ++i) {
    double hidden, heads, kv_heads, tp, batch, chunk, kv;
    FLEETLAB_RETURN_IF_ERROR(CsvNumber(*t, i, "n_embd", &hidden));
    FLEETLAB_RETURN_IF_ERROR(CsvNumber(*t, i, "n_q_head", &heads));
    FLEETLAB_RETURN_IF_ERROR(CsvNumber(*t, i, "n_kv_head", &kv_heads));
    FLEETLAB_RETURN_IF_ERROR(CsvNumber(*t, i, "num_tensor_parallel_workers", &tp));
    FLEETLAB_RETURN_IF_ERROR(CsvNumber(*t, i, "batch_size", &batch));
    FLEETLAB_RETURN_IF_ERROR(CsvNumber(*t, i, "prefill_chunk_size", &chunk));
    FLEETLAB_RETURN_IF_ERROR(CsvNumber(*t, i, "kv_cache_size", &kv));
    if (heads < 1 || kv_heads < 1 || tp < 1 || batch < 1) {
      return Status::InvalidArgument(
          fmt::format("line {}: n_q_head, n_kv_head, num_tensor_parallel_workers and batch_size must be >= 1", i + 2));
    }
    const bool prefill = t->rows[i][t->column.at("is_prefill")] == "True";
    double ms = 0;
    FLEETLAB_RETURN_IF_ERROR(CsvNumber(*t, i, prefill ? "time_stats.attn_prefill.median" : "time_stats.attn_decode.median", &ms));
    if (ms <= 0 || (prefill && chunk < 1)) continue;
    const double head_dim = hidden / heads;
    const double kv_heads_per_gpu = kv_heads / std::min(tp, kv_heads);
    // Each sequence has kv_cache_size tokens cached; a prefill chunk of c
    // tokens after them makes c kv + c (c + 1) / 2 causal pairs.
    const double pairs = prefill ? batch * (chunk * kv + chunk * (chunk + 1) / 2) : batch * kv;
    const double kv_bytes = batch * (kv + (prefill ? chunk : 1)) * 2.0 * kv_heads_per_gpu * head_dim * 2.0;  // K and V, bf16
    out.attention.push_back(
        {prefill, 4.0 * heads / tp * head_dim * pairs, kv_bytes, ms * 1e-3, prefill ? pairs / (batch * chunk) : 0.0});
  }
  if (out.attention.empty()) return Status::InvalidArgument("no timed attention rows");
  return out;
}

Result<KernelSamples> ReadGpuCalibrateJson(const std::string& text) {
  auto doc = ParseJsonText(text, "kernels");
  if (!doc.ok()) return doc.status();
  if (!doc->is_object() || !doc->contains("gemm")) return Status::InvalidArgument("not gpu_calibrate.py output (no \"gemm\")");
  KernelSamples out;
  try {
    for (const json& g : doc->at("gemm")) {
      const double m = g.at("m"), k = g.at("k"), n = g.at("n"), s = g.at("seconds");
      if (m >= 1 && k >= 1 && n >= 1 && s > 0) {
        out.gemm.push_back({fmt::format("gemm {} {}x{}", g.value("layout", ""), k, n), m, k, n, s});
      }
    }
    for (const json& a : doc->value("attention", json::array())) {
      const double b = a.at("batch"), h = a.at("heads"), kvh = a.at("kv_heads"), q = a.at("q_len"), kv = a.at("kv_len");
      const double s = a.at("seconds"), d = 128;  // gpu_calibrate.py's head size
      const bool prefill = q > 1;
      const double pairs = b * (prefill && q == kv ? q * (q + 1) / 2 : q * kv);
      if (s > 0) out.attention.push_back({prefill, 4.0 * h * d * pairs, 2.0 * b * kvh * kv * d * 2, s, pairs / (b * q)});
    }
  } catch (const json::exception& e) {
    return Status::InvalidArgument(fmt::format("a gemm or attention case lacks a number: {}", e.what()));
  }
  if (out.gemm.empty()) return Status::InvalidArgument("no timed gemm cases");
  return out;
}

}  // namespace fleetlab::calibrate
