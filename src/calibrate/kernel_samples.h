// Kernel timings a calibration is fitted from (`fleetlab calibrate`,
// docs/calibration.md), read from the files that hold them: Vidur's public
// profiles (microsoft/vidur data/profiling: compute/<gpu>/<model>/mlp.csv,
// network/<node>/all_reduce.csv, <gpu>/attention.csv) and the JSON tools/calibrate/gpu_calibrate.py
// writes on a real GPU. Pure functions of the files' text: the CLI reads them.
#pragma once

#include <string>
#include <vector>

#include "fleetlab/status.h"

namespace fleetlab::calibrate {

// One matrix product: `tokens` rows (M) by a K x N weight, bf16.
struct GemmSample {
  std::string op;  // "mlp_up_proj", "gemm tp8 8192x1280", ...
  double tokens = 0, k = 0, n = 0;
  double seconds = 0;
  double Flops() const { return 2.0 * tokens * k * n; }
  double Bytes(double bytes_per_element) const { return bytes_per_element * (tokens * k + k * n + tokens * n); }
};

// One all-reduce of `bytes` over `tp` GPUs of one node.
struct AllReduceSample {
  int tp = 2;
  double bytes = 0, seconds = 0;
};

// One attention call: prefill (compute bound: `flops`) or decode (bound by
// reading `kv_bytes` of cache).
struct AttentionSample {
  bool prefill = true;
  double flops = 0, kv_bytes = 0, seconds = 0;
  double context = 0;  // prefill: mean tokens a prompt token attends to (pairs / prompt tokens)
};

// One fused mixture-of-experts call on one GPU: `tokens` tokens each routed
// to `top_k` of `experts` experts, of which `touched` received at least one;
// each expert a gated MLP (gate and up, then down: 3 hidden x inter
// matrices, `inter` this GPU's share). Weights only count as bytes: the
// tokens' activations are a small fraction of the experts' weights.
struct MoeSample {
  double tokens = 0, experts = 0, top_k = 0, hidden = 0, inter = 0, touched = 0;
  double seconds = 0;
  double Flops() const { return 2.0 * tokens * top_k * 3.0 * hidden * inter; }
  double Bytes(double bytes_per_weight) const { return touched * 3.0 * hidden * inter * bytes_per_weight; }
  double TokensPerExpert() const { return tokens * top_k / touched; }  // the products' M
};

struct KernelSamples {
  std::vector<GemmSample> gemm;
  std::vector<AllReduceSample> all_reduce;
  std::vector<AttentionSample> attention;
  std::vector<MoeSample> moe;
  void Append(const KernelSamples& other);
};

// Vidur's mlp.csv: per row (num_tokens, num_tensor_parallel_workers, and the
// model's n_head, n_kv_head, n_embd, n_expanded_embd), the median times in ms
// of attn_pre_proj (QKV), attn_post_proj, mlp_up_proj (gate + up when
// use_gated_mlp) and mlp_down_proj, each one GemmSample with its per-GPU
// shape. Errors name the file's line and column.
Result<KernelSamples> ReadVidurMlp(const std::string& text);

// Vidur's all_reduce.csv: rows of collective all_reduce with all workers in
// one node (devices_per_node == num_workers); size is bytes, times are ms.
Result<KernelSamples> ReadVidurAllReduce(const std::string& text);

// Vidur's attention.csv (its FlashAttention backend, as vLLM runs it): per
// row the model's n_embd, n_q_head, n_kv_head, the TP degree, batch_size
// sequences of kv_cache_size cached tokens each and, for prefill rows, a
// chunk of prefill_chunk_size tokens per sequence; the median ms of
// attn_prefill or attn_decode. A decode row reads batch x (kv + 1) tokens'
// K and V (bf16, the GPU's share of the KV heads); a prefill row computes
// 4 d (heads / tp) FLOPs per causal pair, c kv + c (c + 1) / 2 of them.
Result<KernelSamples> ReadVidurAttention(const std::string& text);

// gpu_calibrate.py's JSON: its "gemm" cases (m, k, n, seconds) and
// "attention" cases (causal prefill with q_len == kv_len; decode with
// q_len 1).
Result<KernelSamples> ReadGpuCalibrateJson(const std::string& text);

}  // namespace fleetlab::calibrate
