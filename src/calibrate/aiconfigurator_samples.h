// Kernel timings from NVIDIA's public aiconfigurator performance database
// (github.com/ai-dynamo/aiconfigurator, aic-core/src/aiconfigurator_core/
// systems/data/<system>/<op>/<framework>/<version>/*_perf.parquet), each
// table written out as CSV with its header (tools/calibrate/
// aiconfigurator-profile.sh does it). Every row is one operation timed under
// CUDA graphs on one GPU; `latency` is in ms. Pure functions of the text.
#pragma once

#include <string>

#include "calibrate/kernel_samples.h"
#include "fleetlab/status.h"

namespace fleetlab::calibrate {

// gemm_perf: rows (m, n, k, latency) whose gemm_dtype is `dtype` (e.g.
// "fp8_block": block-scaled FP8, as DeepSeek's weights are), each one
// GemmSample of m tokens by a k x n weight.
Result<KernelSamples> ReadAicGemm(const std::string& text, const std::string& dtype);

// moe_perf: the fused MoE calls whose moe_dtype is `dtype`, with every
// expert on the GPU (moe_ep_size 1) and the collector's "balanced" routing,
// under which T tokens touch min(E, T k) experts (token t takes experts
// t + j ceil(E / k) mod E, or spread by ceil(E / k) / T when T is smaller):
// the only pattern whose touched count is known, so the only one whose bytes
// are. inter_size is the whole MLP's; this GPU holds 1 / moe_tp_size of it.
Result<KernelSamples> ReadAicMoe(const std::string& text, const std::string& dtype);

// custom_allreduce_perf: the all-reduces captured in CUDA graphs (the
// backend or kernel source names "graph"), of message_size bf16 elements
// over num_gpus GPUs.
Result<KernelSamples> ReadAicAllReduce(const std::string& text);

// context_attention_perf or generation_attention_perf (each row's op_name
// says which): full-window attention whose
// kv_cache_dtype is `kv_dtype`, num_heads query and num_key_value_heads KV
// heads of head_dim on this GPU. A context row prefills batch_size prompts
// of isl tokens with no cache (isl (isl + 1) / 2 causal pairs each, 4
// head_dim FLOPs a pair and head); a generation row decodes batch_size
// sequences, each reading K and V of isl + step tokens.
Result<KernelSamples> ReadAicAttention(const std::string& text, const std::string& kv_dtype);

// generation_mla_perf: absorbed MLA decode calls whose kv_cache_dtype is
// `kv_dtype` ("bfloat16" or "fp8"): batch_size sequences of isl + step
// cached tokens, each reading its 576-value latent (kv_lora_rank 512 + rope
// 64, the DeepSeek-V2/V3 family's) per token once.
Result<KernelSamples> ReadAicMlaDecode(const std::string& text, const std::string& kv_dtype);

}  // namespace fleetlab::calibrate
