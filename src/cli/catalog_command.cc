#include "cli/catalog_command.h"

#include <memory>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "fleetlab/llm/catalog.h"

namespace fleetlab::cli {
namespace {

using nlohmann::json;

struct CatalogArgs {
  bool json = false;
  std::string data;  // empty: the source tree's data/
  std::string id;    // for `catalog model|gpu|host|link ID`
};

void Fail(CommandContext& ctx, const std::string& message) {
  ctx.err << "fleetlab: " << message << "\n";
  ctx.exit_code = 2;
}

double KiB(Bytes b) { return static_cast<double>(b.value()) / 1024.0; }

std::string Tflops(const GpuSpec& g, DType d) {
  const auto f = g.PeakFlops(d);
  return f ? fmt::format("{:.0f}", *f / 1e12) : "-";
}

json ModelJson(const ModelSpec& m) {
  return {{"id", m.id}, {"name", m.name}, {"aliases", m.aliases}, {"architecture", m.architecture},
          {"layers", m.layers}, {"hidden", m.hidden}, {"heads", m.heads}, {"kv_heads", m.kv_heads},
          {"head_dim", m.head_dim}, {"ffn", m.ffn}, {"ffn_matrices", m.ffn_matrices}, {"vocab", m.vocab},
          {"tied_embeddings", m.tied_embeddings}, {"experts", m.experts},
          {"experts_per_token", m.experts_per_token}, {"max_context", m.max_context},
          {"params", m.TotalParams()}, {"active_params", m.ActiveParams()},
          {"kv_bytes_per_token_bf16", m.KvBytesPerToken(DType::kBf16).value()},
          {"kv_bytes_per_token_fp8", m.KvBytesPerToken(DType::kFp8).value()}};
}

json GpuJson(const GpuSpec& g) {
  json peak = json::object();
  for (const auto& [d, f] : g.peak_flops) peak[DTypeName(d)] = f / 1e12;
  return {{"id", g.id}, {"name", g.name}, {"peak_tflops", peak}, {"memory_gb", g.memory_bytes / 1e9},
          {"memory_bandwidth_gbps", g.memory_bandwidth_Bps / 1e9}, {"power_w", g.power_w},
          {"idle_power_w", g.idle_power_w}, {"price_per_hour_usd", g.price_per_hour_usd},
          {"scale_up_link", g.scale_up_link}, {"host_link", g.host_link}, {"gpus_per_node", g.gpus_per_node}};
}

json HostJson(const HostSpec& h) {
  return {{"id", h.id}, {"name", h.name}, {"memory_gb", h.memory_bytes / 1e9},
          {"memory_bandwidth_gbps", h.memory_bandwidth_Bps / 1e9}, {"link_to_gpu", h.link_to_gpu},
          {"power_w", h.power_w}};
}

json LinkJson(const LinkSpec& l) {
  return {{"id", l.id}, {"name", l.name}, {"bandwidth_gbps", l.bandwidth_Bps / 1e9}, {"latency_us", l.latency_s * 1e6}};
}

template <typename Spec>
json ListJson(const std::vector<Spec>& specs, json (*one)(const Spec&)) {
  json out = json::array();
  for (const auto& s : specs) out.push_back(one(s));
  return out;
}

std::string ListText(const Catalog& c) {
  std::string out = fmt::format("Models\n{:<16} {:<14} {:>9} {:>16} {:>12}\n", "id", "name", "params B",
                                "KV KiB/tok bf16", "max context");
  for (const auto& m : c.models()) {
    out += fmt::format("{:<16} {:<14} {:>9.2f} {:>16.0f} {:>12}\n", m.id, m.name, m.TotalParams() / 1e9,
                       KiB(m.KvBytesPerToken(DType::kBf16)), m.max_context);
  }
  out += fmt::format("\nGPUs\n{:<11} {:>12} {:>11} {:>9} {:>8} {:>7} {:>6}\n", "id", "bf16 TFLOP/s", "fp8 TFLOP/s",
                     "memory GB", "HBM TB/s", "power W", "$/h");
  for (const auto& g : c.gpus()) {
    out += fmt::format("{:<11} {:>12} {:>11} {:>9.0f} {:>8.2f} {:>7.0f} {:>6.2f}\n", g.id, Tflops(g, DType::kBf16),
                       Tflops(g, DType::kFp8), g.memory_bytes / 1e9, g.memory_bandwidth_Bps / 1e12, g.power_w,
                       g.price_per_hour_usd);
  }
  out += fmt::format("\nHosts\n{:<11} {:>9} {:>10} {:<12} {:>7}\n", "id", "memory GB", "DRAM GB/s", "link to GPU",
                     "power W");
  for (const auto& h : c.hosts()) {
    out += fmt::format("{:<11} {:>9.0f} {:>10.1f} {:<12} {:>7.0f}\n", h.id, h.memory_bytes / 1e9,
                       h.memory_bandwidth_Bps / 1e9, h.link_to_gpu, h.power_w);
  }
  out += fmt::format("\nLinks\n{:<15} {:>14} {:>11}\n", "id", "GB/s each way", "latency us");
  for (const auto& l : c.links()) {
    out += fmt::format("{:<15} {:>14.1f} {:>11.1f}\n", l.id, l.bandwidth_Bps / 1e9, l.latency_s * 1e6);
  }
  return out;
}

// One spec as text: its JSON fields, one per line, then its sources.
std::string OneText(const json& fields, const std::map<std::string, std::string>& sources) {
  std::string out = fmt::format("{} ({})\n", fields["id"].get<std::string>(), fields["name"].get<std::string>());
  for (const auto& [key, value] : fields.items()) {
    if (key == "id" || key == "name") continue;
    out += fmt::format("  {:<24} {}\n", key, value.is_string() ? value.get<std::string>() : value.dump());
  }
  out += "sources:\n";
  for (const auto& [key, text] : sources) out += fmt::format("  {}: {}\n", key, text);
  return out;
}

template <typename Spec>
bool Show(const Spec* spec, json (*to_json)(const Spec&), json* fields, std::map<std::string, std::string>* sources) {
  if (spec == nullptr) return false;
  *fields = to_json(*spec);
  *sources = spec->sources;
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

void Run(CommandContext& ctx, const CatalogArgs& args, const CLI::App* shown) {
  auto catalog = args.data.empty() ? Catalog::LoadDefault() : Catalog::LoadDirectory(args.data);
  if (!catalog.ok()) return Fail(ctx, catalog.status().message());
  const Catalog& c = *catalog;
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
  auto* cmd = app.add_subcommand("catalog", "List the catalog's models, GPUs, hosts and links (data/, every number "
                                            "sourced), or show one with its sources.");
  auto args = std::make_shared<CatalogArgs>();
  cmd->add_flag("--json", args->json, "Print JSON instead of tables.");
  cmd->add_option("--data", args->data, "Catalog folder with models/, gpus/, hosts/, links/ (default: data/ of "
                                        "the source tree).")
      ->type_name("DIR");
  cmd->fallthrough();
  for (const char* kind : {"model", "gpu", "host", "link"}) {
    auto* one = cmd->add_subcommand(kind, fmt::format("Show one {} with the source of every number.", kind));
    one->add_option("id", args->id, fmt::format("The {}'s id{}.", kind, std::string(kind) == "model" ? " or alias" : ""))
        ->required();
  }
  cmd->callback([&ctx, args, cmd]() {
    const auto shown = cmd->get_subcommands();
    Run(ctx, *args, shown.empty() ? nullptr : shown.front());
  });
}

}  // namespace fleetlab::cli
