#include "report/disagg_render.h"

#include <fmt/format.h>

#include "report/fleet_render.h"
#include "report/llm_render.h"

namespace fleetlab {
namespace {

using nlohmann::json;

json PoolJson(const PoolReport& p, bool valid) {
  const LlmReport& l = p.llm;
  json out = FleetJson(p.fleet);
  out["replica"] = {{"gpu", l.gpu}, {"tp", l.tp}, {"pp", l.pp}, {"gpus", l.gpus}};
  out["latency_ms"] = {{"ttft", SummaryJson(l.ttft_ms, valid)}, {"tpot", SummaryJson(l.tpot_ms, valid)},
                       {"itl", SummaryJson(l.itl_ms, valid)}};
  out["throughput"] = {{"output_tokens_per_s", l.output_tokens_per_s},
                       {"prompt_tokens_per_s", l.prompt_tokens_per_s}};
  out["gpu"] = {{"mfu", l.mfu}, {"mbu", l.mbu}, {"busy_fraction", l.busy_fraction}};
  out["kv"] = {{"peak_utilization", l.kv_peak_utilization}, {"capacity_tokens", l.kv_capacity_tokens},
               {"mean_stored_share", l.kv_mean.stored}};
  out["queue"] = {{"ttft_queue_ms", l.ttft_queue_ms}, {"mean_concurrency", l.mean_concurrency}};
  out["preemptions"] = l.preemptions;
  out["requests"] = {{"failed", l.failed}, {"rejected", l.rejected}};
  out["cost"] = {{"usd_per_hour", l.usd_per_hour}, {"average_power_w", l.average_power_w}};
  return out;
}

std::string PoolText(const char* name, const PoolReport& p, bool valid) {
  const LlmReport& l = p.llm;
  auto ms = [valid](double x) { return valid ? fmt::format("{:.2f}", x) : std::string("-"); };
  return fmt::format("  {} pool: {} x {} on {} x {} (TP{} PP{}), {}; busy {:.1f}%, MFU {:.1f}%, MBU {:.1f}%, KV peak "
                     "{:.1f}%, preemptions {}\n    TTFT p99 {} ms, TPOT p99 {} ms, mean queue before the first "
                     "iteration {:.2f} ms\n",
                     name, p.fleet.replicas, l.model, l.gpus, l.gpu, l.tp, l.pp, p.fleet.router,
                     100 * l.busy_fraction, 100 * l.mfu, 100 * l.mbu, 100 * l.kv_peak_utilization, l.preemptions,
                     l.ttft_ms.count > 0 ? ms(l.ttft_ms.p99) : "-", l.tpot_ms.count > 0 ? ms(l.tpot_ms.p99) : "-",
                     l.ttft_queue_ms);
}

}  // namespace

json DisaggJson(const DisaggregationReport& d, bool valid) {
  const KvLinkReport& k = d.link;
  return json{{"prefill", PoolJson(d.prefill, valid)},
              {"decode", PoolJson(d.decode, valid)},
              {"kv_link", {{"link", k.link}, {"bandwidth_gbps", k.bandwidth_gbps}, {"latency_us", k.latency_us},
                           {"lanes", k.lanes}, {"transfers", k.transfers},
                           {"bytes_per_transfer", k.bytes_per_transfer},
                           {"transfer_ms", SummaryJson(k.transfer_ms, valid)},
                           {"wait_ms", SummaryJson(k.wait_ms, valid)}, {"wait_probability", k.wait_probability},
                           {"utilization", k.utilization}}}};
}

std::string DisaggText(const DisaggregationReport& d, bool valid) {
  std::string out = "\n  disaggregated prefill and decode\n";
  out += PoolText("prefill", d.prefill, valid);
  out += PoolText("decode", d.decode, valid);
  const KvLinkReport& k = d.link;
  auto ms = [valid](double x) { return valid ? fmt::format("{:.3f}", x) : std::string("-"); };
  out += fmt::format("  KV link {} ({:g} GB/s, {:g} us, {} lane{}): {} transfers of {:.1f} MB mean; transfer mean {} "
                     "ms, p99 {} ms; waited {:.1f}% (p99 wait {} ms); utilisation {:.1f}%\n",
                     k.link, k.bandwidth_gbps, k.latency_us, k.lanes, k.lanes == 1 ? "" : "s", k.transfers,
                     k.bytes_per_transfer / 1e6, ms(k.transfer_ms.mean), ms(k.transfer_ms.p99),
                     100 * k.wait_probability, ms(k.wait_ms.p99), 100 * k.utilization);
  return out;
}

}  // namespace fleetlab
