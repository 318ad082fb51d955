// The catalog: models, accelerators, hosts and links, loaded from data files
// (data/models, data/gpus, data/hosts, data/links; schema in data/README.md).
// Every number in those files carries a source. Derived sizes (parameter
// counts, KV bytes per token, a layer's MACs) are computed here from the
// architecture, never typed in.
//
// Three model architectures share ModelSpec: "decoder" (an LLM with a KV
// cache), "encoder" (a vision transformer: patch embedding, `layers`
// transformer layers, no KV cache) and "layers" (a short list of CNN/RNN
// layers, each with its MACs, parameters and activations). Accelerators of
// every class (datacenter GPUs, edge GPUs, phone SoCs, MCUs with an NPU,
// gateways) share GpuSpec.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "fleetlab/llm/units.h"
#include "fleetlab/status.h"
#include "fleetlab/util/file_set.h"

namespace fleetlab {

enum class DType { kFp32, kBf16, kFp16, kFp8, kInt8, kInt4 };

// Bytes per element (int4: 0.5).
double BytesPerElement(DType d);
// "bf16" etc.; parsing returns nullopt for an unknown name.
const char* DTypeName(DType d);
std::optional<DType> ParseDType(const std::string& name);

// One layer of a "layers" model, per input (one image, one audio frame).
// The loader computes every number from the layer's shape (data/README.md,
// "Layer kinds"); kind "custom" gives them directly, with a source.
struct LayerSpec {
  std::string name;
  std::string kind;                 // conv2d, basic_block, pool, dense, gru, lstm, norm, custom
  double macs = 0;                  // multiply-accumulates (2 FLOPs each)
  std::int64_t params = 0;          // weights + biases (+ norm scale/shift)
  std::int64_t in_elements = 0;     // activations read (the layer's input)
  std::int64_t out_elements = 0;    // activations written (the layer's output)
  std::int64_t live_elements = 0;   // largest set live at once inside the layer (>= in + out)
  std::int64_t state_elements = 0;  // recurrent state kept between inputs (GRU h, LSTM h and c)
};

struct ModelSpec {
  std::string id, name;
  std::vector<std::string> aliases;
  std::string architecture = "decoder";  // "decoder", "encoder" or "layers"
  std::int64_t layers = 0, hidden = 0, heads = 0, kv_heads = 0, head_dim = 0;
  std::int64_t ffn = 0;            // per expert
  std::int64_t ffn_matrices = 3;   // SwiGLU: gate, up, down
  std::int64_t vocab = 0;
  bool tied_embeddings = false;
  std::int64_t experts = 1, experts_per_token = 1;
  std::int64_t max_context = 0;
  // Encoder only: the input image and the classifier (0 classes: no head).
  std::int64_t image_size = 0, patch_size = 0, channels = 0, classes = 0;
  // "layers" only: the layers in order (`layers` is their count).
  std::vector<LayerSpec> layer_list;
  std::map<std::string, std::string> sources;

  bool IsDecoder() const { return architecture == "decoder"; }
  bool IsEncoder() const { return architecture == "encoder"; }
  bool IsLayerList() const { return architecture == "layers"; }
  // Encoder: tokens per image, (image_size / patch_size)^2 patches + 1 class
  // token (197 for ViT-B/16 at 224 x 224). 0 for other architectures.
  std::int64_t EncoderTokens() const;
  // Encoder: parameters of one transformer layer with biases and its two
  // layer norms; of the patch embedding (conv + bias, class token, position
  // embeddings); of the head (final norm + classifier).
  std::int64_t EncoderLayerParams() const;
  std::int64_t EncoderEmbeddingParams() const;
  std::int64_t EncoderHeadParams() const;

