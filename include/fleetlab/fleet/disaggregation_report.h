// DisaggregationReport: what a disaggregated run measured of each pool and
// of the KV link between them. Rendered under "disaggregation" in the report
// JSON (docs/report.md); the merged figures (TTFT from the prefill pool,
// TPOT and E2E from the decode side) are the report's top-level LLM fields.
#pragma once

#include <cstdint>
#include <string>

#include "fleetlab/fleet/fleet_report.h"
#include "fleetlab/llm/llm_report.h"
#include "fleetlab/metrics/sample_set.h"

namespace fleetlab {

struct PoolReport {
  LlmReport llm;      // the pool's replicas combined (fleet/llm_merge.h)
  FleetReport fleet;  // per replica, and the imbalance
};

struct KvLinkReport {
  std::string link;  // catalog id
  double bandwidth_gbps = 0, latency_us = 0;
  std::uint32_t lanes = 1;
  // Inside the measurement window (transfers that started in it):
  std::uint64_t transfers = 0;
  double bytes_per_transfer = 0;  // mean
  // Of measured requests: from the end of the prefill to the KV's arrival
  // at the decode pool (queueing included), and the queueing alone.
  Summary transfer_ms, wait_ms;
  double wait_probability = 0;  // fraction of measured transfers that queued
  // Busy lane-time / (window x lanes): the share of the link's capacity used.
  double utilization = 0;
};

struct DisaggregationReport {
  PoolReport prefill, decode;
  KvLinkReport link;
};

}  // namespace fleetlab
