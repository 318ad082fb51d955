// Report: what one simulation run measured. Plain data; rendering to text or
// JSON happens at the edge (report/). The JSON field names are a stable
// interface documented in docs/report.md.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fleetlab/fleet/disaggregation_report.h"
#include "fleetlab/fleet/fleet_report.h"
#include "fleetlab/llm/llm_report.h"
#include "fleetlab/metrics/sample_set.h"
#include "fleetlab/path/path_report.h"

namespace fleetlab {

struct JsonDocument;  // util/json.h

// The analytic twin's prediction for the same configuration (when one
// exists). A statistic the formula does not give is NaN.
struct AnalyticPrediction {
  bool available = false;
  std::string method;  // the formula used, e.g. "M/M/1 exact"
  bool exact = false;  // are the percentiles exact (not approximations)?
  bool stable = true;
  double e2e_mean_ms = 0, e2e_p50_ms = 0, e2e_p99_ms = 0, e2e_p999_ms = 0;
  double queue_mean_ms = 0, queue_p99_ms = 0;
  double utilization = 0;
};

// One class of a mixed workload (workload.classes): its own latencies and
// attainment of its own objectives, over its measured requests.
struct ClassReport {
  std::string name;
  std::uint64_t completed = 0, dropped = 0;
  Summary e2e_ms, ttft_ms, tpot_ms;  // TTFT and TPOT only when an LLM made the tokens
  double ttft_slo_ms = 0, tpot_slo_ms = 0, e2e_slo_ms = 0;  // 0: none
  double slo_attainment = 0;  // completed requests meeting every objective / (completed + dropped)
  double throughput_rps = 0;
};

struct Report {
  std::string scenario;
  std::uint64_t seed = 0;
  // The scenario document the run parsed (Scenario::document), or null.
  // Shared with the Scenario; util/json.h defines JsonDocument.
  std::shared_ptr<const JsonDocument> resolved_scenario;

  // Stability. An open system whose offered load reaches its capacity, or
  // whose backlog visibly grows, is unstable: its latency percentiles are
  // then meaningless (they grow with the run length) and are not reported.
  bool stable = true;
  std::string stability_note;
  double offered_rate_per_s = 0;  // mean arrival rate (open) or measured send rate (closed)
  double capacity_per_s = 0;      // the most the system can serve (estimated for an LLM replica)
  double offered_load = 0;        // offered_rate / capacity
  double backlog_growth_per_s = 0;  // d(requests in system)/dt while arrivals lasted
  // Little's law per quarter of the arrivals: time-averaged requests in
  // system over the quarter's arrival rate, seconds (empty when not judged).
  std::vector<double> little_w_s;

  // Latency of measured (non-warm-up) completed requests, in milliseconds.
  Summary e2e_ms;
  Summary queue_ms;  // time from arrival to the start of service
  double wait_probability = 0;  // fraction of measured requests that queued at all

  // Departures (completions of any request) during the arrival window / its
  // length: the drain after the last arrival is excluded.
  double throughput_rps = 0;
  // Measured completions / (first measured arrival to last completion): the
  // figure serving benchmarks (vLLM's bench serve) report, drain included.
  double throughput_with_drain_rps = 0;
  double utilization = 0;      // busy fraction of the servers, 0..1
  double mean_queue_length = 0;  // time-averaged requests waiting
  double mean_in_system = 0;     // time-averaged requests waiting or in service
  double mean_batch_size = 0;
  // Requests the warm-up left in the system when measuring began, and the
  // requests in the system when the window closed (the drain's work).
  std::uint64_t in_system_at_window_start = 0;
  std::uint64_t in_system_at_window_end = 0;

  std::uint64_t arrived = 0;   // all requests sent, warm-up included
  std::uint64_t warmup = 0;    // of which excluded as warm-up
  std::uint64_t completed = 0;  // measured requests completed
  std::uint64_t dropped = 0;    // refused by a full queue (all requests)
  std::uint64_t in_flight_at_end = 0;  // still in the system when the run stopped
  double drop_fraction = 0;

  // The window rates and time averages are taken over: first measured
  // arrival to the last arrival (a timed run: to its duration; a request
  // path: to its last exit).
  double window_s = 0;
  double with_drain_window_s = 0;  // first measured arrival to the last completion
  double drain_s = 0;              // last arrival to the last completion
  double simulated_s = 0;  // simulated time at the end of the run
  std::uint64_t events = 0;

  AnalyticPrediction analytic;

  // Set when the system was an LLM replica (a fleet of them: combined over
  // the fleet, see fleet/llm_merge.h).
  std::optional<LlmReport> llm;
  // Set when the system was a fleet: per-replica figures and the imbalance.
  // The fields above then describe the whole fleet: capacity is the sum,
  // utilisation the mean over replicas, queue lengths the sums.
  std::optional<FleetReport> fleet;
  // Set when the system was a request path (scenario "path"): each stage's
  // figures and the energy. The fields above then describe the whole path:
  // capacity is the bottleneck stage's, utilisation the busiest stage's.
  std::optional<PathReport> path;
  // Set when the scenario gave a deadline.
  std::optional<DeadlineReport> deadline;
  // Set when the system was disaggregated (prefill and decode pools): each
  // pool's figures and the KV link's. `llm` then merges the pools
  // (disagg/disagg_merge.h) and the fields above describe both.
  std::optional<DisaggregationReport> disaggregation;
  // One entry per class when the workload has classes (empty otherwise).
  std::vector<ClassReport> classes;
};

}  // namespace fleetlab
