#include "fleetlab/scenario/parse.h"

#include <algorithm>
#include <filesystem>
#include <limits>
#include <map>
#include <type_traits>
#include <variant>

#include <fmt/format.h>

#include "fleetlab/util/file.h"
#include "fleetlab/util/json.h"

#include "fleetlab/llm/catalog.h"
#include "fleetlab/run_estimate.h"
#include "scenario/disagg_parse.h"
#include "scenario/distribution_parse.h"
#include "scenario/path_parse.h"
#include "scenario/station_parse.h"
#include "scenario/fleet_parse.h"
#include "scenario/replica_parse.h"
#include "scenario/trace_parse.h"
#include "scenario/workload_shape_parse.h"
#include "util/field_reader.h"

namespace fleetlab {
namespace {

// The scenario names of the arrival processes and load modes (docs/scenario.md).
constexpr auto kArrivalKindNames = MakeEnumNames<ArrivalKind>({
    {ArrivalKind::kPoisson, "poisson"},
    {ArrivalKind::kGamma, "gamma"},
    {ArrivalKind::kDeterministic, "deterministic"},
    {ArrivalKind::kOnOff, "on_off"},
    {ArrivalKind::kTrace, "trace"},
});
constexpr auto kLoadModeNames = MakeEnumNames<LoadMode>({{LoadMode::kOpen, "open"}, {LoadMode::kClosed, "closed"}});

using nlohmann::json;

Status ParseOnOff(const json& v, const std::string& path, OnOffOptions* o) {
  FieldReader r(v, path);
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  FLEETLAB_RETURN_IF_ERROR(r.Time("mean_on_s", &o->mean_on_s, TimeUnit::kSeconds, TimeRange::Positive()));
  FLEETLAB_RETURN_IF_ERROR(r.Time("mean_off_s", &o->mean_off_s, TimeUnit::kSeconds, TimeRange::Positive()));
  FLEETLAB_RETURN_IF_ERROR(r.Number("off_rate_fraction", &o->off_rate_fraction, Range::Between(0, 1)));
  return r.Finish();
}

// The rate within a burst, rate x (on + off) / (on + fraction x off), is a
// rate like any other: a burst too short for its share of arrivals would
// put them all at one instant.
Status CheckBurstRate(const ArrivalOptions& a, const std::string& path) {
  const OnOffOptions& o = a.on_off;
  const double burst = a.rate_per_s * (o.mean_on_s + o.mean_off_s) / (o.mean_on_s + o.off_rate_fraction * o.mean_off_s);
  if (burst <= kMaxRatePerS) return Status::Ok();
  return Status::InvalidArgument(fmt::format("{}: the rate within a burst would be {:.3g} per second; at most {:g}: "
                                             "lengthen mean_on_s or raise off_rate_fraction", path, burst,
                                             kMaxRatePerS));
}

Status CheckOnlyFor(const FieldReader& r, const char* key, bool applies, const char* when) {
  if (!r.Has(key) || applies) return Status::Ok();
  return Status::InvalidArgument(fmt::format("{}: applies only when {}", r.PathOf(key), when));
}

Status ParseArrival(const json& v, const std::string& path, const ParseOptions& o, Scenario* s) {
  ArrivalOptions& a = s->workload.arrival;
  FieldReader r(v, path);
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  FLEETLAB_RETURN_IF_ERROR(r.Enum("process", kArrivalKindNames, &a.kind));
  const bool trace = a.kind == ArrivalKind::kTrace;
  FLEETLAB_RETURN_IF_ERROR(r.Rate("rate_per_s", &a.rate_per_s, trace));
  if (trace && !r.Has("rate_per_s")) a.rate_per_s = 0;
  FLEETLAB_RETURN_IF_ERROR(r.Number("cv", &a.cv, kCvRange));
  FLEETLAB_RETURN_IF_ERROR(CheckOnlyFor(r, "cv", a.kind == ArrivalKind::kGamma, "process is \"gamma\""));
  FLEETLAB_RETURN_IF_ERROR(CheckOnlyFor(r, "on_off", a.kind == ArrivalKind::kOnOff, "process is \"on_off\""));
  if (const json* o = r.Child("on_off")) FLEETLAB_RETURN_IF_ERROR(ParseOnOff(*o, r.PathOf("on_off"), &a.on_off));
  if (a.kind == ArrivalKind::kOnOff) FLEETLAB_RETURN_IF_ERROR(CheckBurstRate(a, r.PathOf("on_off")));
  if (const json* p = r.Child("profile")) {
    FLEETLAB_RETURN_IF_ERROR(ParseRateProfile(*p, r.PathOf("profile"), r.Has("rate_per_s"), &a));
  }
  FLEETLAB_RETURN_IF_ERROR(ParseArrivalTrace(r, trace, o, s));
  return r.Finish();
}

Status ParseClosed(const json& v, const std::string& path, ClosedLoopOptions* c) {
  FieldReader r(v, path);
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  FLEETLAB_RETURN_IF_ERROR(r.Integer32("users", &c->users, Range::Between(1, 1e6)));
  if (const json* t = r.Child("think_time")) {
    auto d = ParseTimeDistributionMs(*t, r.PathOf("think_time"), true);
    if (!d.ok()) return d.status();
    c->think_time_s = *d;
  }
  return r.Finish();
}

Status ParsePrefix(const json& v, RequestSizeOptions* sizes) {
  FieldReader r(v, "workload.prefix");
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  FLEETLAB_RETURN_IF_ERROR(r.Integer32("groups", &sizes->prefix_groups, Range::Between(0, 1e6)));
  std::uint64_t tokens = static_cast<std::uint64_t>(sizes->prefix_tokens);
  FLEETLAB_RETURN_IF_ERROR(r.Integer("tokens", &tokens, Range::Between(0, 1e7)));
  sizes->prefix_tokens = static_cast<std::int64_t>(tokens);
  FLEETLAB_RETURN_IF_ERROR(r.Integer32("turns", &sizes->turns, Range::Between(1, 1e4)));
  return r.Finish();
}

Status ParseSizes(FieldReader& r, RequestSizeOptions* sizes) {
  if (const json* p = r.Child("prompt_tokens")) {
    auto d = ParseTokenDistribution(*p, "workload.prompt_tokens");
    if (!d.ok()) return d.status();
    sizes->prompt_tokens = *d;
  }
  if (const json* o = r.Child("output_tokens")) {
    auto d = ParseTokenDistribution(*o, "workload.output_tokens");
    if (!d.ok()) return d.status();
    sizes->output_tokens = *d;
  }
  if (const json* p = r.Child("prefix")) FLEETLAB_RETURN_IF_ERROR(ParsePrefix(*p, sizes));
  return Status::Ok();
}

// Where request lengths come from: the distributions, a dataset, or the
// trace replayed; and shared prefixes from groups or a trace's hash ids.
Status CheckLengthSources(const FieldReader& r, const Scenario& s) {
  const WorkloadOptions& w = s.workload;
  if (w.sizes.dataset != nullptr) {
    for (const char* key : {"prompt_tokens", "output_tokens"}) {
      if (r.Has(key)) {
        return Status::InvalidArgument(fmt::format("workload.{}: the lengths come from workload.dataset; give one "
                                                   "or the other", key));
      }
    }
    if (w.mode == LoadMode::kOpen && w.arrival.kind == ArrivalKind::kTrace) {
      return Status::InvalidArgument("workload.dataset: the trace replayed carries its own lengths; give a dataset "
                                     "with another arrival process");
    }
  }
  if (!w.sizes.classes.empty()) {
    for (const char* key : {"prompt_tokens", "output_tokens", "dataset"}) {
      if (r.Has(key)) {
        return Status::InvalidArgument(fmt::format("workload.{}: each of workload.classes has its own lengths; give "
                                                   "them there", key));
      }
    }
    if (w.mode == LoadMode::kOpen && w.arrival.kind == ArrivalKind::kTrace) {
      return Status::InvalidArgument("workload.classes: the trace replayed carries its own lengths; give classes "
                                     "with another arrival process");
    }
  }
  if (s.trace_hashes != nullptr && w.sizes.prefix_groups > 0) {
    return Status::InvalidArgument("workload.prefix.groups: the trace's hash_ids give each request's shared prefix; "
                                   "remove workload.prefix");
  }
  return Status::Ok();
}

Status ParseWorkload(const json& v, const ParseOptions& o, Scenario* s) {
  WorkloadOptions& w = s->workload;
  FieldReader r(v, "workload");
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  FLEETLAB_RETURN_IF_ERROR(r.Enum("mode", kLoadModeNames, &w.mode));
  FLEETLAB_RETURN_IF_ERROR(CheckOnlyFor(r, "arrival", w.mode == LoadMode::kOpen, "mode is \"open\""));
  FLEETLAB_RETURN_IF_ERROR(CheckOnlyFor(r, "closed", w.mode == LoadMode::kClosed, "mode is \"closed\""));
  if (const json* a = r.Child("arrival")) FLEETLAB_RETURN_IF_ERROR(ParseArrival(*a, "workload.arrival", o, s));
  if (const json* c = r.Child("closed")) FLEETLAB_RETURN_IF_ERROR(ParseClosed(*c, "workload.closed", &w.closed));
  FLEETLAB_RETURN_IF_ERROR(r.Integer("requests", &w.requests, Range::Between(1, 1e9)));
  FLEETLAB_RETURN_IF_ERROR(r.Integer("warmup_requests", &w.warmup_requests, Range::Between(0, 1e9)));
  FLEETLAB_RETURN_IF_ERROR(r.Time("duration_s", &w.duration_s, TimeUnit::kSeconds, TimeRange::NonNegative()));
  FLEETLAB_RETURN_IF_ERROR(ParseSizes(r, &w.sizes));
  if (const json* d = r.Child("dataset")) FLEETLAB_RETURN_IF_ERROR(ParseDataset(*d, o, s));
  if (const json* c = r.Child("classes")) FLEETLAB_RETURN_IF_ERROR(ParseClasses(*c, &w.sizes));
  FLEETLAB_RETURN_IF_ERROR(CheckLengthSources(r, *s));
  if (w.duration_s == 0 && w.warmup_requests >= w.requests) {
    return Status::InvalidArgument(fmt::format("workload.warmup_requests: must be less than workload.requests ({}) "
                                               "(got {})", w.requests, w.warmup_requests));
  }
  return r.Finish();
}

Status ParseLimits(const json& v, LimitOptions* l) {
  FieldReader r(v, "limits");
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  FLEETLAB_RETURN_IF_ERROR(r.Integer("max_events", &l->max_events, Range::Between(1, 1e12)));
  return r.Finish();
}

Status ParseReplicaSection(const json& v, const Catalog* catalog, ReplicaOptions* out) {
  Result<Catalog> loaded = Status::NotFound("not loaded");
  if (catalog == nullptr) {
    loaded = Catalog::LoadDefault();
    if (!loaded.ok()) return loaded.status().WithContext("catalog");
    catalog = &loaded.value();
  }
  auto replica = ParseReplica(v, *catalog);
  if (!replica.ok()) return replica.status();
  *out = std::move(replica).value();
  return Status::Ok();
}

// The most members a heterogeneous fleet's groups may add up to (as
// fleet.replicas).
constexpr std::size_t kMaxFleetMembers = 10000;

// `count` members of a heterogeneous fleet, each the group's `merged` replica
// or station.
Status AddMembers(const json& merged, const std::string& path, std::uint32_t count, const Catalog* catalog,
                  ReplicaSystem* sys) {
  ReplicaOptions one;
  FLEETLAB_RETURN_IF_ERROR(ParseReplicaSection(merged, catalog, &one).WithContext(path));
  sys->members.insert(sys->members.end(), count, one);
  return Status::Ok();
}

Status AddMembers(const json& merged, const std::string& path, std::uint32_t count, const Catalog*,
                  StationSystem* sys) {
  StationOptions one;
  FLEETLAB_RETURN_IF_ERROR(ParseStation(merged, path + ".station", nullptr, &one));
  sys->members.insert(sys->members.end(), count, one);
  return Status::Ok();
}

// One group of a heterogeneous fleet: `count` members whose station or
// replica is the scenario's with the group's fields patched in. System is
// StationSystem or ReplicaSystem.
template <class System>
Status ParseGroup(const json& doc, const json& g, const std::string& path, const Catalog* catalog, System* sys) {
  FieldReader r(g, path);
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  std::uint32_t count = 0;
  FLEETLAB_RETURN_IF_ERROR(r.Integer32("count", &count, Range::Between(1, 10000)));
  if (count == 0) return Status::InvalidArgument(fmt::format("{}.count: missing; must be an integer >= 1", path));
  const char* kind = std::is_same_v<System, ReplicaSystem> ? "replica" : "station";
  for (const char* other : {"replica", "station"}) {
    if (std::string(other) != kind && r.Has(other)) {
      return Status::InvalidArgument(fmt::format("{}.{}: this fleet is made of {}s; patch \"{}\" instead", path,
                                                 other, kind, kind));
    }
  }
  json merged = doc.contains(kind) ? doc[kind] : json::object();
  if (const json* patch = r.Child(kind)) {
    if (!patch->is_object()) return Status::InvalidArgument(fmt::format("{}.{}: must be an object", path, kind));
    merged.merge_patch(*patch);
  }
  FLEETLAB_RETURN_IF_ERROR(r.Finish());
  // Refused before the copies are made: 64 groups of 10,000 were 640,000
  // replicas (1.7 GB) before the total was checked.
  if (sys->members.size() + count > kMaxFleetMembers) {
    return Status::InvalidArgument(fmt::format("{}.count: {} members after the {} before; a fleet holds at most {}",
                                               path, count, sys->members.size(), kMaxFleetMembers));
  }
  return AddMembers(merged, path, count, catalog, sys);
}

// "fleet" for a system of stations or replicas (System), with its optional
// "groups": [{"count": N, "replica"|"station": {fields that differ}}, ...]
// for a fleet whose members differ.
template <class System>
Status ParseFleetOf(const json& doc, const json& f, const Catalog* catalog, System* sys) {
  json rest = f;
  json groups;
  if (rest.is_object() && rest.contains("groups")) {
    groups = rest["groups"];
    rest.erase("groups");
  }
  auto fleet = ParseFleet(rest);
  if (!fleet.ok()) return fleet.status();
  sys->fleet = *fleet;
  if (groups.is_null()) return Status::Ok();
  if (!groups.is_array() || groups.empty() || groups.size() > 64) {
    return Status::InvalidArgument("fleet.groups: must be an array of 1 to 64 {\"count\", \"replica\" or \"station\"}");
  }
  for (std::size_t i = 0; i < groups.size(); ++i) {
    FLEETLAB_RETURN_IF_ERROR(ParseGroup(doc, groups[i], fmt::format("fleet.groups[{}]", i), catalog, sys));
  }
  const std::size_t n = sys->members.size();
  if (rest.contains("replicas") && n != sys->fleet->replicas) {
    return Status::InvalidArgument(fmt::format("fleet.replicas: {} but the groups' counts add up to {}; give one or "
                                               "make them agree", sys->fleet->replicas, n));
  }
  sys->fleet->replicas = static_cast<std::uint32_t>(n);
  return Status::Ok();
}

// "fleet": of the replica when the scenario has one, else of the station.
// (Beside "path" or "disaggregation" the parser refuses it, before or after.)
Status ParseFleetSection(const json& doc, const json& f, const Catalog* catalog, Scenario* s) {
  if (auto* replicas = std::get_if<ReplicaSystem>(&s->system)) return ParseFleetOf(doc, f, catalog, replicas);
  return ParseFleetOf(doc, f, catalog, &std::get<StationSystem>(s->system));
}

// "replica": the system becomes an LLM replica (the parser has refused a
// "station" beside it).
Status ParseReplicaSystem(const json& v, const Catalog* catalog, Scenario* s) {
  ReplicaSystem sys;
  FLEETLAB_RETURN_IF_ERROR(ParseReplicaSection(v, catalog, &sys.replica));
  s->system = std::move(sys);
  return Status::Ok();
}

}  // namespace

Result<Scenario> ParseScenario(const json& doc, const std::string& base_dir, const Catalog* catalog) {
  ParseOptions o;
  o.base_dir = base_dir;
  o.catalog = catalog;
  return ParseScenario(doc, o);
}

Result<Scenario> ParseScenario(const json& doc, const ParseOptions& o) {
  const Catalog* catalog = o.catalog;
  Scenario s;
  FieldReader r(doc, "");
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  FLEETLAB_RETURN_IF_ERROR(r.String("name", &s.name));
  FLEETLAB_RETURN_IF_ERROR(r.String("description", &s.description));
  FLEETLAB_RETURN_IF_ERROR(r.Integer("seed", &s.seed, Range::Between(0, 1.8e19)));
  if (r.Has("replica") && r.Has("station")) {
    return Status::InvalidArgument("station: a scenario has either a \"station\" or a \"replica\", not both");
  }
  for (const char* other : {"station", "replica", "fleet", "disaggregation"}) {
    if (r.Has("path") && r.Has(other)) {
      return Status::InvalidArgument(fmt::format("path: a scenario with a request path describes its stations inside "
                                                 "the path; remove \"{}\"", other));
    }
  }
  if (const json* w = r.Child("workload")) FLEETLAB_RETURN_IF_ERROR(ParseWorkload(*w, o, &s));
  if (const json* st = r.Child("station")) {  // the system is still the default, a lone station
    FLEETLAB_RETURN_IF_ERROR(ParseStation(*st, "station", nullptr, &std::get<StationSystem>(s.system).station));
  }
  if (const json* rep = r.Child("replica")) FLEETLAB_RETURN_IF_ERROR(ParseReplicaSystem(*rep, catalog, &s));
  if (const json* f = r.Child("fleet")) FLEETLAB_RETURN_IF_ERROR(ParseFleetSection(doc, *f, catalog, &s));
  if (const json* p = r.Child("path")) FLEETLAB_RETURN_IF_ERROR(ParsePathSection(*p, catalog, &s));
  if (const json* d = r.Child("deadline")) FLEETLAB_RETURN_IF_ERROR(ParseDeadline(*d, &s));
  if (const json* l = r.Child("limits")) FLEETLAB_RETURN_IF_ERROR(ParseLimits(*l, &s.limits));
  (void)r.Child("lab");  // a lab track part's question and controls (tracks/tracks.h): not the engine's
  if (const json* d = r.Child("disaggregation")) FLEETLAB_RETURN_IF_ERROR(ParseDisaggregationSection(*d, r, catalog, &s));
  FLEETLAB_RETURN_IF_ERROR(r.Finish());
  // The run as a whole: at most 1e9 requests, arrivals within the clock's horizon.
  FLEETLAB_RETURN_IF_ERROR(CheckRunEstimate(s, std::numeric_limits<double>::infinity()));
  auto document = std::make_shared<JsonDocument>(JsonDocument{doc});  // what the report echoes as resolved_scenario
  document->value.erase("lab");
  s.document = std::move(document);
  return s;
}

Result<json> ReadJsonFile(const std::string& path, const std::string& what) {
  auto text = ReadTextFile(path, what);
  if (!text.ok()) return text.status();
  return ParseJsonText(*text, path);
}

Status ApplyOverride(json& doc, const std::string& assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) {
    return Status::InvalidArgument(fmt::format("--set {}: expected PATH=VALUE, e.g. workload.arrival.rate_per_s=95",
                                               assignment));
  }
  try {  // names and bare words must be UTF-8, or every message quoting them would fail
    (void)json(assignment).dump();
  } catch (const json::type_error&) {
    return Status::InvalidArgument("--set: the assignment is not valid UTF-8");
  }
  const std::string path = assignment.substr(0, eq), text = assignment.substr(eq + 1);
  if (std::count(path.begin(), path.end(), '.') >= kMaxJsonDepth) {  // each segment is a level of the document
    return Status::InvalidArgument(fmt::format("--set: the path has more than {} fields; a scenario nests at most {} "
                                               "deep", kMaxJsonDepth, kMaxJsonDepth));
  }
  JsonError error = JsonError::kNone;
  auto parsed = ParseJsonText(text, "--set " + path, &error);
  if (!parsed.ok() && error != JsonError::kSyntax) return parsed.status();  // too deep, a duplicate key, 1e400
  const json value = parsed.ok() ? std::move(parsed).value() : json(text);  // a bare word is a string
  json* node = &doc;
  std::size_t start = 0;
  while (true) {
    const auto dot = path.find('.', start);
    const std::string key = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (key.empty()) return Status::InvalidArgument(fmt::format("--set {}: empty field name in the path", assignment));
    if (node->is_array()) {  // a list element by its index: path.stages.1.pool.replicas
      const bool digits = key.find_first_not_of("0123456789") == std::string::npos && key.size() <= 6;
      const std::size_t i = digits ? std::stoul(key) : node->size();
      if (i >= node->size()) {
        return Status::InvalidArgument(fmt::format("--set {}: {} has no element {} (indices 0 to {})", assignment,
                                                   path.substr(0, start - 1), key, node->size() - 1));
      }
      if (dot == std::string::npos) {
        (*node)[i] = value;
        return Status::Ok();
      }
      node = &(*node)[i];
      start = dot + 1;
      continue;
    }
    if (!node->is_object()) {
      return Status::InvalidArgument(fmt::format("--set {}: {} is not an object", assignment, path.substr(0, start - 1)));
    }
    if (dot == std::string::npos) {
      (*node)[key] = value;
      return Status::Ok();
    }
    node = &(*node)[key];
    if (node->is_null()) *node = json::object();
    start = dot + 1;
  }
}

const json* FindAtPath(const json& doc, const std::string& path) {
  const json* node = &doc;
  std::size_t start = 0;
  while (true) {
    const auto dot = path.find('.', start);
    const std::string key = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    const bool index = !key.empty() && key.size() <= 6 && key.find_first_not_of("0123456789") == std::string::npos;
    if (node->is_array() && index && std::stoul(key) < node->size()) {
      node = &(*node)[std::stoul(key)];
    } else if (node->is_object() && node->contains(key)) {
      node = &(*node)[key];
    } else {
      return nullptr;
    }
    if (dot == std::string::npos) return node;
    start = dot + 1;
  }
}

Result<Scenario> LoadScenario(const std::string& path, const std::vector<std::string>& overrides) {
  auto doc = ReadJsonFile(path, "scenario file");
  if (!doc.ok()) return doc.status();
  for (const auto& o : overrides) FLEETLAB_RETURN_IF_ERROR(ApplyOverride(*doc, o));
  auto scenario = ParseScenario(*doc, std::filesystem::path(path).parent_path().string());
  if (!scenario.ok()) return scenario.status().WithContext(path);
  return scenario;
}

}  // namespace fleetlab
