// The catalog: models, accelerators, hosts and links, loaded from data files
// (data/models, data/gpus, data/hosts, data/links, data/engines; schema in
// data/README.md).
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

#include <cassert>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fleetlab/llm/calibration.h"
#include "fleetlab/llm/dtype.h"
#include "fleetlab/llm/engine_spec.h"
#include "fleetlab/llm/units.h"
#include "fleetlab/status.h"
#include "fleetlab/util/file_set.h"

namespace fleetlab {

// The link between nodes of a device whose file names none: InfiniBand NDR,
// one 400 Gb/s port per GPU as in typical 8-GPU nodes (DGX H100: eight ConnectX-7
// 400 Gb/s ports, NVIDIA DGX BasePOD reference architecture).
inline constexpr const char* kDefaultScaleOutLink = "infiniband-ndr";

// A catalog entry's citations: field (or "field.key") -> where its number
// comes from. Read once with the file and never changed, so every copy of
// the entry shares one map: a scenario copies its model, GPU, host and link
// entries for each replica it builds, and copying the citations' text was
// ~2% of a 1000-point sweep.
class Sources {
 public:
  using Map = std::map<std::string, std::string>;
  Sources() = default;
  explicit Sources(Map m) : map_(std::make_shared<const Map>(std::move(m))) {}
  std::size_t count(const std::string& field) const { return map_ ? map_->count(field) : 0; }
  // REQUIRES: count(field) == 1.
  const std::string& at(const std::string& field) const {
    assert(map_ != nullptr);
    return map_->at(field);
  }
  // In field order; empty for an entry built without a file.
  Map::const_iterator begin() const { return map_ ? map_->begin() : Map::const_iterator(); }
  Map::const_iterator end() const { return map_ ? map_->end() : Map::const_iterator(); }

 private:
  std::shared_ptr<const Map> map_;
};

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
  // Multi-head latent attention (DeepSeek-V2/V3; 0: not MLA). The cache
  // holds, per token and layer, one latent of kv_lora_rank and one RoPE key
  // of qk_rope_head_dim shared by all heads; each head's key (qk_nope_head_dim
  // + qk_rope_head_dim) and value (v_head_dim) are projected up from it.
  // q_lora_rank: the query's down-projection rank (0: a full projection).
  std::int64_t kv_lora_rank = 0, q_lora_rank = 0, qk_nope_head_dim = 0, qk_rope_head_dim = 0, v_head_dim = 0;
  // Sliding-window attention: `local_layers` layers attend only to the last
  // `sliding_window` tokens (gpt-oss: every other layer, 128 tokens); their
  // KV is bounded by the window. 0: every layer attends to all.
  std::int64_t sliding_window = 0, local_layers = 0;
  // Mixture of experts beyond top-k routing: the first `dense_layers` layers
  // have a dense MLP of `dense_ffn` (DeepSeek's first_k_dense_replace), and
  // every MoE layer also runs `shared_experts` experts of `ffn` on every
  // token (DeepSeek's n_shared_experts).
  std::int64_t dense_layers = 0, dense_ffn = 0, shared_experts = 0;
  // Encoder only: the input image and the classifier (0 classes: no head).
  std::int64_t image_size = 0, patch_size = 0, channels = 0, classes = 0;
  // "layers" only: the layers in order (`layers` is their count).
  std::vector<LayerSpec> layer_list;
  Sources sources;

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

  bool IsMla() const { return kv_lora_rank > 0; }
  bool IsMoe() const { return experts > 1; }
  // Layers whose MLP is the model's standard one (all experts, for MoE), and
  // those whose attention sees every token.
  std::int64_t StandardLayers() const { return layers - dense_layers; }
  std::int64_t GlobalLayers() const { return layers - local_layers; }

