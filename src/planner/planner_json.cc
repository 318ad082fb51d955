#include "planner/planner_json.h"

#include <cmath>
#include <string>
#include <utility>

namespace fleetlab {
namespace {

using Json = nlohmann::ordered_json;

double Ms(double s) { return s * 1e3; }
double Gb(double bytes) { return bytes / 1e9; }
Json Number(bool present, double v) { return present ? Json(v) : Json(nullptr); }
Json Integer(bool present, std::int64_t v) { return present ? Json(v) : Json(nullptr); }

Json BreakdownJson(const SplitPlan& p) {
  const StepBreakdown& b = p.ttft_breakdown;
  if (!p.fits) return nullptr;
  Json j = {{"matmul", Ms(b.matmul_s)},         {"weight_memory", Ms(b.weight_memory_s)},
            {"attention", Ms(b.attention_s)},   {"kv_memory", Ms(b.kv_memory_s)},
            {"tp_comm", Ms(b.tp_comm_s)},       {"pp_comm", Ms(b.pp_comm_s)},
            {"overhead", Ms(b.overhead_s)},     {"total", Ms(b.total_s)}};
  if (b.ep_comm_s > 0) j["ep_comm"] = Ms(b.ep_comm_s);
  return j;
}

// A figure at the rate: null without one, when the configuration does not
// fit, or (latencies) when the run was unstable.
Json AtRate(const SplitPlan& p, double v) { return Number(p.fits && v > 0 && std::isfinite(v), v); }

// The kind of a row and its pools (only where the request searched
// disaggregated configurations): the pools' fields null on a replica fleet.
void AddPools(const SplitPlan& p, Json* j) {
  const bool d = p.disaggregated;
  (*j)["disaggregated"] = d;
  (*j)["prefill_replicas"] = Integer(d, p.prefill_replicas);
  (*j)["prefill_tp"] = Integer(d, p.prefill_tp);
  (*j)["decode_replicas"] = Integer(d, p.decode_replicas);
  (*j)["decode_tp"] = Integer(d, p.decode_tp);
}

Json SplitJson(const SplitPlan& p) {
  const bool f = p.fits;
  const bool sat = f && !p.disaggregated;  // a P:D system has no saturation run
  return {{"replicas", p.replicas},
          {"tp", p.tp},
          {"pp", p.pp},
          {"fits", f},
          {"reason", p.reason},
          {"calibration", p.calibration.empty() ? Json(nullptr) : Json(p.calibration)},
          {"ttft_ms", Number(f, Ms(p.ttft_s))},
          {"tpot_ms", Number(f, Ms(p.tpot_s))},
          {"max_users", Integer(f, p.max_users)},
          {"users_simulated", Integer(sat, p.users_simulated)},
          {"max_running", Integer(sat, p.max_running)},
          {"saturation_rps", Number(sat, p.saturation_rps)},
          {"saturation_output_tokens_per_s", Number(sat, p.saturation_tokens_per_s)},
          {"p99_ttft_ms_at_saturation", Number(sat, Ms(p.p99_ttft_s_at_saturation))},
          {"mean_batch_at_saturation", Number(sat, p.mean_batch_at_saturation)},
          {"usd_per_million_output_tokens", Number(sat, p.usd_per_million_output_tokens)},
          {"p99_ttft_ms_at_rate", AtRate(p, Ms(p.p99_ttft_s_at_rate))},
          {"p99_tpot_ms_at_rate", AtRate(p, Ms(p.p99_tpot_s_at_rate))},
          {"meets_slo", p.meets_slo},
          {"gpus", p.gpus()},
          {"usd_per_hour", p.usd_per_hour},
          {"goodput_rps", Number(f && p.p99_ttft_s_at_rate > 0, p.goodput_rps)},
          {"goodput_per_usd", Number(f && p.p99_ttft_s_at_rate > 0, p.goodput_per_usd)},
          {"ttft_breakdown_ms", BreakdownJson(p)}};
}

}  // namespace

Json PlanToJson(const std::vector<SplitPlan>& plans, bool with_pools) {
  Json out = Json::array();
  for (const SplitPlan& p : plans) {
    Json row = SplitJson(p);
    if (with_pools) AddPools(p, &row);
    out.push_back(std::move(row));
  }
  return out;
}

Json MemoryToJson(const MemoryRequest& r, const MemoryReport& m) {
  const MemoryPlan& p = m.plan;
  return {{"model", r.model}, {"gpu", r.gpu}, {"tp", r.tp}, {"pp", r.pp}, {"ep", r.ep},
          {"attention_dp", r.attention_dp}, {"gpus", r.tp * r.attention_dp * r.pp}, {"context", r.context},
          {"block_tokens", r.block_tokens}, {"kv_dtype", DTypeName(r.kv_dtype)},
          {"reservation", ReservationName(r.reservation)},
          {"usable_gb_per_gpu", Gb(p.usable_bytes)}, {"weights_gb_per_gpu", Gb(p.weights_bytes_per_gpu)},
          {"activations_gb_per_gpu", Gb(p.activation_bytes_per_gpu)}, {"kv_gb_per_gpu", Gb(p.kv_bytes_per_gpu)},
          {"kv_bytes_per_token_per_gpu", p.kv_bytes_per_token_per_gpu},
          {"kv_capacity_tokens", p.kv_capacity.value()}, {"max_model_len", m.max_model_len},
          {"slots_per_user_paged", m.slots_per_user_paged}, {"slots_per_user_contiguous", m.slots_per_user_contiguous},
          {"users_paged", m.users_paged}, {"users_contiguous", m.users_contiguous},
          {"paged_over_contiguous", m.paged_over_contiguous}};
}

const char* ReservationName(ReservationPolicy policy) { return kReservationPolicyNames.Name(policy); }

bool ParseReservation(const std::string& name, ReservationPolicy* policy) {
  const auto parsed = kReservationPolicyNames.Parse(name);
  if (parsed) *policy = *parsed;
  return parsed.has_value();
}

}  // namespace fleetlab
