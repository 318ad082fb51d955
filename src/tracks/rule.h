// Track rules: how the engine answers a part's question. One rule kind per
// file, chosen in one switch (answer.cc). Each runs the part's scenario
// (with the student's overrides already applied) as often as it needs and
// reads figures from the report JSON by dot path (docs/report.md).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetlab/status.h"
#include "fleetlab/tracks/tracks.h"

namespace fleetlab::tracks {

// The part's scenario, ready to run: the document (overrides applied, "lab"
// removed) and the folder its relative paths resolve against.
struct Subject {
  nlohmann::json doc;
  std::string base_dir;
  const AnswerHooks* hooks = nullptr;  // bounds every run; not owned
};

// Runs `subject` with `overrides` (an object of dot path -> JSON value)
// applied on top; returns the report JSON. `label` names the run in errors.
Result<nlohmann::json> RunWith(const Subject& subject, const nlohmann::json& overrides, const std::string& label);

// The number at `path` ("latency_ms.ttft.p99") in a report. A null, or a
// latency (latency_ms.*, also a path stage's) of an unstable run, reads as +infinity; a missing
// field is an error.
Result<double> Metric(const nlohmann::json& report, const std::string& path);

// The choice for `value` from rule["buckets"]: [{"below": x, "choice": id},
// ..., {"choice": id}] (the first bucket whose "below" exceeds the value;
// the last may omit "below").
Result<std::string> Bucket(const nlohmann::json& rule, double value);

// "growth": P99 at rule.high vs rule.low times the capacity (read from a
// run at the scenario's own rate); the ratio against the load ratio decides
// between rule.above and rule.below.
Result<TrackAnswer> AnswerGrowth(const Subject& s, const nlohmann::json& rule);
// "compare": one run per entry of rule.variants ({id: overrides}); the
// variant with the lowest (or highest, rule.better = "higher") metric wins;
// within rule.tie_tolerance (relative) of each other: rule.tie.
Result<TrackAnswer> AnswerCompare(const Subject& s, const nlohmann::json& rule);
// "ratio": metric after / metric before (two override sets); the value is
// the answer (a number question) or is bucketed (a choice question).
Result<TrackAnswer> AnswerRatio(const Subject& s, const nlohmann::json& rule);
// "value": one run (optionally with rule.overrides); metric x rule.scale is
// the answer (a number question) or is bucketed.
Result<TrackAnswer> AnswerValue(const Subject& s, const nlohmann::json& rule);

}  // namespace fleetlab::tracks
