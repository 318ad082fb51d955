#include "cli/catalog_cost.h"

#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "fleetlab/llm/inference_cost.h"

namespace fleetlab::cli {
namespace {

using nlohmann::json;

void Fail(CommandContext& ctx, const std::string& message) {
  ctx.err << "fleetlab: " << message << "\n";
  ctx.exit_code = 2;
}

json CostJson(const InferenceCost& c) {
  return {{"seconds", c.seconds}, {"compute_s", c.compute_s}, {"memory_s", c.memory_s}, {"comm_s", c.comm_s},
          {"pp_comm_s", c.pp_comm_s}, {"overhead_s", c.overhead_s}, {"stage_s", c.stage_s}, {"flops", c.flops},
          {"bytes_moved", c.bytes_moved}, {"weight_bytes_per_device", c.weight_bytes_per_device},
          {"activation_bytes_peak", c.activation_bytes_peak}, {"kv_bytes_per_device", c.kv_bytes_per_device},
          {"input_bytes", c.input_bytes}, {"boundary_bytes", c.boundary_bytes}, {"energy_j", c.energy_j},
          {"devices", c.devices}, {"fits", c.fits}, {"fit_note", c.fit_note}};
}

std::string CostText(const InferenceCost& c) {
  std::string out = fmt::format("time {:.4g} ms = compute {:.4g} + memory {:.4g} + comm {:.4g} (PP {:.4g}) + "
                                "overhead {:.4g}; busiest stage {:.4g} ms\n",
                                c.seconds * 1e3, c.compute_s * 1e3, c.memory_s * 1e3, c.comm_s * 1e3,
                                c.pp_comm_s * 1e3, c.overhead_s * 1e3, c.stage_s * 1e3);
  out += fmt::format("work {:.4g} GFLOP, {:.4g} MB moved; energy {:.4g} mJ on {} device(s)\n", c.flops / 1e9,
                     c.bytes_moved / 1e6, c.energy_j * 1e3, c.devices);
  out += fmt::format("per device: weights {:.4g} MB, live activations {:.4g} KB, KV {:.4g} MB; {}\n",
                     c.weight_bytes_per_device / 1e6, c.activation_bytes_peak / 1e3, c.kv_bytes_per_device / 1e6,
                     c.fits ? "fits" : "does not fit: " + c.fit_note);
  out += fmt::format("in {:.0f} B, out (boundary) {:.0f} B per batch\n", c.input_bytes, c.boundary_bytes);
  return out;
}

}  // namespace

CLI::App* AddCostSubcommand(CLI::App& catalog, const std::shared_ptr<CostArgs>& a) {
  auto* cmd = catalog.add_subcommand("cost", "Time, energy and memory fit of one batch of a model on a device "
                                             "(EstimateInference: the roofline of docs/model.md).");
  cmd->add_option("--model", a->model, "Catalog model id or alias.")->required();
  cmd->add_option("--device", a->device, "Catalog accelerator id (a GPU or an edge device).")->required();
  cmd->add_option("--batch", a->batch, "Inputs processed together.")->capture_default_str();
  cmd->add_option("--tp", a->tp, "Tensor-parallel devices.")->capture_default_str();
  cmd->add_option("--pp", a->pp, "Pipeline stages.")->capture_default_str();
  cmd->add_option("--first-layer", a->first_layer, "Run layers from this one (a split model).")->capture_default_str();
  cmd->add_option("--last-layer", a->last_layer, "Run layers before this one (-1: to the end).")->capture_default_str();
  cmd->add_option("--dtype", a->dtype, "Weights and activations: fp32, bf16, fp16, fp8, int8, int4, nvfp4, mxfp4.")
      ->capture_default_str();
  cmd->add_option("--tokens", a->tokens, "Tokens per input (encoder: 0 = the image's; decoder: required).");
  cmd->add_option("--context", a->context, "Decoder: KV tokens already cached per input.");
  cmd->add_option("--link", a->link, "Link between the devices (default: the device's scale-up link).");
  cmd->add_option("--overhead-ms", a->overhead_ms, "Fixed cost per stage per batch, ms.");
  cmd->add_option("--calibration", a->calibration, "Decoder: a calibration profile id (data/calibration) for this "
                                                   "device and dtype; its kernel timings replace the constants, "
                                                   "as the first engine it serves runs them.");
  return cmd;
}

void RunCost(CommandContext& ctx, const Catalog& c, const CostArgs& a, bool as_json) {
  const ModelSpec* m = c.FindModel(a.model);
  if (m == nullptr) return Fail(ctx, fmt::format("--model: unknown model \"{}\"; known: {}", a.model, c.ModelIds()));
  const GpuSpec* d = c.FindGpu(a.device);
  if (d == nullptr) return Fail(ctx, fmt::format("--device: unknown device \"{}\"; known: {}", a.device, c.GpuIds()));
  const auto dtype = ParseDType(a.dtype);
  if (!dtype) {
    return Fail(ctx, fmt::format("--dtype: unknown \"{}\"; allowed: fp32, bf16, fp16, fp8, int8, int4, nvfp4, mxfp4",
                                 a.dtype));
  }
  const std::string link_id = a.link.empty() ? d->scale_up_link : a.link;
  const LinkSpec* link = c.FindLink(link_id);
  if (link == nullptr) return Fail(ctx, fmt::format("--link: unknown link \"{}\"; known: {}", link_id, c.LinkIds()));
  std::shared_ptr<const CalibrationProfile> profile;
  if (!a.calibration.empty()) {
    const CalibrationProfile* p = c.FindCalibration(a.calibration);
    if (p == nullptr) {
      return Fail(ctx, fmt::format("--calibration: unknown profile \"{}\"; known: {}", a.calibration,
                                   c.CalibrationIds()));
    }
    profile = ProfileAsServed(*p);
  }
  InferenceShape s;
  s.batch = a.batch;
  s.tp = a.tp;
  s.pp = a.pp;
  s.first_layer = a.first_layer;
  s.last_layer = a.last_layer;
  s.dtype = *dtype;
  s.tokens = a.tokens;
  s.context = a.context;
  s.overhead_s = a.overhead_ms / 1e3;
  auto cost = EstimateInference(*m, *d, link, s, PerfEfficiency{}, profile);
  if (!cost.ok()) return Fail(ctx, cost.status().message());
  if (as_json) {
    json out = CostJson(*cost);
    out["calibration"] = profile ? json(profile->id) : json(nullptr);
    return (void)(ctx.out << out.dump(2) << "\n");
  }
  ctx.out << fmt::format("{} on {} ({}), batch {}, TP {} x PP {}, layers [{}, {}), {}{}\n", m->id, d->id, link->id,
                         a.batch, a.tp, a.pp, a.first_layer, a.last_layer == -1 ? LayerCount(*m) : a.last_layer,
                         a.dtype, profile ? ", calibration " + profile->id : "")
          << CostText(*cost);
}

}  // namespace fleetlab::cli
