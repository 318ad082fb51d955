// DisaggregationOptions: disaggregated prefill and decode (DistServe, OSDI
// 2024; Splitwise, ISCA 2024). A prefill pool computes each request's
// prompt and first token; its KV cache then crosses a shared link to a
// decode pool, which produces the rest. Each pool has its own replicas
// (hardware, sharding, scheduler) and router. Parsed and validated from a
// scenario's "disaggregation" object (docs/scenario.md).
#pragma once

#include <cstdint>

#include "fleetlab/fleet/options.h"
#include "fleetlab/llm/catalog.h"
#include "fleetlab/llm/replica_options.h"

namespace fleetlab {

// One pool: `replicas` identical copies of `replica` behind `router`.
struct LlmPoolOptions {
  // Copies of the replica. Change it to size the pool to its share of the
  // work (prefill is compute-bound, decode memory-bound).
  std::uint32_t replicas = 1;
  // role is kPrefill or kDecode (set by the parser).
  ReplicaOptions replica;
  RouterOptions router;
};

// The link the KV caches cross, prefill pool to decode pool. A transfer of
// B bytes takes latency_s + B / bandwidth_Bps; the B / bandwidth part
// occupies one lane, so transfers queue (first in, first out) when every
// lane is busy, while the latency part overlaps.
struct KvLinkOptions {
  LinkSpec link;  // a catalog link: bandwidth each way and per-message latency
  // Transfers that may be on the wire at once, each at the full bandwidth.
  // 1 models one shared path; raise it for independent paths (e.g. one
  // NIC per GPU pair).
  std::uint32_t lanes = 1;
};

struct DisaggregationOptions {
  LlmPoolOptions prefill, decode;  // same model and KV dtype in both
  KvLinkOptions link;
};

}  // namespace fleetlab
