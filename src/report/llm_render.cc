#include "report/llm_render.h"

#include <fmt/format.h>

namespace fleetlab {
namespace {

using nlohmann::json;

const char* StateName(CellState s) {
  switch (s) {
    case CellState::kFree: return "free";
    case CellState::kStored: return "stored";
    case CellState::kReserved: return "reserved";
    case CellState::kInternal: return "internal";
    case CellState::kExternal: return "external";
    case CellState::kCached: return "cached";
  }
  return "free";
}

json Waterfall(const LlmReport& r) {
  const StepBreakdown& p = r.ttft_parts_ms;
  json w{{"queue_ms", r.ttft_queue_ms},  {"matmul_ms", p.matmul_s},   {"weight_memory_ms", p.weight_memory_s},
         {"attention_ms", p.attention_s}, {"kv_memory_ms", p.kv_memory_s}, {"tp_comm_ms", p.tp_comm_s},
         {"pp_comm_ms", p.pp_comm_s},     {"bubble_ms", p.bubble_s},  {"overhead_ms", p.overhead_s},
         {"total_ms", r.ttft_queue_ms + p.total_s}};
  if (p.ep_comm_s > 0) w["ep_comm_ms"] = p.ep_comm_s;  // expert parallelism only
  return w;
}

json Memory(const MemoryPlan& m) {
  json j{{"gpu_memory_gb", m.gpu_memory_bytes / 1e9},
              {"usable_gb", m.usable_bytes / 1e9},
              {"weights_gb_per_gpu", m.weights_bytes_per_gpu / 1e9},
              {"weights_gb_total", m.weights_bytes_total / 1e9},
              {"activation_gb_per_gpu", m.activation_bytes_per_gpu / 1e9},
              {"kv_gb_per_gpu", m.kv_bytes_per_gpu / 1e9},
              {"kv_bytes_per_token_per_gpu", m.kv_bytes_per_token_per_gpu},
              {"kv_capacity_tokens", m.kv_capacity.value()}};
  if (m.window_kv_bytes_per_gpu > 0) j["window_kv_gb_per_gpu"] = m.window_kv_bytes_per_gpu / 1e9;
  return j;
}

json KvSeries(const std::vector<KvShares>& kv) {
  json out = json::object();
  const char* names[] = {"stored", "reserved", "internal", "external", "cached", "free"};
  for (const char* n : names) out[n] = json::array();
  for (const KvShares& k : kv) {
    const double values[] = {k.stored, k.reserved, k.internal, k.external, k.cached, k.free};
    for (std::size_t i = 0; i < std::size(names); ++i) out[names[i]].push_back(values[i]);
  }
  return out;
}

json Series(const LlmReport& r) {
  json states = json::array(), names = json::array();
  for (CellState s : r.heatmap.states) states.push_back(static_cast<int>(s));
  for (int s = 0; s <= static_cast<int>(CellState::kCached); ++s) names.push_back(StateName(static_cast<CellState>(s)));
  return json{{"queue", {{"time_s", r.queue_series.times_s}, {"waiting", r.queue_series.waiting},
                         {"running", r.queue_series.running}, {"kv_share", KvSeries(r.queue_series.kv)}}},
              {"kv_heatmap", {{"cells", r.heatmap.cells}, {"time_s", r.heatmap.times_s}, {"state_names", names},
                              {"states", states}, {"owners", r.heatmap.owners}}}};
}

}  // namespace

json SummaryJson(const Summary& s, bool valid) {
  auto v = [valid](double x) { return valid ? json(x) : json(nullptr); };
  return json{{"count", s.count}, {"mean", v(s.mean)}, {"p50", v(s.p50)},   {"p90", v(s.p90)},
              {"p95", v(s.p95)},  {"p99", v(s.p99)},   {"p999", v(s.p999)}, {"max", v(s.max)},
              {"mean_ci95", v(s.mean_ci95)}, {"p99_ci95", v(s.p99_ci95)}};
}

void AddLlmJson(const LlmReport& r, bool valid, bool series, json* out) {
  json& j = *out;
  j["latency_ms"]["ttft"] = SummaryJson(r.ttft_ms, valid);
  j["latency_ms"]["tpot"] = SummaryJson(r.tpot_ms, valid);
  j["latency_ms"]["itl"] = SummaryJson(r.itl_ms, valid);
  j["throughput"]["output_tokens_per_s"] = r.output_tokens_per_s;
  j["throughput"]["prompt_tokens_per_s"] = r.prompt_tokens_per_s;
  j["preemptions"] = r.preemptions;
  j["preemption"] = {{"count", r.preemptions}, {"swaps", r.swaps},
                     {"recomputed_tokens", r.recomputed_tokens}, {"recompute_ms", r.recompute_s * 1e3}};
  j["tp_link"] = {{"bytes_per_token", r.tokens_processed > 0 ? r.tp_bytes / r.tokens_processed : 0.0},
                  {"comm_ms", r.tp_comm_s * 1e3},
                  {"busy_fraction", r.tp_busy_fraction},
                  {"layout", r.weight_gathered ? "weight_gathered" : "weight_stationary"}};
  j["replica"] = {{"model", r.model}, {"gpu", r.gpu}, {"tp", r.tp}, {"pp", r.pp}, {"gpus", r.gpus},
                  {"memory", Memory(r.memory)}};
  j["kv"] = {{"peak_utilization", r.kv_peak_utilization},
             {"capacity_tokens", r.kv_capacity_tokens},
             {"capacity_gb", static_cast<double>(r.kv_capacity_tokens) * r.memory.kv_bytes_per_token_per_gpu * r.gpus / 1e9},
             {"mean_share", {{"stored", r.kv_mean.stored}, {"reserved", r.kv_mean.reserved},
                             {"internal", r.kv_mean.internal}, {"external", r.kv_mean.external},
                             {"cached", r.kv_mean.cached}, {"free", r.kv_mean.free}}},
             {"swaps", r.swaps},
             {"prefix_hit_tokens", r.prefix_hit_tokens},
             {"prefix_lookup_tokens", r.prefix_lookup_tokens},
             {"prefix_hit_rate", r.prefix_lookup_tokens > 0 ? static_cast<double>(r.prefix_hit_tokens) /
                                                                  static_cast<double>(r.prefix_lookup_tokens)
                                                            : 0.0}};
  j["slo"] = {{"ttft_ms", r.ttft_slo_ms}, {"tpot_ms", r.tpot_slo_ms}, {"attainment", r.slo_attainment},
              {"goodput_rps", r.goodput_rps}};
  j["gpu"] = {{"mfu", r.mfu}, {"mbu", r.mbu}, {"busy_fraction", r.busy_fraction}};
  j["cost"] = {{"usd_per_hour", r.usd_per_hour},
               {"gpus", r.gpus_total},
               {"usd_per_million_output_tokens", r.usd_per_million_output_tokens},
               {"usd_per_concurrent_user_hour", r.usd_per_concurrent_user_hour},
               {"split", {{"prompt_share", r.usd_per_hour > 0 ? r.usd_per_hour_prompt / r.usd_per_hour : 0.0},
                          {"usd_per_million_input_tokens", r.usd_per_million_input_tokens},
                          {"usd_per_million_output_tokens", r.usd_per_million_output_tokens_split}}}};
  j["energy"] = {{"average_power_w", r.average_power_w}, {"joules_per_output_token", r.joules_per_output_token}};
  j["ttft_waterfall"] = Waterfall(r);
  j["batching"]["size_counts"] = r.batch_size_counts;
  j["requests"]["failed"] = r.failed;
  j["requests"]["rejected"] = r.rejected;
  j["requests"]["output_tokens"] = r.output_tokens;
  j["concurrency"] = {{"mean", r.mean_concurrency}, {"running", r.mean_running}};
  j["speculative"] = {{"tokens_per_step", r.spec_tokens_per_step}};
  if (series) j["series"] = Series(r);
}

std::string LlmText(const LlmReport& r, bool valid) {
  auto ms = [valid](double x) { return valid ? fmt::format("{:10.2f}", x) : fmt::format("{:>10}", "-"); };
  // GPUs beyond tp x pp are attention data-parallel groups (with expert parallelism over them).
  const int dp = r.tp * r.pp > 0 ? r.gpus / (r.tp * r.pp) : 1;
  std::string out = fmt::format("\n  replica: {} on {} x {} (TP{} PP{}{}), KV {} tokens ({:.1f} GB/GPU), weights "
                                "{:.1f} GB/GPU\n", r.model, r.gpus, r.gpu, r.tp, r.pp,
                                dp > 1 ? fmt::format(" DP{} EP{}", dp, dp * r.tp) : "", r.kv_capacity_tokens,
                                r.memory.kv_bytes_per_gpu / 1e9, r.memory.weights_bytes_per_gpu / 1e9);
  out += fmt::format("  {:<16} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10}\n", "token latency (ms)", "mean", "p50",
                     "p90", "p95", "p99", "p99.9");
  for (const auto& [name, s] : {std::pair{"TTFT", &r.ttft_ms}, std::pair{"TPOT", &r.tpot_ms},
                                std::pair{"inter-token", &r.itl_ms}}) {
    out += fmt::format("  {:<18} {} {} {} {} {} {}\n", name, ms(s->mean), ms(s->p50), ms(s->p90), ms(s->p95),
                       ms(s->p99), ms(s->p999));
  }
  const StepBreakdown& p = r.ttft_parts_ms;
  out += fmt::format("  mean TTFT = queue {:.2f} + matmul {:.2f} + weights {:.2f} + attention {:.2f} + KV {:.2f} + "
                     "TP comm {:.2f}{} + PP comm {:.2f} + bubbles {:.2f} + overhead {:.2f} ms\n",
                     r.ttft_queue_ms, p.matmul_s, p.weight_memory_s, p.attention_s, p.kv_memory_s, p.tp_comm_s,
                     p.ep_comm_s > 0 ? fmt::format(" + EP all-to-all {:.2f}", p.ep_comm_s) : "", p.pp_comm_s,
                     p.bubble_s, p.overhead_s);
  out += fmt::format("  output {:.1f} tok/s, mean batch {:.1f} seqs, MFU {:.1f}%, MBU {:.1f}%, busy {:.1f}%\n",
                     r.output_tokens_per_s, r.mean_batch_size, 100 * r.mfu, 100 * r.mbu, 100 * r.busy_fraction);
  out += fmt::format("  KV: peak {:.1f}% stored; mean stored {:.1f}%, reserved {:.1f}%, internal {:.1f}%, external "
                     "{:.1f}%, cached {:.1f}%, free {:.1f}%\n", 100 * r.kv_peak_utilization, 100 * r.kv_mean.stored,
                     100 * r.kv_mean.reserved, 100 * r.kv_mean.internal, 100 * r.kv_mean.external,
                     100 * r.kv_mean.cached, 100 * r.kv_mean.free);
  out += fmt::format("  preemptions {}, swaps {}, failed {}, rejected {}", r.preemptions, r.swaps, r.failed,
                     r.rejected);
  if (r.prefix_lookup_tokens > 0) {
    out += fmt::format(", prefix-cache hits {:.1f}% ({} prompt tokens not recomputed)",
                       100.0 * static_cast<double>(r.prefix_hit_tokens) / static_cast<double>(r.prefix_lookup_tokens),
                       r.prefix_hit_tokens);
  }
  if (r.spec_tokens_per_step > 0) out += fmt::format(", speculative {:.2f} tokens/step", r.spec_tokens_per_step);
  out += "\n";
  if (r.ttft_slo_ms > 0 || r.tpot_slo_ms > 0) {
    out += fmt::format("  SLO (TTFT <= {:g} ms, TPOT <= {:g} ms): {:.1f}% met, goodput {:.2f} req/s\n",
                       r.ttft_slo_ms, r.tpot_slo_ms, 100 * r.slo_attainment, r.goodput_rps);
  }
  out += fmt::format("  cost ${:.2f}/h for {} GPUs: ${:.3f} per 1M output tokens, ${:.4f} per concurrent user-hour; "
                     "power {:.0f} W, {:.3f} J per output token\n", r.usd_per_hour, r.gpus_total,
                     r.usd_per_million_output_tokens, r.usd_per_concurrent_user_hour, r.average_power_w,
                     r.joules_per_output_token);
  out += fmt::format("  cost split by GPU time: ${:.3f} per 1M input tokens, ${:.3f} per 1M output tokens ({:.1f}% of "
                     "the cost on prompts)\n", r.usd_per_million_input_tokens, r.usd_per_million_output_tokens_split,
                     r.usd_per_hour > 0 ? 100 * r.usd_per_hour_prompt / r.usd_per_hour : 0.0);
  return out;
}

}  // namespace fleetlab
