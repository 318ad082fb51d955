// GET /api/v1/health and /api/v1/catalog.
#include <fmt/format.h>

#include "fleetlab/version.h"
#include "server/context.h"

namespace fleetlab::server {
namespace {

using nlohmann::json;

json ModelJson(const ModelSpec& m) {
  return {{"id", m.id}, {"name", m.name}, {"aliases", m.aliases}, {"architecture", m.architecture},
          {"layers", m.layers}, {"max_context", m.max_context}, {"params", m.TotalParams()},
          {"active_params", m.ActiveParams()}, {"kv_bytes_per_token", m.KvBytesPerToken(DType::kBf16).value()},
          {"kv_bytes_per_token_fp8", m.KvBytesPerToken(DType::kFp8).value()}};
}

json GpuJson(const GpuSpec& g) {
  json peak = json::object();
  for (const auto& [d, f] : g.peak_flops) peak[DTypeName(d)] = f / 1e12;
  const auto bf16 = g.PeakFlops(DType::kBf16);
  return {{"id", g.id}, {"name", g.name}, {"memory_gb", g.memory_bytes / 1e9},
          {"bandwidth_gbps", g.memory_bandwidth_Bps / 1e9}, {"bf16_tflops", bf16 ? json(*bf16 / 1e12) : json(nullptr)},
          {"peak_tflops", peak}, {"power_w", g.power_w}, {"idle_power_w", g.idle_power_w},
          {"price_per_hour_usd", g.price_per_hour_usd}, {"scale_up_link", g.scale_up_link},
          {"gpus_per_node", g.gpus_per_node}};
}

json HostJson(const HostSpec& h) {
  return {{"id", h.id}, {"name", h.name}, {"memory_gb", h.memory_bytes / 1e9},
          {"bandwidth_gbps", h.memory_bandwidth_Bps / 1e9}, {"link_to_gpu", h.link_to_gpu}, {"power_w", h.power_w}};
}

json LinkJson(const LinkSpec& l) {
  return {{"id", l.id}, {"name", l.name}, {"bandwidth_gbps", l.bandwidth_Bps / 1e9}, {"latency_us", l.latency_s * 1e6}};
}

template <typename Spec>
json List(const std::vector<Spec>& specs, json (*one)(const Spec&)) {
  json out = json::array();
  for (const auto& s : specs) out.push_back(one(s));
  return out;
}

}  // namespace

void AddCatalogRoutes(Router& router, ServerContext& ctx) {
  router.Add("GET", "/api/v1/health", [](const HttpRequest&, HttpResponse& res) {
    SendJson(res, 200, json{{"status", "ok"}, {"version", kVersion}, {"api", 1}});
  });
  // The catalog does not change while the server runs: build the reply once.
  const std::string catalog = json{{"models", List(ctx.catalog.models(), &ModelJson)},
                                   {"gpus", List(ctx.catalog.gpus(), &GpuJson)},
                                   {"links", List(ctx.catalog.links(), &LinkJson)},
                                   {"hosts", List(ctx.catalog.hosts(), &HostJson)}}
                                  .dump();
  router.Add("GET", "/api/v1/catalog", [catalog](const HttpRequest&, HttpResponse& res) {
    SendJsonText(res, 200, catalog);
  });
}

}  // namespace fleetlab::server
