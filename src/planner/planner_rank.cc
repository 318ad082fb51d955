// The planner's judgement of a configuration at a stated rate, and its
// ranking (planner_rank.h).
#include "planner/planner_rank.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <variant>

#include <fmt/format.h>

#include "fleetlab/runner.h"
#include "fleetlab/scenario/scenario.h"

namespace fleetlab {
namespace {

Distribution Sizes(std::int64_t mean, double cv) {
  return cv > 0 ? Distribution::Lognormal(static_cast<double>(mean), cv)
                : Distribution::Deterministic(static_cast<double>(mean));
}

std::string Label(int replicas, int tp, int pp) {
  const std::string split = fmt::format("TP{} PP{}", tp, pp);
  return replicas == 1 ? split : fmt::format("{} x {}", replicas, split);
}

// The fleet under the stated load. One replica runs without a router (the
// figures today's splits had); several share the stream through the lab's
// router, least outstanding requests.
Scenario LoadScenario(const ReplicaOptions& replica, const PlanRequest& r, int replicas) {
  Scenario s;
  s.name = fmt::format("plan {} at {:g} req/s", Label(replicas, replica.hardware.tp, replica.hardware.pp),
                       r.rate_per_s);
  s.seed = r.seed;
  s.workload = LoadWorkload(r);
  ReplicaOptions o = replica;
  o.slo.ttft_s = r.ttft_slo_s;  // counted for attainment only: the run is the same
  o.slo.tpot_s = r.tpot_slo_s;
  ReplicaSystem system{o, std::nullopt, {}};
  if (replicas > 1) {
    FleetOptions fleet;
    fleet.replicas = static_cast<std::uint32_t>(replicas);
    fleet.router.policy = RouterPolicy::kLeastOutstanding;
    system.fleet = fleet;
  }
  s.system = std::move(system);
  return s;
}

bool Within(double value, double objective) { return objective <= 0 || value <= objective; }

bool MeetsSlo(const SplitPlan& p, const PlanRequest& r) {
  if (!p.fits) return false;
  if (r.rate_per_s <= 0) return Within(p.ttft_s, r.ttft_slo_s) && Within(p.tpot_s, r.tpot_slo_s);
  return std::isfinite(p.p99_ttft_s_at_rate) && Within(p.p99_ttft_s_at_rate, r.ttft_slo_s) &&
         Within(p.p99_tpot_s_at_rate, r.tpot_slo_s);
}

}  // namespace

WorkloadOptions LoadWorkload(const PlanRequest& r) {
  WorkloadOptions w;
  w.arrival.kind = ArrivalKind::kPoisson;
  w.arrival.rate_per_s = r.rate_per_s;
  w.sizes.prompt_tokens = Sizes(r.prompt, r.prompt_cv);
  w.sizes.output_tokens = Sizes(r.output, r.output_cv);
  w.requests = r.load_requests;
  w.warmup_requests = r.load_warmup;
  return w;
}

Status JudgeRun(const Scenario& s, const PlanRequest& r, SplitPlan* p) {
  RunHooks hooks;
  hooks.cancel = r.cancel;
  hooks.kv_heatmap = false;
  auto report = RunScenario(s, hooks);
  if (!report.ok()) return report.status().WithContext(s.name);
  if (!report->llm) return Status::InvalidArgument("the simulation did not report an LLM replica");
  const LlmReport& llm = *report->llm;
  constexpr double kInf = std::numeric_limits<double>::infinity();
  p->p99_ttft_s_at_rate = report->stable ? llm.ttft_ms.p99 / 1e3 : kInf;
  p->p99_tpot_s_at_rate = report->stable ? llm.tpot_ms.p99 / 1e3 : kInf;
  p->goodput_rps = report->stable ? r.rate_per_s * llm.slo_attainment : std::min(r.rate_per_s, llm.goodput_rps);
  return Status::Ok();
}

Status SimulateAtRate(const ReplicaOptions& replica, const PlanRequest& r, SplitPlan* p) {
  return JudgeRun(LoadScenario(replica, r, p->replicas), r, p);
}

void Score(const PlanRequest& r, double price_per_gpu_hour, SplitPlan* p) {
  p->usd_per_hour = p->gpus() * price_per_gpu_hour;
  p->meets_slo = MeetsSlo(*p, r);
  p->goodput_per_usd = p->usd_per_hour > 0 ? p->goodput_rps * 3600 / p->usd_per_hour : 0;
}

bool Better(const SplitPlan& a, const SplitPlan& b, bool by_goodput) {
  const auto rank = [](const SplitPlan& p) { return p.fits ? (p.meets_slo ? 0 : 1) : 2; };
  if (rank(a) != rank(b)) return rank(a) < rank(b);
  if (!a.fits) return false;
  if (by_goodput && a.goodput_per_usd != b.goodput_per_usd) return a.goodput_per_usd > b.goodput_per_usd;
  if (a.saturation_tokens_per_s != b.saturation_tokens_per_s) {
    return a.saturation_tokens_per_s > b.saturation_tokens_per_s;
  }
  return a.ttft_s < b.ttft_s;
}

}  // namespace fleetlab
