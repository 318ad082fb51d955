// The planner's disaggregated search (planner.h, PlanRequest::
// search_disaggregation): P prefill replicas of TP tp_p and D decode
// replicas of TP tp_d within the GPU budget, each run at the stated rate as
// a scenario's "disaggregation" is, judged and scored as the replica fleets
// are (planner_rank.h).
#include <algorithm>
#include <optional>
#include <utility>
#include <variant>

#include <fmt/format.h>

#include "fleetlab/fleet/disaggregation_options.h"
#include "fleetlab/scenario/scenario.h"
#include "planner/planner_internal.h"
#include "planner/planner_rank.h"

namespace fleetlab {
namespace {

constexpr int kMaxGpus = 1024;

// One P:D configuration: its pools' replica counts and TPs.
struct PdShape {
  int prefill_replicas = 0, prefill_tp = 0, decode_replicas = 0, decode_tp = 0;
  int gpus() const { return prefill_replicas * prefill_tp + decode_replicas * decode_tp; }
};

bool PowerOfTwo(int n) { return n > 0 && (n & (n - 1)) == 0; }

// Every shape with tp_p, tp_d in tps and P, D >= 1 within `gpus`, in the
// order tp_p, tp_d, P, D ascending; with powers_of_two, P and D only powers
// of two. REQUIRES: every tp in tps >= 1.
std::vector<PdShape> Enumerate(int gpus, const std::vector<int>& tps, bool powers_of_two) {
  std::vector<PdShape> out;
  for (int a : tps) {
    for (int b : tps) {
      for (int p = 1; p * a + b <= gpus; ++p) {
        for (int d = 1; p * a + d * b <= gpus; ++d) {
          if (!powers_of_two || (PowerOfTwo(p) && PowerOfTwo(d))) out.push_back({p, a, d, b});
        }
      }
    }
  }
  return out;
}

// PlanDisaggregatedCount's shapes: the whole space, or pruned as it says.
std::vector<PdShape> Shapes(int gpus, std::vector<int> tps) {
  if (gpus < 1 || gpus > kMaxGpus) return {};
  std::sort(tps.begin(), tps.end());
  tps.erase(std::unique(tps.begin(), tps.end()), tps.end());
  tps.erase(std::remove_if(tps.begin(), tps.end(), [](int tp) { return tp < 1; }), tps.end());
  std::vector<PdShape> all = Enumerate(gpus, tps, false);
  if (static_cast<std::int64_t>(all.size()) <= kMaxDisaggregatedConfigurations) return all;
  all = Enumerate(gpus, tps, true);
  if (static_cast<std::int64_t>(all.size()) <= kMaxDisaggregatedConfigurations) return all;
  std::stable_sort(all.begin(), all.end(), [](const PdShape& x, const PdShape& y) { return x.gpus() > y.gpus(); });
  all.resize(kMaxDisaggregatedConfigurations);
  return all;
}

std::string PdLabel(const PdShape& s) {
  return fmt::format("{}P TP{}:{}D TP{}", s.prefill_replicas, s.prefill_tp, s.decode_replicas, s.decode_tp);
}

// The pool of `replicas` copies of `replica`, behind the least-outstanding
// router the replica fleets use, with r's objectives (TPOT only on the
// decode pool: a prefill replica makes the first token alone).
LlmPoolOptions Pool(const ReplicaOptions& replica, int replicas, bool decode, const PlanRequest& r) {
  LlmPoolOptions pool;
  pool.replicas = static_cast<std::uint32_t>(replicas);
  pool.replica = replica;
  pool.replica.slo.ttft_s = r.ttft_slo_s;
  pool.replica.slo.tpot_s = decode ? r.tpot_slo_s : 0;
  pool.router.policy = RouterPolicy::kLeastOutstanding;
  return pool;
}

// The system of `shape` under the stated load: the replica fleets' stream,
// the KV caches over `link` with one lane per prefill replica.
Scenario DisaggScenario(const PdShape& shape, const ReplicaOptions& prefill, const ReplicaOptions& decode,
                        const LinkSpec& link, const PlanRequest& r) {
  Scenario s;
  s.name = fmt::format("plan {} at {:g} req/s", PdLabel(shape), r.rate_per_s);
  s.seed = r.seed;
  s.workload = LoadWorkload(r);
  DisaggregationOptions d;
  d.prefill = Pool(prefill, shape.prefill_replicas, /*decode=*/false, r);
  d.decode = Pool(decode, shape.decode_replicas, /*decode=*/true, r);
  d.link.link = link;
  d.link.lanes = static_cast<std::uint32_t>(shape.prefill_replicas);
  s.system = DisaggregatedPools{std::move(d)};
  return s;
}

// The row of `shape` before its run: the pools, the roofline figures of one
// prefill and one decode replica, the decode pool's users.
SplitPlan Row(const PdShape& shape, const SplitPlan& prefill, const SplitPlan& decode) {
  SplitPlan p;
  p.replicas = p.tp = p.pp = 0;
  p.disaggregated = true;
  p.prefill_replicas = shape.prefill_replicas;
  p.prefill_tp = shape.prefill_tp;
  p.decode_replicas = shape.decode_replicas;
  p.decode_tp = shape.decode_tp;
  p.fits = true;
  p.ttft_s = prefill.ttft_s;
  p.ttft_breakdown = prefill.ttft_breakdown;
  p.tpot_s = decode.tpot_s;
  p.max_users = decode.max_users * shape.decode_replicas;
  p.calibration = decode.calibration;  // both pools' replicas run the same engine and GPU
  return p;
}

// The PP-1 replica of every TP dividing r.gpus, roofline and memory only
// (no saturation run), by TP; nullopt for a TP that does not divide.
Result<std::vector<std::optional<Evaluated>>> PoolReplicas(const ReplicaHardware& base, const PlanRequest& r,
                                                           const Catalog& c) {
  PlanRequest roofline = r;
  roofline.simulate = false;
  std::vector<std::optional<Result<Evaluated>>> results(static_cast<std::size_t>(r.gpus) + 1);
  RunInParallel(results.size(), [&](std::size_t tp) {
    if (tp >= 1 && r.gpus % static_cast<int>(tp) == 0) {
      results[tp] = EvaluateSplit(base, static_cast<int>(tp), 1, roofline, c);
    }
  });
  std::vector<std::optional<Evaluated>> out(results.size());
  for (std::size_t tp = 0; tp < results.size(); ++tp) {
    if (!results[tp]) continue;
    if (!results[tp]->ok()) return results[tp]->status();
    out[tp] = std::move(*results[tp]).value();
  }
  return out;
}

}  // namespace

std::int64_t PlanDisaggregatedCount(int gpus, const std::vector<int>& tps) {
  return static_cast<std::int64_t>(Shapes(gpus, tps).size());
}

Result<std::vector<SplitPlan>> PlanDisaggregated(const ReplicaHardware& base, const PlanRequest& r, const Catalog& c) {
  auto replicas = PoolReplicas(base, r, c);
  if (!replicas.ok()) return replicas.status();
  std::vector<int> tps;
  for (std::size_t tp = 1; tp < replicas->size(); ++tp) {
    if ((*replicas)[tp] && (*replicas)[tp]->plan.fits) tps.push_back(static_cast<int>(tp));
  }
  const LinkSpec* link = c.FindLink(base.gpu.scale_up_link);
  if (link == nullptr) return Status::NotFound(fmt::format("the catalog has no link \"{}\"", base.gpu.scale_up_link));
  const std::vector<PdShape> shapes = Shapes(r.gpus, tps);
  std::vector<SplitPlan> plans(shapes.size());
  std::vector<Status> done(shapes.size());
  RunInParallel(shapes.size(), [&](std::size_t i) {
    const Evaluated& prefill = *(*replicas)[static_cast<std::size_t>(shapes[i].prefill_tp)];
    const Evaluated& decode = *(*replicas)[static_cast<std::size_t>(shapes[i].decode_tp)];
    plans[i] = Row(shapes[i], prefill.plan, decode.plan);
    done[i] = JudgeRun(DisaggScenario(shapes[i], prefill.options, decode.options, *link, r), r, &plans[i]);
    Score(r, decode.options.price_per_gpu_hour_usd, &plans[i]);
  });
  for (const Status& s : done) FLEETLAB_RETURN_IF_ERROR(s);
  return plans;
}

}  // namespace fleetlab