  // Parameters of one layer's attention: q, k, v and output projections
  // (MLA: q down/up, the KV down-projection with the RoPE key, the KV
  // up-projection, the output).
  std::int64_t AttentionParamsPerLayer() const;
  // Parameters of one standard layer's MLP: all experts, shared experts and
  // the router for MoE.
  std::int64_t MlpParamsPerLayer() const;
  // MLP parameters one token touches in one standard layer (experts_per_token
  // experts and the shared ones).
  std::int64_t ActiveMlpParamsPerLayer() const;
  // The MLP of one of the first dense_layers layers (0 when there are none).
  std::int64_t DenseMlpParamsPerLayer() const { return ffn_matrices * hidden * dense_ffn; }
  // MLA: the KV up-projection (kv_lora_rank x heads x (nope + v)); 0 otherwise.
  std::int64_t MlaUpProjectionParams() const;
  // Elements per token per layer of the cache a global layer holds: 2 x
  // kv_heads x head_dim, or MLA's kv_lora_rank + qk_rope_head_dim.
  std::int64_t KvElementsPerTokenPerLayer() const;
  std::int64_t EmbeddingParams() const { return vocab * hidden; }
  std::int64_t LmHeadParams() const { return tied_embeddings ? 0 : vocab * hidden; }
  // All parameters. Decoder: embedding + layers + untied head; norms
  // excluded (below the published counts' rounding). Encoder:
  // everything, biases and norms included (as torchvision counts them).
  // Layers: the sum over the layer list.
  std::int64_t TotalParams() const;
  // Parameters one token's forward pass multiplies (active experts only).
  std::int64_t ActiveParams() const;
  // KV-cache bytes per token of context, over the layers whose cache grows
  // with it: 2 (K, V) x global layers x kv_heads x head_dim x bytes; MLA:
  // (kv_lora_rank + qk_rope_head_dim) x layers x bytes (DeepSeek-V3 bf16:
  // 576 x 61 x 2 = 70,272 B). Sliding-window layers are bounded instead:
  // WindowKvBytesPerSequence.
  Bytes KvBytesPerToken(DType kv_dtype) const;
  // KV bytes one sequence's sliding-window layers hold at most: local_layers
  // x sliding_window x 2 x kv_heads x head_dim x bytes (0 without a window).
  Bytes WindowKvBytesPerSequence(DType kv_dtype) const;
};

// Any accelerator: a datacenter GPU, an edge GPU module, a phone SoC's NPU,
// an MCU with a micro-NPU, a gateway's CPU.
struct GpuSpec {
  std::string id, name;
  // "datacenter-gpu", "edge-gpu", "soc", "mcu" or "gateway" (for listings).
  std::string device_class = "datacenter-gpu";
  std::map<DType, double> peak_flops;  // dense FLOP/s (OP/s for int8) per dtype
  double memory_bytes = 0;             // memory_gb x 1e9
  // What the device reports (device_memory_mib x 2^20, nvidia-smi's total);
  // 0: not given (memory_bytes is used).
  double device_memory_bytes = 0;
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
  // Link between nodes, per device (one NIC each); empty: InfiniBand NDR
  // (kDefaultScaleOutLink), as in typical 8-GPU nodes. Set it for a device
  // whose nodes are joined otherwise (Gaudi 3's integrated RoCE ports).
  std::string scale_out_link;
  Sources sources;

  // The link between nodes: scale_out_link, or the default.
  std::string ScaleOutLink() const;

  // Peak FLOP/s for `d`, or nullopt if the device has no such math.
  std::optional<double> PeakFlops(DType d) const;
  // active_power_w, or power_w when no active figure is given.
  double ActivePowerW() const { return active_power_w > 0 ? active_power_w : power_w; }
  // The memory weights + activations must fit: sram_bytes when given.
  double FitBytes() const { return sram_bytes > 0 ? sram_bytes : memory_bytes; }
  // The memory a plan starts from: the device-reported size when asked
  // for and known, else the nominal one.
  double MemoryBytes(MemoryCapacity c) const {
    return c == MemoryCapacity::kDevice && device_memory_bytes > 0 ? device_memory_bytes : memory_bytes;
  }
  // True when the device gives per-FLOP or per-byte energies.
  bool HasOpEnergies() const { return energy_per_flop_j > 0 || energy_per_byte_j > 0; }
};

