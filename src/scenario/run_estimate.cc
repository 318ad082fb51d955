#include "fleetlab/run_estimate.h"

#include <algorithm>
#include <cmath>
#include <cctype>
#include <limits>
#include <string>
#include <variant>

#include <fmt/format.h>

#include "fleetlab/llm/memory_plan.h"
#include "fleetlab/metrics/sample_set.h"
#include "fleetlab/time.h"
#include "fleetlab/workload/arrival_process.h"

namespace fleetlab {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kKiB = 1024, kMiB = 1024 * kKiB;

// The memory constants, measured as peak RSS (/usr/bin/time -v, "Maximum
// resident set size") of `fleetlab run` in the Release build on the
// project's development machine (x86-64, glibc malloc), as the slope between
// two sizes of the same scenario:
//   mm1.json, requests 1e6 -> 1e7:                35,440 -> 250,140 KiB: 24.4 B a request
//   fleet-power-of-two.json, 1e5 -> 1e6:          14,224 ->  35,580 KiB: 24.3 B
//   closed-loop.json, 1e7 requests:                         249,736 KiB: 24 B
//   llama3-70b-h100.json, 1e6 -> 3e6:             53,964 -> 132,800 KiB: 40.4 B
//   the same as a fleet of 4, 1e5 -> 1e6:         28,212 ->  85,836 KiB: 65.6 B
//   llama3-70b-disaggregated.json, 3e4 -> 3e5:    16,972 ->  41,304 KiB: 92 B
//   edge-guardian part3 (link, 10-way fan-out):   32,184 -> 210,488 KiB: 203 B
//   mobile-nomad part3 (two sub-paths):           19,540 ->  89,032 KiB: 79 B
//   mm1.json at 1000/s (10x overloaded), 1e7:            1,599,252 KiB: 164 B
// and per fleet member, 2,000 requests, the slope over the fleet's size:
//   station, 1000 -> 10000 members:               14,152 ->  28,368 KiB: 1.6 KiB
//   llama-3-70b TP8 on H100 (82,361 KV blocks of 16 tokens), 20 -> 200 members
//   (2026-12-07, the fleet's replicas sharing one ReplicaOptions):
//     block_tokens 16, 64, 256: 9.1, 8.3, 9.9 KiB each (a paged cache counts
//     its blocks and lists none); contiguous allocator: 10.5 KiB
//     prefix caching on, block_tokens 16 and 256: 4,521 and 291 KiB each ->
//     56 B a block (every block: the cache keeps freed ones)
//   llama-3-8b TP1: 8.3 KiB
// and per server of a station (2026-12-08, 2,000 requests, 1 -> 100,000
// servers): a station alone 14,076 -> 16,904 KiB: 29 B; a path pool of 8
// replicas 12,112 -> 43,244 KiB: 40 B (counted: 40 B).
// The smallest runs peak at 12-14 MiB (the binary, the catalog).
constexpr double kProcessBytes = 14 * kMiB;
constexpr double kStationRequestBytes = 24;  // the collector's latency and queueing samples
constexpr double kLlmRequestBytes = 40;      // + the replica's TTFT, TPOT and e2e samples
constexpr double kPooledRequestBytes = 24;   // a fleet of replicas copies its samples into one pool
constexpr double kDisaggRequestBytes = 92;
constexpr double kSampleBytes = 8;           // one sample in one path stage's SampleSet
constexpr double kQueuedRequestBytes = 140;  // a request waiting in a station's ring buffer (it doubles)
constexpr double kDeadlineRequestBytes = 1;  // the met/missed outcome
constexpr double kStationBytes = 1.6 * kKiB;
constexpr double kServerBytes = 40;  // each of a station's servers
constexpr double kReplicaBytes = 10 * kKiB;
// A prefix cache keeps a table entry for every block of the replica's KV.
constexpr double kPrefixKvBlockBytes = 56;
// A trace record (workload/trace.h: 24 B with its hash-id range), a hash id.
constexpr double kPrefixGroupBytes = 16, kTraceRecordBytes = 24, kTraceHashBytes = 8;
// Events a request costs, measured the same way: 2 at a station (arrival,
// completion); 11.1 at llama3-70b-h100 (its iterations are shared by the
// batch); on a path about 2 per link or pool it visits (edge-guardian part3:
// 22 measured, 23 by this count).
constexpr double kStationEvents = 2, kLlmEvents = 12;

// A path's bookkeeping per request: the samples its stages record, the
// events, the stations behind them, its lower bound on time and its capacity.
struct PathCounts {
  double samples = 0, events = 0, member_bytes = 0, min_s = 0, capacity = kInf;
};

// The least time a station can take for one request: its cheapest batch
// (the service draw may be 0).
double StationMin(const StationOptions& st) {
  const auto& times = st.batching.batch_time_s;
  if (!times.empty()) return *std::min_element(times.begin(), times.end());
  return st.batching.fixed_s + st.batching.per_item_s;
}

PathCounts CountStages(const std::vector<StageOptions>& stages);

// A station's memory: its own state and each of its servers'.
double StationBytes(const StationOptions& st) { return kStationBytes + kServerBytes * st.servers; }

PathCounts CountPool(const PoolOptions& p) {
  const bool quantile = p.hedge.trigger == HedgeOptions::Trigger::kQuantile;
  return {quantile ? 2.0 : 1.0, 2, p.replicas * StationBytes(p.station), StationMin(p.station), p.Capacity()};
}

PathCounts CountFanout(const StageOptions& f) {
  PathCounts c{1, 1, 0, kInf, kInf};
  for (const BranchOptions& b : f.branches) {
    const PathCounts one = b.stages.empty() ? CountPool(b.pool) : CountStages(b.stages);
    c.samples += one.samples + 1;  // the branch's own latency
    c.events += one.events;
    c.member_bytes += one.member_bytes;
    c.min_s = std::min(c.min_s, one.min_s);
    c.capacity = std::min(c.capacity, one.capacity);
  }
  if (!std::isfinite(c.min_s)) c.min_s = 0;
  return c;
}

PathCounts CountStages(const std::vector<StageOptions>& stages) {
  PathCounts c;
  for (const StageOptions& st : stages) {
    PathCounts one;
    if (st.kind == StageOptions::Kind::kLink) {
      const double wire = st.link.bandwidth_Bps > 0 ? st.link.bytes / st.link.bandwidth_Bps : 0;
      one = {1, 2, kStationBytes, wire, st.link.Capacity()};
    } else {
      one = st.kind == StageOptions::Kind::kPool ? CountPool(st.pool) : CountFanout(st);
    }
    c.samples += one.samples;
    c.events += one.events;
    c.member_bytes += one.member_bytes;
    c.min_s += one.min_s;
    c.capacity = std::min(c.capacity, one.capacity);
  }
  return c;
}

// A replica's memory: its fixed part, and with a prefix cache a table entry
// for each block of its KV.
double ReplicaBytes(const ReplicaOptions& r) {
  const KvCacheOptions& kv = r.kv.cache;
  if (kv.kind != KvCacheOptions::Kind::kPaged || !kv.prefix_caching) return kReplicaBytes;
  const MemoryPlan plan = PlanMemory(r.hardware, r.memory);
  const double capacity = plan.fits ? static_cast<double>(plan.kv_capacity.value()) : 0.0;
  const double blocks = capacity / static_cast<double>(std::max<std::int64_t>(1, kv.block_tokens.value()));
  return kReplicaBytes + blocks * kPrefixKvBlockBytes;
}

// What the system under load is made of, for the estimate.
struct SystemCounts {
  double request_bytes = 0, request_events = 0, member_bytes = 0;
  double min_s = 0;          // the least time one request spends in it
  double capacity = 0;       // requests/s it can serve; 0 when not known in advance
  std::string member_field;  // the field that sizes the members
};

SystemCounts CountPools(const DisaggregationOptions& d) {
  SystemCounts c{kDisaggRequestBytes, kLlmEvents, 0, kInf, 0,
                 "disaggregation.prefill.replicas and disaggregation.decode.replicas"};
  c.member_bytes =
      d.prefill.replicas * ReplicaBytes(d.prefill.replica) + d.decode.replicas * ReplicaBytes(d.decode.replica);
  const ReplicaHardware& hw = d.prefill.replica.hardware;
  c.min_s = hw.pp * hw.iteration_overhead_s;
  return c;
}

SystemCounts CountReplicas(const ReplicaSystem& sys) {
  SystemCounts c{kLlmRequestBytes, kLlmEvents, 0, kInf, 0, "fleet.replicas"};
  const std::size_t n = sys.fleet ? sys.fleet->replicas : 1;
  if (n > 1) c.request_bytes += kPooledRequestBytes;
  for (std::size_t i = 0; i < n; ++i) {
    const ReplicaOptions& r = sys.Member(i);
    c.member_bytes += ReplicaBytes(r);
    c.min_s = std::min(c.min_s, r.hardware.pp * r.hardware.iteration_overhead_s);
  }
  return c;
}

SystemCounts CountPath(const PathOptions& path) {
  const PathCounts p = CountStages(path.stages);
  return {kStationRequestBytes + kSampleBytes * p.samples, p.events, p.member_bytes, p.min_s,
          std::isfinite(p.capacity) ? p.capacity : 0, "path.stages (the pools' replicas)"};
}

SystemCounts CountStations(const StationSystem& sys) {
  SystemCounts c{kStationRequestBytes, kStationEvents, 0, kInf, 0, "fleet.replicas"};
  const std::size_t n = sys.fleet ? sys.fleet->replicas : 1;
  for (std::size_t i = 0; i < n; ++i) {
    c.member_bytes += StationBytes(sys.Member(i));
    c.min_s = std::min(c.min_s, StationMin(sys.Member(i)));
    c.capacity += sys.Member(i).Capacity();
  }
  return c;
}

// Counts each kind of system (std::visit).
struct CountVisitor {
  SystemCounts operator()(const StationSystem& st) const { return CountStations(st); }
  SystemCounts operator()(const ReplicaSystem& r) const { return CountReplicas(r); }
  SystemCounts operator()(const RequestPath& p) const { return CountPath(p.path); }
  SystemCounts operator()(const DisaggregatedPools& d) const { return CountPools(d.disaggregation); }
};

SystemCounts CountSystem(const Scenario& s) { return std::visit(CountVisitor{}, s.system); }

double OpenRate(const Scenario& s) { return ArrivalProcess(s.workload.arrival, s.trace).MeanRate(); }

std::string SizeText(double b) {
  if (b >= 1024 * 1024 * kMiB) return fmt::format("{:.1f} TiB", b / (1024 * 1024 * kMiB));
  if (b >= 1024 * kMiB) return fmt::format("{:.1f} GiB", b / (1024 * kMiB));
  return fmt::format("{:.0f} MiB", b / kMiB);
}

// The field that sets the request count.
const char* RequestField(const Scenario& s) { return s.workload.duration_s > 0 ? "workload.duration_s" : "workload.requests"; }

Status TooManyRequests(const Scenario& s, double requests) {
  const WorkloadOptions& w = s.workload;
  if (w.mode == LoadMode::kClosed && w.duration_s > 0) {
    return Status::InvalidArgument(fmt::format(
        "workload.duration_s: {} users for {:g} s could send {:.3g} requests (users x duration over the shortest "
        "cycle: think time mean + the least service time); at most {:g} a run: shorten duration_s, give a think time, "
        "or send a fixed number (workload.requests, duration_s 0)", w.closed.users, w.duration_s, requests,
        kMaxPlannedRequests));
  }
  return Status::InvalidArgument(fmt::format("workload.duration_s: rate x duration = {:.3g} requests; at most {:g} a "
                                             "run: shorten duration_s or lower the rate", requests, kMaxPlannedRequests));
}

Status BeyondHorizon(const Scenario& s, double span_s) {
  if (s.workload.mode == LoadMode::kClosed) {
    return Status::InvalidArgument(fmt::format("workload.closed.think_time: {} requests by {} users thinking {:g} s "
                                               "on average span {:.3g} s of simulated time; a run may simulate at "
                                               "most {:g} s", s.workload.requests, s.workload.closed.users,
                                               s.workload.closed.think_time_s.Mean(), span_s, kHorizonSeconds));
  }
  return Status::InvalidArgument(fmt::format("workload.requests: {} requests at {:g} per second span {:.3g} s of "
                                             "simulated time; a run may simulate at most {:g} s: raise "
                                             "workload.arrival.rate_per_s or send fewer requests",
                                             s.workload.requests, OpenRate(s), span_s, kHorizonSeconds));
}


// Requests and arrival span of the workload on this system.
void Plan(const Scenario& s, const SystemCounts& c, RunEstimate* e) {
  const WorkloadOptions& w = s.workload;
  const bool timed = w.duration_s > 0;
  if (w.mode == LoadMode::kOpen) {
    const double rate = OpenRate(s);
    e->requests = timed ? rate * w.duration_s : static_cast<double>(w.requests);
    if (w.arrival.kind == ArrivalKind::kTrace) e->requests = std::min(e->requests, static_cast<double>(s.trace.size()));
    e->arrival_span_s = timed ? w.duration_s : (rate > 0 ? e->requests / rate : 0);
    return;
  }
  const double users = w.closed.users, think = w.closed.think_time_s.Mean();
  e->arrival_span_s = timed ? w.duration_s : static_cast<double>(w.requests) * think / users;
  if (!timed) {
    e->requests = static_cast<double>(w.requests);
    return;
  }
  const double cycle = think + c.min_s;  // no user can go round faster
  double rate = cycle > 0 ? users / cycle : kInf;
  if (c.capacity > 0) rate = std::min(rate, c.capacity);
  e->requests = std::isfinite(rate) ? users + rate * w.duration_s : kInf;
}

}  // namespace

