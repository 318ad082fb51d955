// The catalog: models, accelerators, hosts and links, loaded from data files
// (data/models, data/gpus, data/hosts, data/links; schema in data/README.md).
// Every number in those files carries a source. Derived sizes (parameter
// counts, KV bytes per token) are computed here from the architecture,
// never typed in.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "fleetlab/llm/units.h"
#include "fleetlab/status.h"

namespace fleetlab {

enum class DType { kFp32, kBf16, kFp16, kFp8, kInt8, kInt4 };

// Bytes per element (int4: 0.5).
double BytesPerElement(DType d);
// "bf16" etc.; parsing returns nullopt for an unknown name.
const char* DTypeName(DType d);
std::optional<DType> ParseDType(const std::string& name);

struct ModelSpec {
  std::string id, name;
  std::vector<std::string> aliases;
  std::string architecture = "decoder";
  std::int64_t layers = 0, hidden = 0, heads = 0, kv_heads = 0, head_dim = 0;
  std::int64_t ffn = 0;            // per expert
  std::int64_t ffn_matrices = 3;   // SwiGLU: gate, up, down
  std::int64_t vocab = 0;
  bool tied_embeddings = false;
  std::int64_t experts = 1, experts_per_token = 1;
  std::int64_t max_context = 0;
  std::map<std::string, std::string> sources;

  // Parameters of one layer's attention: q, k, v and output projections.
  std::int64_t AttentionParamsPerLayer() const;
  // Parameters of one layer's MLP, all experts (plus the router for MoE).
  std::int64_t MlpParamsPerLayer() const;
  // MLP parameters one token touches in one layer (experts_per_token experts).
  std::int64_t ActiveMlpParamsPerLayer() const;
  std::int64_t EmbeddingParams() const { return vocab * hidden; }
  std::int64_t LmHeadParams() const { return tied_embeddings ? 0 : vocab * hidden; }
  // All parameters (embedding + layers + untied head; norms excluded, as in
  // the published counts' formula in facts.md).
  std::int64_t TotalParams() const;
  // Parameters one token's forward pass multiplies (active experts only).
  std::int64_t ActiveParams() const;
  // KV-cache bytes per token: 2 (K, V) x layers x kv_heads x head_dim x bytes.
  Bytes KvBytesPerToken(DType kv_dtype) const;
};

struct GpuSpec {
  std::string id, name;
  std::map<DType, double> peak_flops;  // dense FLOP/s per dtype
  double memory_bytes = 0;             // memory_gb x 1e9
  double memory_bandwidth_Bps = 0;     // bytes/s
  double power_w = 0, idle_power_w = 0;
  double price_per_hour_usd = 0;
  std::string scale_up_link, host_link;
  int gpus_per_node = 8;
  std::map<std::string, std::string> sources;

  // Peak FLOP/s for `d`, or nullopt if the device has no such math.
  std::optional<double> PeakFlops(DType d) const;
};

struct HostSpec {
  std::string id, name;
  double memory_bytes = 0;
  double memory_bandwidth_Bps = 0;
  std::string link_to_gpu;
  double power_w = 0;
  std::map<std::string, std::string> sources;
};

struct LinkSpec {
  std::string id, name;
  double bandwidth_Bps = 0;  // each way
  double latency_s = 0;      // per message
  std::map<std::string, std::string> sources;
};

class Catalog {
 public:
  // Loads every *.json file under dir/models, dir/gpus, dir/hosts, dir/links.
  // Any malformed file is an error naming the file and field; a numeric field
  // without a source, a duplicate id, or a GPU naming an unknown link too.
  static Result<Catalog> LoadDirectory(const std::string& dir);
  // The catalog shipped in the source tree's data/ folder.
  static Result<Catalog> LoadDefault();

  // Lookup by id or alias; nullptr if absent.
  const ModelSpec* FindModel(const std::string& id) const;
  const GpuSpec* FindGpu(const std::string& id) const;
  const HostSpec* FindHost(const std::string& id) const;
  const LinkSpec* FindLink(const std::string& id) const;

  const std::vector<ModelSpec>& models() const { return models_; }
  const std::vector<GpuSpec>& gpus() const { return gpus_; }
  const std::vector<HostSpec>& hosts() const { return hosts_; }
  const std::vector<LinkSpec>& links() const { return links_; }

  // Comma-separated ids, for "must be one of ..." messages.
  std::string ModelIds() const;
  std::string GpuIds() const;
  std::string LinkIds() const;
  std::string HostIds() const;

 private:
  std::vector<ModelSpec> models_;
  std::vector<GpuSpec> gpus_;
  std::vector<HostSpec> hosts_;
  std::vector<LinkSpec> links_;
};

}  // namespace fleetlab