  // Parameters of one layer's attention: q, k, v and output projections.
  std::int64_t AttentionParamsPerLayer() const;
  // Parameters of one layer's MLP, all experts (plus the router for MoE).
  std::int64_t MlpParamsPerLayer() const;
  // MLP parameters one token touches in one layer (experts_per_token experts).
  std::int64_t ActiveMlpParamsPerLayer() const;
  std::int64_t EmbeddingParams() const { return vocab * hidden; }
  std::int64_t LmHeadParams() const { return tied_embeddings ? 0 : vocab * hidden; }
  // All parameters. Decoder: embedding + layers + untied head; norms
  // excluded, as in the published counts' formula in facts.md. Encoder:
  // everything, biases and norms included (as torchvision counts them).
  // Layers: the sum over the layer list.
  std::int64_t TotalParams() const;
  // Parameters one token's forward pass multiplies (active experts only).
  std::int64_t ActiveParams() const;
  // KV-cache bytes per token: 2 (K, V) x layers x kv_heads x head_dim x bytes.
  Bytes KvBytesPerToken(DType kv_dtype) const;
};

// Any accelerator: a datacenter GPU, an edge GPU module, a phone SoC's NPU,
// an MCU with a micro-NPU, a gateway's CPU.
struct GpuSpec {
  std::string id, name;
  // "datacenter-gpu", "edge-gpu", "soc", "mcu" or "gateway" (for listings).
  std::string device_class = "datacenter-gpu";
  std::map<DType, double> peak_flops;  // dense FLOP/s (OP/s for int8) per dtype
  double memory_bytes = 0;             // memory_gb x 1e9
  double memory_bandwidth_Bps = 0;     // bytes/s
  double power_w = 0, idle_power_w = 0;
  // Power model (docs/model.md, "Power and energy"). 0 means "not given".
  double active_power_w = 0;     // draw while running inference; 0: use power_w
  double sleep_power_w = 0;      // deepest sleep that keeps the weights
  double wakeup_energy_j = 0;    // energy of one wake-up from that sleep
  double energy_per_flop_j = 0;  // dynamic energy per FLOP (per op for int8)
  double energy_per_byte_j = 0;  // dynamic energy per byte moved to/from memory
  // On-chip memory that must hold weights + activations, where it is the
  // limit (an MCU's SRAM); 0: memory_bytes is the limit.
  double sram_bytes = 0;
  double price_per_hour_usd = 0;  // 0: not priced
  std::string scale_up_link;      // link between devices of this kind
  std::string host_link;          // empty: unified memory (an SoC), no host link
  int gpus_per_node = 8;
  std::map<std::string, std::string> sources;

  // Peak FLOP/s for `d`, or nullopt if the device has no such math.
  std::optional<double> PeakFlops(DType d) const;
  // active_power_w, or power_w when no active figure is given.
  double ActivePowerW() const { return active_power_w > 0 ? active_power_w : power_w; }
  // The memory weights + activations must fit: sram_bytes when given.
  double FitBytes() const { return sram_bytes > 0 ? sram_bytes : memory_bytes; }
  // True when the device gives per-FLOP or per-byte energies.
  bool HasOpEnergies() const { return energy_per_flop_j > 0 || energy_per_byte_j > 0; }
};

struct HostSpec {
  std::string id, name;
  double memory_bytes = 0;
  double memory_bandwidth_Bps = 0;
  std::string link_to_gpu;
  double power_w = 0;
  std::map<std::string, std::string> sources;
};

// A link: alpha-beta cost (latency + bytes / bandwidth) per message, with
// the alpha's jitter, loss and radio energy (docs/model.md, "Links").
struct LinkSpec {
  std::string id, name;
  double bandwidth_Bps = 0;    // each way
  double latency_s = 0;        // per message start-up cost alpha: its median
  double latency_p99_s = 0;    // alpha's 99th percentile (== latency_s: no jitter)
  double loss_rate = 0;        // probability a message is lost (retry), per message
  double energy_per_byte_j = 0;  // radio energy per byte sent (0: not modelled)
  std::map<std::string, std::string> sources;

  // Alpha is lognormal with median latency_s and 99th percentile
  // latency_p99_s: alpha = latency_s * exp(sigma * Z), Z standard normal,
  // sigma = ln(p99 / median) / 2.3263479 (the normal's 99th percentile).
  // 0 when there is no jitter.
  double LatencyLogSigma() const;
  // The mean of that lognormal: latency_s * exp(sigma^2 / 2).
  double LatencyMean() const;
  // Alpha for one message given a standard normal draw z.
  double LatencyFor(double z) const;
};

class Catalog {
 public:
  // Loads every *.json file under dir/models, dir/gpus, dir/hosts, dir/links.
  // Any malformed file is an error naming the file and field; a numeric field
  // without a source, a duplicate id, or a GPU naming an unknown link too.
  static Result<Catalog> LoadDirectory(const std::string& dir);
  // The same from files in memory ("gpus/h100-sxm.json" -> its text; a
  // folder with no files is empty), for a caller without a filesystem (the
  // WebAssembly engine). Errors name each file as root/<relative path>.
  static Result<Catalog> LoadFiles(const FileSet& files, const std::string& root = "data");
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
