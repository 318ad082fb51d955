#include "cli/catalog_command.h"
#include "cli/catalog_cost.h"
#include "cli/catalog_import.h"

#include <memory>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "fleetlab/llm/catalog.h"
#include "fleetlab/llm/inference_cost.h"

namespace fleetlab::cli {
namespace {

using nlohmann::json;

struct CatalogArgs {
  bool json = false;
  std::string id;    // for `catalog model|gpu|host|link ID`
};

void Fail(CommandContext& ctx, const std::string& message) {
  ctx.err << "fleetlab: " << message << "\n";
  ctx.exit_code = 2;
}

double KiB(Bytes b) { return static_cast<double>(b.value()) / 1024.0; }

std::string Tflops(const GpuSpec& g, DType d) {
  const auto f = g.PeakFlops(d);
  return f ? fmt::format("{:.4g}", *f / 1e12) : "-";
}

json LayerJson(const LayerSpec& l) {
  return {{"name", l.name}, {"kind", l.kind}, {"macs", l.macs}, {"params", l.params},
          {"in_elements", l.in_elements}, {"out_elements", l.out_elements}, {"state_elements", l.state_elements}};
}

// Decoder-only fields for decoders; the image for encoders; the layer list
// for layer models. Derived sizes (params, MACs, KV bytes) are computed.
json ModelJson(const ModelSpec& m) {
  json j = {{"id", m.id}, {"name", m.name}, {"aliases", m.aliases}, {"architecture", m.architecture},
            {"layers", m.layers}, {"params", m.TotalParams()}};
  if (m.IsLayerList()) {
    json layers = json::array();
    for (const auto& l : m.layer_list) layers.push_back(LayerJson(l));
    j["layer_list"] = layers;
  } else {
    j.update({{"hidden", m.hidden}, {"heads", m.heads}, {"head_dim", m.head_dim}, {"ffn", m.ffn},
              {"ffn_matrices", m.ffn_matrices}});
  }
  if (m.IsEncoder()) {
    j.update({{"image_size", m.image_size}, {"patch_size", m.patch_size}, {"channels", m.channels},
              {"classes", m.classes}, {"tokens", m.EncoderTokens()}});
  }
  if (!m.IsDecoder()) {
    j["gmacs_per_input"] = ForwardFlopsPerInput(m) / 2 / 1e9;
    return j;
  }
  j.update({{"kv_heads", m.kv_heads}, {"vocab", m.vocab}, {"tied_embeddings", m.tied_embeddings},
            {"experts", m.experts}, {"experts_per_token", m.experts_per_token}, {"max_context", m.max_context},
            {"active_params", m.ActiveParams()},
            {"kv_bytes_per_token_bf16", m.KvBytesPerToken(DType::kBf16).value()},
            {"kv_bytes_per_token_fp8", m.KvBytesPerToken(DType::kFp8).value()}});
  const std::pair<const char*, std::int64_t> variants[] = {
      {"kv_lora_rank", m.kv_lora_rank}, {"q_lora_rank", m.q_lora_rank}, {"qk_nope_head_dim", m.qk_nope_head_dim},
      {"qk_rope_head_dim", m.qk_rope_head_dim}, {"v_head_dim", m.v_head_dim}, {"sliding_window", m.sliding_window},
      {"local_layers", m.local_layers}, {"dense_layers", m.dense_layers}, {"dense_ffn", m.dense_ffn},
      {"shared_experts", m.shared_experts}};
  for (const auto& [key, value] : variants) {
    if (value > 0) j[key] = value;
  }
  if (m.local_layers > 0) j["window_kv_bytes_per_sequence_bf16"] = m.WindowKvBytesPerSequence(DType::kBf16).value();
  return j;
}

json GpuJson(const GpuSpec& g) {
  json peak = json::object();
  for (const auto& [d, f] : g.peak_flops) peak[DTypeName(d)] = f / 1e12;
  json j = {{"id", g.id}, {"name", g.name}, {"device_class", g.device_class}, {"peak_tflops", peak},
            {"memory_gb", g.memory_bytes / 1e9}, {"memory_bandwidth_gbps", g.memory_bandwidth_Bps / 1e9},
            {"power_w", g.power_w}, {"idle_power_w", g.idle_power_w}, {"active_power_w", g.ActivePowerW()},
            {"price_per_hour_usd", g.price_per_hour_usd}, {"scale_up_link", g.scale_up_link},
            {"host_link", g.host_link.empty() ? json(nullptr) : json(g.host_link)}, {"gpus_per_node", g.gpus_per_node},
            {"scale_out_link", g.ScaleOutLink()}};
  const std::pair<const char*, double> optional[] = {
      {"sleep_power_w", g.sleep_power_w}, {"wakeup_energy_uj", g.wakeup_energy_j * 1e6},
      {"energy_pj_per_flop", g.energy_per_flop_j * 1e12}, {"energy_pj_per_byte", g.energy_per_byte_j * 1e12},
      {"sram_kib", g.sram_bytes / 1024}};
  for (const auto& [key, v] : optional) {
    if (v > 0) j[key] = v;
  }
  return j;
}

json HostJson(const HostSpec& h) {
  return {{"id", h.id}, {"name", h.name}, {"memory_gb", h.memory_bytes / 1e9},
          {"memory_bandwidth_gbps", h.memory_bandwidth_Bps / 1e9}, {"link_to_gpu", h.link_to_gpu},
          {"power_w", h.power_w}};
}

json LinkJson(const LinkSpec& l) {
  return {{"id", l.id}, {"name", l.name}, {"bandwidth_gbps", l.bandwidth_Bps / 1e9}, {"latency_us", l.latency_s * 1e6},
          {"latency_p99_us", l.latency_p99_s * 1e6}, {"loss_rate", l.loss_rate},
          {"energy_nj_per_byte", l.energy_per_byte_j * 1e9}};
}

template <typename Spec>
json ListJson(const std::vector<Spec>& specs, json (*one)(const Spec&)) {
  json out = json::array();
  for (const auto& s : specs) out.push_back(one(s));
  return out;
}

std::string ModelsText(const Catalog& c) {
  std::string out = fmt::format("LLMs (decoders)\n{:<16} {:>9} {:>16} {:>12}\n", "id", "params B", "KV KiB/tok bf16",
                                "max context");
  for (const auto& m : c.models()) {
    if (!m.IsDecoder()) continue;
    out += fmt::format("{:<16} {:>9.2f} {:>16.0f} {:>12}\n", m.id, m.TotalParams() / 1e9,
                       KiB(m.KvBytesPerToken(DType::kBf16)), m.max_context);
  }
  out += fmt::format("\nPerception and audio models\n{:<16} {:<13} {:>6} {:>10} {:>13}\n", "id", "architecture",
                     "layers", "params M", "GMAC/input");
  for (const auto& m : c.models()) {
    if (m.IsDecoder()) continue;
    out += fmt::format("{:<16} {:<13} {:>6} {:>10.3f} {:>13.4f}\n", m.id, m.architecture, m.layers,
                       m.TotalParams() / 1e6, ForwardFlopsPerInput(m) / 2 / 1e9);
  }
  return out;
}

std::string DevicesText(const Catalog& c) {
  std::string out = fmt::format("\nAccelerators\n{:<21} {:<14} {:>8} {:>9} {:>10} {:>9} {:>9} {:>9} {:>6}\n", "id",
                                "class", "bf16 TF", "int8 TOPS", "memory GB", "mem GB/s", "active W", "idle W", "$/h");
  for (const auto& g : c.gpus()) {
    const auto int8 = g.PeakFlops(DType::kInt8);
    out += fmt::format("{:<21} {:<14} {:>8} {:>9} {:>10.4g} {:>9.4g} {:>9.4g} {:>9.4g} {:>6.2f}\n", g.id,
                       g.device_class, Tflops(g, DType::kBf16), int8 ? fmt::format("{:.4g}", *int8 / 1e12) : "-",
                       g.FitBytes() / 1e9, g.memory_bandwidth_Bps / 1e9, g.ActivePowerW(), g.idle_power_w,
                       g.price_per_hour_usd);
  }
  return out;
}

std::string ListText(const Catalog& c) {
  std::string out = ModelsText(c) + DevicesText(c);
  out += fmt::format("\nHosts\n{:<11} {:>9} {:>10} {:<12} {:>7}\n", "id", "memory GB", "DRAM GB/s", "link to GPU",
                     "power W");
  for (const auto& h : c.hosts()) {
    out += fmt::format("{:<11} {:>9.0f} {:>10.1f} {:<12} {:>7.0f}\n", h.id, h.memory_bytes / 1e9,
                       h.memory_bandwidth_Bps / 1e9, h.link_to_gpu, h.power_w);
  }
  out += fmt::format("\nLinks\n{:<21} {:>14} {:>11} {:>11} {:>9} {:>8}\n", "id", "GB/s each way", "latency us",
                     "p99 us", "loss", "nJ/B");
  for (const auto& l : c.links()) {
    out += fmt::format("{:<21} {:>14.4g} {:>11.4g} {:>11.4g} {:>9.2g} {:>8.3g}\n", l.id, l.bandwidth_Bps / 1e9,
                       l.latency_s * 1e6, l.latency_p99_s * 1e6, l.loss_rate, l.energy_per_byte_j * 1e9);
  }
  return out;
}

// A layer-list model's layers, one per line.
std::string LayerTable(const json& layers) {
  std::string out = fmt::format("  {:<18} {:<12} {:>14} {:>10} {:>10} {:>10} {:>8}\n", "layer", "kind", "MACs",
                                "params", "in", "out", "state");
  for (const auto& l : layers) {
    out += fmt::format("  {:<18} {:<12} {:>14.0f} {:>10} {:>10} {:>10} {:>8}\n", l["name"].get<std::string>(),
                       l["kind"].get<std::string>(), l["macs"].get<double>(), l["params"].get<std::int64_t>(),
                       l["in_elements"].get<std::int64_t>(), l["out_elements"].get<std::int64_t>(),
                       l["state_elements"].get<std::int64_t>());
  }
  return out;
}

// One spec as text: its JSON fields, one per line, then its sources.
std::string OneText(const json& fields, const std::map<std::string, std::string>& sources) {
  std::string out = fmt::format("{} ({})\n", fields["id"].get<std::string>(), fields["name"].get<std::string>());
  for (const auto& [key, value] : fields.items()) {
    if (key == "id" || key == "name" || key == "layer_list") continue;
    out += fmt::format("  {:<24} {}\n", key, value.is_string() ? value.get<std::string>() : value.dump());
  }
  if (fields.contains("layer_list")) out += LayerTable(fields["layer_list"]);
  out += "sources:\n";
  for (const auto& [key, text] : sources) out += fmt::format("  {}: {}\n", key, text);
  return out;
}

template <typename Spec>
bool Show(const Spec* spec, json (*to_json)(const Spec&), json* fields, std::map<std::string, std::string>* sources) {
  if (spec == nullptr) return false;
  *fields = to_json(*spec);
  sources->clear();
  for (const auto& [key, text] : spec->sources) sources->emplace(key, text);
  return true;
}

// `kind` is "model", "gpu", "host" or "link"; fills fields and sources, or
// returns the "unknown ..." message.
std::string FindOne(const Catalog& c, const std::string& kind, const std::string& id, json* fields,
                    std::map<std::string, std::string>* sources) {
  bool found = false;
  std::string known;
  if (kind == "model") {
    found = Show(c.FindModel(id), &ModelJson, fields, sources);
    known = c.ModelIds();
  } else if (kind == "gpu") {
    found = Show(c.FindGpu(id), &GpuJson, fields, sources);
    known = c.GpuIds();
  } else if (kind == "host") {
    found = Show(c.FindHost(id), &HostJson, fields, sources);
    known = c.HostIds();
  } else {
    found = Show(c.FindLink(id), &LinkJson, fields, sources);
    known = c.LinkIds();
  }
  return found ? "" : fmt::format("unknown {} \"{}\"; known: {}", kind, id, known);
}

void Run(CommandContext& ctx, const CatalogArgs& args, const CostArgs& cost, const CLI::App* shown) {
  auto catalog = Catalog::LoadDefault();  // data/ with the --data / FLEETLAB_DATA overlays
  if (!catalog.ok()) return Fail(ctx, catalog.status().message());
  const Catalog& c = *catalog;
  if (shown != nullptr && shown->get_name() == "cost") return RunCost(ctx, c, cost, args.json);
  if (shown == nullptr) {
    if (!args.json) return (void)(ctx.out << ListText(c));
    const json all = {{"models", ListJson(c.models(), &ModelJson)}, {"gpus", ListJson(c.gpus(), &GpuJson)},
                      {"hosts", ListJson(c.hosts(), &HostJson)}, {"links", ListJson(c.links(), &LinkJson)}};
    return (void)(ctx.out << all.dump(2) << "\n");
  }
  json fields;
  std::map<std::string, std::string> sources;
  const std::string error = FindOne(c, shown->get_name(), args.id, &fields, &sources);
  if (!error.empty()) return Fail(ctx, error);
  if (!args.json) return (void)(ctx.out << OneText(fields, sources));
  fields["sources"] = sources;
  ctx.out << fields.dump(2) << "\n";
}

}  // namespace

void AddCatalogCommand(CLI::App& app, CommandContext& ctx) {
  auto* cmd = app.add_subcommand("catalog", "List the catalog's models (LLMs, vision and audio networks), accelerators "
                                            "(GPUs and edge devices), hosts and links (data/, every number sourced), "
                                            "or show one with its sources; `catalog cost` prices one batch of a model "
                                            "on a device.");
  auto args = std::make_shared<CatalogArgs>();
  cmd->add_flag("--json", args->json, "Print JSON instead of tables.");
  cmd->fallthrough();
  for (const char* kind : {"model", "gpu", "host", "link"}) {
    auto* one = cmd->add_subcommand(kind, fmt::format("Show one {} with the source of every number.", kind));
    one->add_option("id", args->id, fmt::format("The {}'s id{}.", kind, std::string(kind) == "model" ? " or alias" : ""))
        ->required();
  }
  auto cost = std::make_shared<CostArgs>();
  AddCostSubcommand(*cmd, cost);
  auto import = std::make_shared<ImportArgs>();
  AddImportSubcommand(*cmd, import);
  cmd->callback([&ctx, args, cost, import, cmd]() {
    const auto shown = cmd->get_subcommands();
    if (!shown.empty() && shown.front()->get_name() == "import-hf") return RunImport(ctx, *import);
    Run(ctx, *args, *cost, shown.empty() ? nullptr : shown.front());
  });
}

}  // namespace fleetlab::cli
