// StationOptions: a generic service station (c servers, one FIFO queue,
// optional batching). Parsed and validated from a scenario's "station".
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

#include "fleetlab/random/distribution.h"
#include "fleetlab/station/power.h"

namespace fleetlab {

struct BatchingOptions {
  // A batch starts when max_batch requests wait, or when the oldest waiting
  // request has waited window_s, whichever comes first (and a server is
  // free). max_batch 1 is an ordinary queue. Raise window_s to trade latency
  // for fuller batches (the lab's "batch window" slider).
  std::uint32_t max_batch = 1;
  double window_s = 0.0;
  // A batch of k requests takes  fixed_s + per_item_s * k + X  seconds, where
  // X is drawn from StationOptions::service_s. Set the service to
  // deterministic 0 for a purely linear cost model.
  double fixed_s = 0.0;
  double per_item_s = 0.0;
  // When not empty: a batch of k requests takes batch_time_s[k - 1] + X
  // instead of the linear cost above (a station running a model fills it
  // from the roofline, which is not linear in k). Size: max_batch.
  std::vector<double> batch_time_s;

  // The deterministic part of a batch of k requests, in seconds.
  double BaseTime(std::uint32_t k) const {
    if (!batch_time_s.empty()) return batch_time_s[std::min<std::size_t>(k, batch_time_s.size()) - 1];
    return fixed_s + per_item_s * k;
  }
};

struct StationOptions {
  std::uint32_t servers = 1;
  // Requests that may wait while every server is busy (those in service are
  // not counted). nullopt is unbounded; 0 makes a loss system (Erlang B). An
  // arrival that finds all servers busy and this many waiting is dropped and
  // counted.
  std::optional<std::uint64_t> queue_capacity;
  Distribution service_s = Distribution::Exponential(0.010);
  BatchingOptions batching;
  // Each server is one device drawing this power (off by default).
  PowerOptions power;

  // Mean time of a batch of k requests, in seconds.
  double MeanBatchTime(std::uint32_t k) const { return service_s.Mean() + batching.BaseTime(k); }
  // The largest sustainable throughput (requests/s): every server busy with
  // full batches.
  double Capacity() const {
    const double t = MeanBatchTime(batching.max_batch);
    return t > 0 ? servers * batching.max_batch / t : 0.0;
  }
};

}  // namespace fleetlab
