// The sizing search's parts (sizing.h): the candidates and their scenario
// documents, the analytic step, and what limits a unit. Internal to
// src/sweep/.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetlab/sweep/sizing.h"

namespace fleetlab::sizing {

// Every candidate of the spec's search space, in a fixed order: GPU kind
// (as listed), then TP, PP, max_running, max_batch_tokens, then co-located
// before the P:D ratios (as listed).
std::vector<SizingCandidate> ExpandCandidates(const SizingSpec& spec);

// The system of `units` copies of the candidate's unit, as the scenario
// fields to set on the base: {"replica": ..., "fleet": ...} or
// {"disaggregation": ...}.
nlohmann::json SystemOf(const SizingSpec& spec, const SizingCandidate& c, std::uint64_t units);

// The whole scenario document: the base's workload (rate, requests and a
// 10% warm-up set) and the system of `units` units.
nlohmann::json FleetDocument(const SizingSpec& spec, const SizingCandidate& c, std::uint64_t units, double rate,
                             std::uint64_t requests);

// Parses a document as the spec says (its ParseOptions and catalog).
Result<Scenario> ParseFor(const SizingSpec& spec, const nlohmann::json& doc);

// Step 1 for one candidate: prunes it (status "pruned" with the reason) or
// fills estimate_per_s, units_lower_bound and cost_lower_bound for the
// resolved rate R. `cancel` as RunHooks::cancel.
void Estimate(const SizingSpec& spec, double rate, const std::atomic<bool>* cancel, SizingCandidate* c);

// What limits a unit's rate, from the bisection's first failing run and
// its first missed objective, e.g. "KV memory (peak 98% of the cache,
// 12 preemptions)" or "TTFT queueing (GPU busy 61%)".
std::string BindingConstraint(const CapacityResult& r);

}  // namespace fleetlab::sizing
