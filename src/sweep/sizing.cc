// The sizing search (sizing.h): estimate, order, bisect a wave of units,
// size and verify their fleets, and stop where the lower bounds cannot beat
// the fleets found.
#include "fleetlab/sweep/sizing.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <mutex>
#include <numeric>

#include <fmt/format.h>

#include "fleetlab/report/render.h"
#include "fleetlab/run_estimate.h"
#include "fleetlab/runner.h"
#include "fleetlab/sweep/worker_pool.h"
#include "fleetlab/sweep/sweep_rows.h"
#include "sweep/sizing_internal.h"

namespace fleetlab {
namespace {

using nlohmann::json;

// Candidates bisected and verified together. Fixed, so that the search (and
// which candidates it skips) is the same on any number of threads.
constexpr std::size_t kWave = 8;
// Fleet sizes tried above the first while it misses.
constexpr int kSizeSteps = 3;
// Candidates verified together within a wave: after each group the bound of
// the fleets found skips the rest. Fixed, for the same reason as kWave.
constexpr std::size_t kVerifyWave = 4;
// The bisection's bracket and tolerance, as fractions of the estimate u.
constexpr double kLowFraction = 0.02, kToleranceFraction = 0.03;

bool Cancelled(const std::atomic<bool>* c) { return c != nullptr && c->load(std::memory_order_relaxed); }

struct FleetRun {
  Status status;
  bool pass = false;
  std::string why;
  json report, scenario;
};

class Search {
 public:
  Search(const SizingSpec& spec, const SizingOptions& options)
      : spec_(spec), options_(options), rate_(spec.rate_per_s * (1 + spec.headroom)) {}