RunEstimate EstimateRun(const Scenario& s) {
  RunEstimate e;
  const SystemCounts c = CountSystem(s);
  Plan(s, c, &e);
  e.events = e.requests * c.request_events;
  // Latency samples are kept exactly up to SampleSet::kExactSamples a
  // metric, then sketched in bounded memory.
  const double sampled = std::min(e.requests, static_cast<double>(SampleSet::kExactSamples));
  double per_request = (s.deadline ? kDeadlineRequestBytes : 0);
  const double rate = s.workload.mode == LoadMode::kOpen ? OpenRate(s) : 0;
  if (c.capacity > 0 && rate > c.capacity) per_request += kQueuedRequestBytes * (1 - c.capacity / rate);  // backlog
  e.bytes = kProcessBytes + sampled * c.request_bytes + e.requests * per_request + c.member_bytes +
            s.workload.sizes.prefix_groups * kPrefixGroupBytes + static_cast<double>(s.trace.size()) * kTraceRecordBytes +
            (s.trace_hashes ? static_cast<double>(s.trace_hashes->size()) * kTraceHashBytes : 0.0) +
            (s.workload.sizes.dataset ? static_cast<double>(s.workload.sizes.dataset->size()) * kTraceRecordBytes : 0.0);
  return e;
}

Status CheckRunEstimate(const Scenario& s, double max_bytes, const std::string& limit) {
  const RunEstimate e = EstimateRun(s);
  if (!(e.requests <= kMaxPlannedRequests)) return TooManyRequests(s, e.requests);
  if (e.arrival_span_s > kHorizonSeconds) return BeyondHorizon(s, e.arrival_span_s);
  if (e.bytes <= max_bytes) return Status::Ok();
  const SystemCounts c = CountSystem(s);
  const double for_requests = e.bytes - c.member_bytes - kProcessBytes;
  if (c.member_bytes > for_requests) {
    return Status::InvalidArgument(fmt::format("{}: the run would need about {} of memory ({} for the fleet's "
                                               "members); {} allows {}", c.member_field,
                                               SizeText(e.bytes), SizeText(c.member_bytes), limit, SizeText(max_bytes)));
  }
  return Status::InvalidArgument(fmt::format("{}: the run would need about {} of memory ({:.3g} requests at about "
                                             "{:.0f} B each); {} allows {}", RequestField(s), SizeText(e.bytes),
                                             e.requests, for_requests / e.requests, limit, SizeText(max_bytes)));
}

Result<double> ParseMemorySize(const std::string& text, const std::string& flag) {
  double value = 0;
  std::size_t used = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  std::string suffix = text.substr(used);
  for (char& ch : suffix) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  for (const char* tail : {"IB", "B"}) {
    const std::string t = tail;
    if (suffix.size() > t.size() && suffix.compare(suffix.size() - t.size(), t.size(), t) == 0) {
      suffix.resize(suffix.size() - t.size());
      break;
    }
  }
  const std::string units = "KMGT";
  const auto at = suffix.size() == 1 ? units.find(suffix[0]) : std::string::npos;
  const bool ok = used > 0 && (suffix.empty() || suffix == "B" || at != std::string::npos);
  if (at != std::string::npos) value *= std::pow(1024.0, static_cast<double>(at + 1));
  if (!ok || !(value >= kMiB && value <= std::pow(1024.0, 5))) {
    return Status::InvalidArgument(fmt::format("{} {}: expected a size between 1M and 1024T, in bytes or with a "
                                               "suffix K, M, G or T (powers of 1024), e.g. 8G", flag, text));
  }
  return value;
}

}  // namespace fleetlab
