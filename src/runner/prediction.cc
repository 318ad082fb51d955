#include "runner/prediction.h"

#include <cmath>
#include <limits>
#include <string>
#include <variant>

#include <fmt/format.h>

#include "fleetlab/analytic/batch_station.h"
#include "fleetlab/analytic/station.h"
#include "fleetlab/workload/arrival_process.h"

namespace fleetlab {
namespace {

// The law of one request's service time X + fixed + per_item (batch of 1),
// in the analytic library's terms. A shifted random law keeps its mean and
// standard deviation but loses its family (kOther).
analytic::ServiceLaw SingleServiceLaw(const StationOptions& st) {
  const Distribution& x = st.service_s;
  const double shift = st.batching.fixed_s + st.batching.per_item_s;
  const double mean = x.Mean() + shift;
  const double cv = std::sqrt(x.Variance()) / mean;
  if (x.kind() == Distribution::Kind::kDeterministic || x.Variance() == 0) {
    return analytic::ServiceLaw::Deterministic(mean);
  }
  if (shift > 0) return analytic::ServiceLaw::Other(mean, cv);
  switch (x.kind()) {
    case Distribution::Kind::kExponential: return analytic::ServiceLaw::Exponential(mean);
    case Distribution::Kind::kGamma: return analytic::ServiceLaw::Gamma(mean, cv);
    case Distribution::Kind::kLognormal: return analytic::ServiceLaw::Lognormal(mean, cv);
    case Distribution::Kind::kUniform: {
      const double half = std::sqrt(3 * x.Variance());
      return analytic::ServiceLaw::Uniform(mean - half, mean + half);
    }
    default: return analytic::ServiceLaw::Other(mean, cv);
  }
}

AnalyticPrediction FromStation(const analytic::StationPrediction& p) {
  AnalyticPrediction a;
  a.available = true;
  a.method = p.method;
  a.exact = p.exact && p.mean_exact;
  a.stable = p.stable;
  a.utilization = p.rho;
  a.e2e_mean_ms = 1e3 * p.mean_sojourn_s;
  a.e2e_p50_ms = 1e3 * p.sojourn_p50;
  a.e2e_p99_ms = 1e3 * p.sojourn_p99;
  a.e2e_p999_ms = 1e3 * p.sojourn_p999;
  a.queue_mean_ms = 1e3 * p.mean_wait_s;
  a.queue_p99_ms = 1e3 * p.wait_p99;
  return a;
}

// The arrivals one station sees: the workload's, or a fleet replica's share.
struct StationArrivals {
  double lambda = 0;
  double ca2 = 1;        // squared CV of the gaps (QNA's variability measure)
  bool poisson = false;  // exactly Poisson
  std::string note;      // how a fleet's arrivals were split, for the method
};

// A fleet of N stations is predicted one station at a time when its router
// ignores load: random routing thins the arrivals (Poisson stays Poisson;
// otherwise ca2 -> p ca2 + 1 - p with p = 1/N, Whitt's QNA splitting), round
// robin sends every N-th arrival (a renewal process's gaps become sums of N:
// ca2 -> ca2 / N, e.g. Poisson -> Erlang-N). Load-aware routers have no
// closed form here: returns false.
bool SplitForFleet(const FleetOptions& fleet, StationArrivals* a) {
  const double n = fleet.replicas, p = 1.0 / n;
  if (fleet.replicas == 1) return true;
  a->lambda /= n;
  if (fleet.router.policy == RouterPolicy::kRandom) {
    if (a->ca2 != 1) a->ca2 = p * a->ca2 + 1 - p;
    a->note = fmt::format("each of {} stations, random routing (thinning): ", fleet.replicas);
    return true;
  }
  if (fleet.router.policy == RouterPolicy::kRoundRobin) {
    a->ca2 /= n;
    a->poisson = false;
    a->note = fmt::format("each of {} stations, round robin (every {}th arrival): ", fleet.replicas, fleet.replicas);
    return true;
  }
  return false;
}

// A batching station: the analytic model takes Poisson arrivals and a
// deterministic batch cost f + p k; a random service part X is folded in by
// its mean (f + E[X]), and the method says so.
AnalyticPrediction PredictBatching(const StationOptions& st, const StationArrivals& in) {
  const double lambda = in.lambda;
  analytic::BatchStationModel m;
  m.lambda = lambda;
  m.servers = static_cast<int>(st.servers);
  m.max_batch = static_cast<int>(st.batching.max_batch);
  m.window_s = st.batching.window_s;
  m.fixed_s = st.batching.fixed_s + st.service_s.Mean();
  m.per_item_s = st.batching.per_item_s;
  const analytic::BatchStationPrediction p = analytic::PredictBatchStation(m);
  AnalyticPrediction a;
  a.available = true;
  a.stable = p.stable;
  a.exact = p.exact && st.service_s.Variance() == 0 && in.poisson;
  a.method = in.note + p.method;
  if (st.service_s.Variance() > 0) a.method += "; random service folded in by its mean";
  if (!in.poisson) a.method += "; arrivals taken as Poisson";
  a.utilization = p.rho;
  a.e2e_mean_ms = 1e3 * p.best.mean_sojourn_s;
  a.e2e_p99_ms = 1e3 * p.best.p99_sojourn_s;
  a.e2e_p50_ms = a.e2e_p999_ms = a.queue_mean_ms = a.queue_p99_ms = std::numeric_limits<double>::quiet_NaN();
  return a;
}

}  // namespace

AnalyticPrediction PredictScenario(const Scenario& s) {
  // Closed loops, finite waiting rooms, LLM replicas, request paths and
  // fleets of unlike stations have no closed form here.
  const auto* sys = std::get_if<StationSystem>(&s.system);
  if (sys == nullptr || !sys->members.empty() || s.workload.mode != LoadMode::kOpen) return {};
  const StationOptions& st = sys->station;
  if (st.queue_capacity.has_value()) return {};
  // A time-varying rate has no stationary prediction.
  if (s.workload.arrival.profile.kind != RateProfileOptions::Kind::kConstant) return {};
  const ArrivalProcess arrivals(s.workload.arrival, s.trace);
  StationArrivals in{arrivals.MeanRate(), arrivals.VariabilitySquared(),
                     s.workload.arrival.kind == ArrivalKind::kPoisson, ""};
  if (sys->fleet && !SplitForFleet(*sys->fleet, &in)) return {};
  if (st.batching.max_batch > 1) return PredictBatching(st, in);
  analytic::StationModel m;
  m.lambda = in.lambda;
  m.ca2 = in.ca2;
  m.servers = static_cast<int>(st.servers);
  m.service = SingleServiceLaw(st);
  AnalyticPrediction a = FromStation(analytic::PredictStation(m));
  a.method = in.note + a.method;
  return a;
}

}  // namespace fleetlab