  Result<SizingOutcome> Run() {
    out_.target_rate_per_s = spec_.rate_per_s;
    out_.candidates = sizing::ExpandCandidates(spec_);
    WorkerPool pool(std::max(1u, options_.threads));
    std::vector<SizingCandidate>& all = out_.candidates;
    pool.Run(all.size(), [&](std::size_t i) { sizing::Estimate(spec_, rate_, options_.cancel, &all[i]); });
    if (Cancelled(options_.cancel)) return Status::OutOfRange("cancelled (the wall-time limit of the caller)");
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < all.size(); ++i) {
      if (all[i].status == "estimated") order.push_back(i);
    }
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return std::tie(all[a].cost_lower_bound, all[a].unit_gpus) < std::tie(all[b].cost_lower_bound, all[b].unit_gpus);
    });
    total_ = order.size();
    for (std::size_t pos = 0; pos < order.size();) {
      std::vector<std::size_t> wave;
      for (; pos < order.size() && wave.size() < kWave; ++pos) {
        if (all[order[pos]].cost_lower_bound > Bound()) break;
        wave.push_back(order[pos]);
      }
      if (wave.empty()) break;
      FLEETLAB_RETURN_IF_ERROR(Bisect(wave));
      VerifyWave(wave, pool);
      if (Cancelled(options_.cancel)) return Status::OutOfRange("cancelled (the wall-time limit of the caller)");
    }
    for (std::size_t i = 0; i < all.size(); ++i) {
      if (all[i].status == "estimated") {
        all[i].status = "skipped";
        all[i].reason = fmt::format("costs at least ${:.2f}/h, more than ${:.2f}/h (the bound of the fleets found)",
                                    all[i].cost_lower_bound, Bound());
        Settle();
      }
      out_.runs += all[i].runs;
    }
    ListTop();
    return std::move(out_);
  }

 private:
  // No candidate whose lower bound is above this can be listed.
  double Bound() const {
    double b = spec_.budget_usd_per_hour > 0 ? spec_.budget_usd_per_hour : std::numeric_limits<double>::infinity();
    const auto& f = out_.fleets;
    if (!f.empty()) b = std::min(b, Cost(f.front()) * spec_.max_cost_ratio);
    if (f.size() >= spec_.top) b = std::min(b, Cost(f[spec_.top - 1]));
    return b;
  }
  double Cost(std::size_t i) const { return out_.candidates[i].usd_per_hour; }

  void SortFleets() {
    const auto& all = out_.candidates;
    std::stable_sort(out_.fleets.begin(), out_.fleets.end(), [&](std::size_t a, std::size_t b) {
      return std::make_tuple(all[a].usd_per_hour, all[a].units * all[a].unit_gpus, -all[a].headroom, a) <
             std::make_tuple(all[b].usd_per_hour, all[b].units * all[b].unit_gpus, -all[b].headroom, b);
    });
  }

  void ListTop() {
    for (std::size_t i : out_.fleets) {
      if (out_.top.size() >= spec_.top || Cost(i) > Bound()) break;
      out_.top.push_back(i);
    }
  }

  void Settle() {
    std::lock_guard<std::mutex> lock(progress_mutex_);
    ++settled_;
    if (options_.progress) options_.progress(settled_, total_);
  }

  // The wave's fleets, kVerifyWave at a time in order of their lower bounds
  // (now from the bisection), skipping those the fleets found already beat.
  void VerifyWave(std::vector<std::size_t> wave, WorkerPool& pool) {
    std::vector<SizingCandidate>& all = out_.candidates;
    std::stable_sort(wave.begin(), wave.end(), [&](std::size_t a, std::size_t b) {
      return all[a].cost_lower_bound < all[b].cost_lower_bound;
    });
    for (std::size_t pos = 0; pos < wave.size();) {
      std::vector<std::size_t> part;
      for (; pos < wave.size() && part.size() < kVerifyWave; ++pos) {
        SizingCandidate& c = all[wave[pos]];
        if (c.status == "estimated" && c.cost_lower_bound > Bound()) {
          c.status = "skipped";
          c.reason = fmt::format("needs at least {} units by its bisection, ${:.2f}/h, more than ${:.2f}/h (the bound "
                                 "of the fleets found)", c.units_lower_bound, c.cost_lower_bound, Bound());
        }
        part.push_back(wave[pos]);
      }
      pool.Run(part.size(), [&](std::size_t k) { Verify(&all[part[k]]); });
      for (std::size_t i : part) {
        if (all[i].status == "fleet") out_.fleets.push_back(i);
        Settle();
      }
      SortFleets();
    }
  }

  // The wave's units: the highest rate within the SLOs (capacity bisection,
  // on its own pool of options_.threads).
  Status Bisect(const std::vector<std::size_t>& wave) {
    CapacitySpec cs;
    cs.base = sizing::FleetDocument(spec_, out_.candidates[wave.front()], 1, rate_, spec_.requests);
    for (const char* system : {"replica", "fleet", "disaggregation"}) cs.base.erase(system);
    cs.base_dir = spec_.parse.base_dir;
    cs.catalog = spec_.catalog.get();
    cs.allow_files = spec_.parse.allow_files;
    cs.named_traces = spec_.parse.named_traces;
    cs.slos = spec_.slos;
    for (std::size_t i : wave) {
      const SizingCandidate& c = out_.candidates[i];
      CapacityConfig config;
      config.name = c.name;
      const json system = sizing::SystemOf(spec_, c, 1);
      for (const auto& [key, value] : system.items()) config.set.emplace_back(key, value);
      config.rate_low_per_s = kLowFraction * c.estimate_per_s;
      config.rate_high_per_s = kCapacitySlack * c.estimate_per_s;
      config.tolerance_per_s = kToleranceFraction * c.estimate_per_s;
      cs.configs.push_back(std::move(config));
    }
    auto result = RunCapacity(cs, std::max(1u, options_.threads), {}, options_.cancel);
    if (!result.ok()) return result.status();
    for (std::size_t k = 0; k < wave.size(); ++k) Record(result->configs[k], &out_.candidates[wave[k]]);
    return Status::Ok();
  }

  void Record(const CapacityResult& r, SizingCandidate* c) {
    c->runs += r.runs;
    c->bound = r.bound;
    if (!r.error.empty()) {
      c->status = "infeasible";
      c->reason = r.error;
      return;
    }
    c->binding = sizing::BindingConstraint(r);
    if (r.bound == CapacityBound::kBelowLow) {
      c->status = "infeasible";
      c->reason = fmt::format("misses the SLOs even at {:.3g} req/s per unit: {}", r.fail_rate_per_s, r.miss);
      return;
    }
    c->unit_max_rate_per_s = r.max_rate_per_s;
    // A fleet pools its load, but by no more than the slack: a sharper bound.
    c->units_lower_bound = std::max(c->units_lower_bound, UnitsAtLeast(c->unit_max_rate_per_s));
    c->cost_lower_bound = static_cast<double>(c->units_lower_bound * c->unit_gpus) * c->gpu_price_usd;
  }

  std::uint64_t UnitsAtLeast(double unit_rate) const {
    return std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(rate_ / (kCapacitySlack * unit_rate) - 1e-9)));
  }


  FleetRun RunFleet(const SizingCandidate& c, std::uint64_t units, double rate) {
    FleetRun f;
    const std::uint64_t requests = std::min(spec_.max_fleet_requests, spec_.requests * units);
    f.scenario = sizing::FleetDocument(spec_, c, units, rate, requests);
    auto s = sizing::ParseFor(spec_, f.scenario);
    if (s.ok()) f.status = CheckRunEstimate(*s, options_.max_bytes_per_run, "--max-memory");
    if (!s.ok()) f.status = s.status();
    if (!f.status.ok()) return f;
    RunHooks hooks;
    hooks.kv_heatmap = false;
    hooks.cancel = options_.cancel;
    auto report = RunScenario(*s, hooks);
    if (!report.ok()) {
      f.status = report.status();
      return f;
    }
    f.report = ReportToJson(*report);
    auto pass = MeetsSlos(f.report, spec_.slos, &f.why);
    f.pass = pass.ok() && *pass;
    if (!pass.ok()) f.why = pass.status().message();
    return f;
  }

  // The fleet of the fewest units that meets the SLOs at R: from
  // n0 = ceil(R / unit max rate) up (kSizeSteps) while it misses; then a
  // bisection on the units down to the lower bound ceil(R / (slack x unit
  // max rate)); if that bound passes, below it one by one. So one unit fewer
  // than the fleet found is known to miss.
  void Verify(SizingCandidate* c) {
    if (c->status != "estimated" || Cancelled(options_.cancel)) return;
    std::map<std::uint64_t, FleetRun> tried;
    const auto passes = [&](std::uint64_t n) {
      auto it = tried.find(n);
      if (it == tried.end()) {
        it = tried.emplace(n, RunFleet(*c, n, rate_)).first;
        ++c->runs;
      }
      return it->second.status.ok() && it->second.pass;
    };
    const std::uint64_t max_units = spec_.search.max_units;
    std::uint64_t hi = std::clamp<std::uint64_t>(
        static_cast<std::uint64_t>(std::ceil(rate_ / c->unit_max_rate_per_s - 1e-9)), 1, max_units);
    for (int step = 0; !passes(hi) && step < kSizeSteps && hi < max_units && tried[hi].status.ok(); ++step) ++hi;
    if (!passes(hi)) {
      const FleetRun& last = tried[hi];
      c->status = "infeasible";
      c->reason = !last.status.ok() ? last.status.message()
                                    : fmt::format("a fleet of {} units misses at {:.4g} req/s: {}", hi, rate_, last.why);
      return;
    }
    std::uint64_t lo = std::min(hi, UnitsAtLeast(c->unit_max_rate_per_s));  // hi passes
    while (lo < hi) {
      const std::uint64_t mid = lo + (hi - lo) / 2;
      if (passes(mid)) hi = mid; else lo = mid + 1;
    }
    while (hi > 1 && passes(hi - 1)) --hi;  // below the bound: rare, one by one
    Found(c, hi, std::move(tried[hi]));
  }

  void Found(SizingCandidate* c, std::uint64_t n, FleetRun at) {
    if (n * static_cast<std::uint64_t>(c->unit_gpus) > spec_.search.max_gpus) {
      c->status = "infeasible";
      c->reason = fmt::format("needs {} GPUs, more than search.max_gpus {}", n * c->unit_gpus, spec_.search.max_gpus);
      return;
    }
    if (spec_.headroom > 0) {  // the figures at the target itself
      FleetRun target = RunFleet(*c, n, spec_.rate_per_s);
      ++c->runs;
      if (target.status.ok()) at = std::move(target);
    }
    c->status = "fleet";
    c->units = n;
    c->headroom = static_cast<double>(n) * c->unit_max_rate_per_s / spec_.rate_per_s - 1;
    SteadyState(at.report, c);
    c->fleet_report = std::move(at.report);
    c->fleet_scenario = std::move(at.scenario);
  }

  // The fleet's figures in steady state at the target rate: a run's own
  // token rates include the final drain (docs/report.md), which a planner's
  // fleet, serving the rate for hours, does not see.
  void SteadyState(const json& report, SizingCandidate* c) const {
    const auto number = [&report](const char* path) {
      const json* v = FindPath(report, path);
      return v && v->is_number() ? v->get<double>() : 0.0;
    };
    c->usd_per_hour = number("cost.usd_per_hour");
    const double share = number("cost.split.prompt_share");
    const double per_million = 1e6 / 3600;
    const double prompt_rate = spec_.rate_per_s * spec_.mean_prompt_tokens;
    const double output_rate = spec_.rate_per_s * spec_.mean_output_tokens;
    if (prompt_rate > 0) c->usd_per_million_input_tokens = c->usd_per_hour * share / prompt_rate * per_million;
    if (output_rate > 0) {
      c->usd_per_million_output_tokens = c->usd_per_hour * (1 - share) / output_rate * per_million;
      c->usd_per_million_output_tokens_all_in = c->usd_per_hour / output_rate * per_million;
    }
    c->goodput_rps = number("slo.attainment") * spec_.rate_per_s;
  }

  const SizingSpec& spec_;
  const SizingOptions& options_;
  const double rate_;  // R: the target x (1 + headroom)
  SizingOutcome out_;
  std::mutex progress_mutex_;
  std::uint64_t settled_ = 0, total_ = 0;
};

}  // namespace

Result<SizingOutcome> RunSizing(const SizingSpec& spec, const SizingOptions& options) {
  Search search(spec, options);
  return search.Run();
}

}  // namespace fleetlab