struct HostSpec {
  std::string id, name;
  double memory_bytes = 0;
  double memory_bandwidth_Bps = 0;
  std::string link_to_gpu;
  double power_w = 0;
  Sources sources;
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
  Sources sources;

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
  // The shipped catalog (BuiltinDirectory()), overlaid by the
  // folders named in the environment variable FLEETLAB_DATA (':'-separated,
  // each laid over the ones before; the command line's --data adds to it).
  static Result<Catalog> LoadDefault();
  // BuiltinDirectory(), then each of `overlays` laid over it (Overlay).
  static Result<Catalog> LoadWithOverlays(const std::string& base, const std::vector<std::string>& overlays);
  // The folders FLEETLAB_DATA names, in order (empty when unset).
  static std::vector<std::string> OverlayDirectories();
  // The shipped data/ folder: ShareDirectory() + "/data" (util/share_dir.h;
  // the source tree's in a build tree, share/fleetlab's when installed).
  static std::string BuiltinDirectory();
  // A folder holding any of models/, gpus/, hosts/, links/ (missing ones are
  // empty); links named by its GPUs and hosts are checked by Overlay.
  static Result<Catalog> LoadOverlayDirectory(const std::string& dir);

  // Lays `top` (read from `dir`) over this catalog: an entry with an id this
  // catalog has replaces it, a new one is added. Errors name `dir` and the
  // entry: an alias taken by another model, a GPU or host naming an unknown
  // link.
  Status Overlay(const Catalog& top, const std::string& dir);
  // Adds a calibration profile, replacing one with its id (a profile being
  // fitted, before it is a file). Errors: ValidateCalibration's, or a GPU or
  // engine this catalog lacks.
  Status AddCalibration(const CalibrationProfile& profile);

  // Lookup by id or alias; nullptr if absent.
  const ModelSpec* FindModel(const std::string& id) const;
  const GpuSpec* FindGpu(const std::string& id) const;
  const HostSpec* FindHost(const std::string& id) const;
  const LinkSpec* FindLink(const std::string& id) const;
  const EngineSpec* FindEngine(const std::string& id) const;
  const CalibrationProfile* FindCalibration(const std::string& id) const;
  // The profile for this GPU and dtype whose kernels `engine` runs (the
  // first by id when several do); nullptr if none.
  const CalibrationProfile* CalibrationFor(const std::string& gpu, DType dtype, const std::string& engine) const;

  const std::vector<ModelSpec>& models() const { return models_; }
  const std::vector<GpuSpec>& gpus() const { return gpus_; }
  const std::vector<HostSpec>& hosts() const { return hosts_; }
  const std::vector<LinkSpec>& links() const { return links_; }
  const std::vector<EngineSpec>& engines() const { return engines_; }
  const std::vector<CalibrationProfile>& calibrations() const { return calibrations_; }

  // Comma-separated ids, for "must be one of ..." messages.
  std::string ModelIds() const;
  std::string GpuIds() const;
  std::string LinkIds() const;
  std::string HostIds() const;
  std::string EngineIds() const;
  std::string CalibrationIds() const;

 private:
  Status CheckCalibrations(const std::string& root) const;

  std::vector<ModelSpec> models_;
  std::vector<GpuSpec> gpus_;
  std::vector<HostSpec> hosts_;
  std::vector<LinkSpec> links_;
  std::vector<EngineSpec> engines_;  // data/engines (optional folder)
  std::vector<CalibrationProfile> calibrations_;  // data/calibration (optional folder)
};

}  // namespace fleetlab
