#include "scenario/path_parse.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "scenario/parse_scope.h"
#include "scenario/distribution_parse.h"
#include "scenario/fleet_parse.h"
#include "scenario/station_parse.h"
#include "util/field_reader.h"

namespace fleetlab {
namespace {

using nlohmann::json;

// Lognormal with median m and 99th percentile p99 (>= m): the usual way a
// network's start-up latency and its jitter are quoted.
Distribution LognormalFromMedian(double median, double p99) {
  if (p99 <= median) return Distribution::Deterministic(median);
  const double sigma = std::log(p99 / median) / 2.326347874040841;
  const double mean = median * std::exp(sigma * sigma / 2);
  return Distribution::Lognormal(mean, std::sqrt(std::expm1(sigma * sigma)));
}

Status ApplyCatalogLink(FieldReader& r, ParseScope& catalog, LinkHopOptions* o) {
  std::string id;
  FLEETLAB_RETURN_IF_ERROR(r.String("link", &id));
  if (id.empty()) return Status::Ok();
  auto c = catalog.Get();
  if (!c.ok()) return c.status();
  const LinkSpec* spec = (*c)->FindLink(id);
  if (spec == nullptr) {
    return Status::InvalidArgument(fmt::format("{}: unknown link \"{}\"; must be one of {}", r.PathOf("link"), id,
                                               (*c)->LinkIds()));
  }
  o->bandwidth_Bps = spec->bandwidth_Bps;
  o->alpha_s = LognormalFromMedian(spec->latency_s, std::max(spec->latency_s, spec->latency_p99_s));
  o->loss = spec->loss_rate;
  o->energy_j_per_byte = spec->energy_per_byte_j;
  return Status::Ok();
}

Status ParseAlpha(FieldReader& r, LinkHopOptions* o) {
  if (const json* a = r.Child("alpha")) {
    if (r.Has("alpha_ms") || r.Has("alpha_p99_ms")) {
      return Status::InvalidArgument(fmt::format("{}: give either alpha or alpha_ms/alpha_p99_ms, not both",
                                                 r.PathOf("alpha")));
    }
    auto d = ParseTimeDistributionMs(*a, r.PathOf("alpha"), true);
    if (!d.ok()) return d.status();
    o->alpha_s = *d;
    return Status::Ok();
  }
  if (!r.Has("alpha_ms") && !r.Has("alpha_p99_ms")) return Status::Ok();
  double median_s = -1, p99_s = -1;
  const TimeRange up_to_1000_s = TimeRange::UpTo(1e3);
  FLEETLAB_RETURN_IF_ERROR(r.Time("alpha_ms", &median_s, TimeUnit::kMilliseconds, up_to_1000_s));
  FLEETLAB_RETURN_IF_ERROR(r.Time("alpha_p99_ms", &p99_s, TimeUnit::kMilliseconds, up_to_1000_s));
  if (median_s < 0) median_s = o->alpha_s.Mean();
  if (p99_s < 0) p99_s = median_s;
  if (p99_s < median_s) {
    return Status::InvalidArgument(fmt::format("{}: must be >= alpha_ms ({}) (got {})", r.PathOf("alpha_p99_ms"),
                                               median_s * 1e3, p99_s * 1e3));
  }
  o->alpha_s = LognormalFromMedian(median_s, p99_s);
  return Status::Ok();
}

Status ParseLinkHop(const json& v, const std::string& path, ParseScope& catalog, LinkHopOptions* o) {
  FieldReader r(v, path);
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  FLEETLAB_RETURN_IF_ERROR(r.String("name", &o->name));
  FLEETLAB_RETURN_IF_ERROR(ApplyCatalogLink(r, catalog, o));
  double gbps = o->bandwidth_Bps / 1e9;
  FLEETLAB_RETURN_IF_ERROR(r.Number("bandwidth_gbps", &gbps, Range{0, 1e6, true, false}));
  o->bandwidth_Bps = gbps * 1e9;
  FLEETLAB_RETURN_IF_ERROR(ParseAlpha(r, o));
  FLEETLAB_RETURN_IF_ERROR(r.Number("bytes", &o->bytes, Range::Between(0, 1e12)));
  if (o->bytes / o->bandwidth_Bps > kMaxInputSeconds) {  // the wire time is a time too
    return Status::InvalidArgument(fmt::format("{}: {:g} bytes at {:g} GB/s take {:g} s on the wire; at most 1e6 s "
                                               "(the longest time a scenario may give)", r.PathOf("bytes"), o->bytes,
                                               o->bandwidth_Bps / 1e9, o->bytes / o->bandwidth_Bps));
  }
  FLEETLAB_RETURN_IF_ERROR(r.Integer32("lanes", &o->lanes, Range::Between(0, 1e6)));
  FLEETLAB_RETURN_IF_ERROR(r.Number("loss", &o->loss, Range::Between(0, 0.9)));
  FLEETLAB_RETURN_IF_ERROR(r.Time("retry_ms", &o->retry_timeout_s, TimeUnit::kMilliseconds, TimeRange::UpTo(1e3)));
  FLEETLAB_RETURN_IF_ERROR(r.Integer32("max_attempts", &o->max_attempts, Range::Between(1, 100)));
  double nj = o->energy_j_per_byte * 1e9;
  FLEETLAB_RETURN_IF_ERROR(r.Number("energy_nj_per_byte", &nj, Range::Between(0, 1e9)));
  o->energy_j_per_byte = nj / 1e9;
  return r.Finish();
}

Status ParseHedge(const json& v, const std::string& path, HedgeOptions* h) {
  FieldReader r(v, path);
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  if (r.Has("after_ms") == r.Has("after_quantile")) {
    return Status::InvalidArgument(fmt::format("{}: give exactly one of after_ms (a fixed delay) or after_quantile "
                                               "(the pool's observed latency quantile, e.g. 0.95)", path));
  }
  double delay_s = 0;
  FLEETLAB_RETURN_IF_ERROR(r.Time("after_ms", &delay_s, TimeUnit::kMilliseconds, TimeRange::NonNegative()));
  FLEETLAB_RETURN_IF_ERROR(r.Number("after_quantile", &h->quantile, Range::Between(0.5, 0.9999)));
  FLEETLAB_RETURN_IF_ERROR(r.Time("fallback_ms", &delay_s, TimeUnit::kMilliseconds, TimeRange::NonNegative()));
  FLEETLAB_RETURN_IF_ERROR(r.Integer32("min_samples", &h->min_samples, Range::Between(1, 1e7)));
  FLEETLAB_RETURN_IF_ERROR(r.Bool("cancel_loser", &h->cancel_loser));
  const bool fixed = r.Has("after_ms");
  if (fixed && (r.Has("fallback_ms") || r.Has("min_samples"))) {
    return Status::InvalidArgument(fmt::format("{}: fallback_ms and min_samples apply only with after_quantile", path));
  }
  h->trigger = fixed ? HedgeOptions::Trigger::kFixed : HedgeOptions::Trigger::kQuantile;
  h->delay_s = delay_s;
  return r.Finish();
}

// A fan-out branch's own fields (repeat, start_after_ms), read beside a
// pool's or a sub-path's.
struct BranchExtras {
  std::uint32_t repeat = 1;
  double start_after_s = 0;
};

Status ReadBranchExtras(FieldReader& r, BranchExtras* b) {
  FLEETLAB_RETURN_IF_ERROR(r.Integer32("repeat", &b->repeat, Range::Between(1, 64)));
  return r.Time("start_after_ms", &b->start_after_s, TimeUnit::kMilliseconds, TimeRange::NonNegative());
}

Status ParseStages(const json* stages, const std::string& path, ParseScope& catalog, std::vector<StageOptions>* out);

// One link, pool or fan-out drawn on the path's budget as it is parsed.
Status TakeMember(const std::string& path, ParseScope& scope) {
  if (scope.TakePathMembers(1)) return Status::Ok();
  return Status::InvalidArgument(fmt::format("{}: a path may hold at most {} links, pools and fan-outs in all, "
                                             "repeats and sub-paths counted", path, ParseScope::kMaxPathMembers));
}

Status ParsePool(const json& v, const std::string& path, ParseScope& catalog, PoolOptions* p, BranchExtras* extras) {
  FieldReader r(v, path);
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  FLEETLAB_RETURN_IF_ERROR(r.String("name", &p->name));
  FLEETLAB_RETURN_IF_ERROR(r.Integer32("replicas", &p->replicas, Range::Between(1, 10000)));
  if (extras != nullptr) FLEETLAB_RETURN_IF_ERROR(ReadBranchExtras(r, extras));
  if (const json* ro = r.Child("router")) FLEETLAB_RETURN_IF_ERROR(ParseRouter(*ro, r.PathOf("router"), &p->router));
  if (const json* st = r.Child("station")) FLEETLAB_RETURN_IF_ERROR(ParseStation(*st, r.PathOf("station"), &catalog, &p->station));
  if (const json* h = r.Child("hedge")) {
    FLEETLAB_RETURN_IF_ERROR(ParseHedge(*h, r.PathOf("hedge"), &p->hedge));
    if (p->replicas < 2) {
      return Status::InvalidArgument(fmt::format("{}: hedging sends the backup to another replica; needs {} >= 2 "
                                                 "(got {})", r.PathOf("hedge"), r.PathOf("replicas"), p->replicas));
    }
  }
  return r.Finish();
}

// What a parsed branch holds: its links, pools and fan-outs, and the batch
// sizes its station models price (each repeat copies all of them).
struct Footprint {
  std::uint64_t members = 0, model_batches = 0;
};

Footprint FootprintOf(const std::vector<StageOptions>& stages);

Footprint FootprintOf(const PoolOptions& pool) { return {1, pool.station.batching.batch_time_s.size()}; }

Footprint FootprintOf(const BranchOptions& b) { return b.stages.empty() ? FootprintOf(b.pool) : FootprintOf(b.stages); }

Footprint FootprintOf(const std::vector<StageOptions>& stages) {
  Footprint f;
  for (const StageOptions& st : stages) {
    Footprint one{1, 0};
    if (st.kind == StageOptions::Kind::kPool) one = FootprintOf(st.pool);
    for (const BranchOptions& b : st.branches) {
      const Footprint inner = FootprintOf(b);
      one.members += inner.members;
      one.model_batches += inner.model_batches;
    }
    f.members += one.members;
    f.model_batches += one.model_batches;
  }
  return f;
}

// The repeats of a parsed branch beyond the first draw on the scope's
// budgets before they are copied.
Status TakeRepeats(const std::string& path, const BranchOptions& br, std::uint32_t repeat, ParseScope& scope) {
  const Footprint f = FootprintOf(br);
  const std::uint64_t copies = repeat - 1;
  if (!scope.TakePathMembers(f.members * copies)) {
    return Status::InvalidArgument(fmt::format(
        "{}.repeat: {} copies of {} links, pools and fan-outs exceed what a path may hold ({} in all, repeats and "
        "sub-paths counted; {} left here)", path, repeat, f.members, ParseScope::kMaxPathMembers,
        scope.path_members_left()));
  }
  if (!scope.TakeModelBatches(f.model_batches * copies)) {
    return Status::InvalidArgument(fmt::format(
        "{}.repeat: {} copies of station models pricing {} batch sizes exceed the {} a scenario may price in all "
        "({} left here)", path, repeat, f.model_batches, ParseScope::kMaxModelBatches, scope.model_batches_left()));
  }
  return Status::Ok();
}

// A branch: a pool's fields, or {"name", "stages": [...]} (a sub-path);
// either with "repeat" and "start_after_ms".
Status ParseBranch(const json& v, const std::string& path, ParseScope& catalog, std::size_t index,
                   std::vector<BranchOptions>* out) {
  BranchOptions br;
  BranchExtras extras;
  if (v.is_object() && v.contains("stages")) {
    FieldReader r(v, path);
    br.name = fmt::format("branch{}", index);
    FLEETLAB_RETURN_IF_ERROR(r.String("name", &br.name));
    FLEETLAB_RETURN_IF_ERROR(ReadBranchExtras(r, &extras));
    FLEETLAB_RETURN_IF_ERROR(ParseStages(r.Child("stages"), r.PathOf("stages"), catalog, &br.stages));
    FLEETLAB_RETURN_IF_ERROR(r.Finish());
  } else {
    FLEETLAB_RETURN_IF_ERROR(TakeMember(path, catalog));
    br.pool.name = fmt::format("branch{}", index);
    FLEETLAB_RETURN_IF_ERROR(ParsePool(v, path, catalog, &br.pool, &extras));
    br.name = br.pool.name;
  }
  br.start_after_s = extras.start_after_s;
  FLEETLAB_RETURN_IF_ERROR(TakeRepeats(path, br, extras.repeat, catalog));
  for (std::uint32_t k = 0; k < extras.repeat; ++k) {
    out->push_back(br);
    if (extras.repeat == 1) continue;
    out->back().name = fmt::format("{}#{}", br.name, k);
    out->back().pool.name = out->back().name;
  }
  return Status::Ok();
}

Status ParseFanout(const json& v, const std::string& path, ParseScope& catalog, StageOptions* st) {
  FieldReader r(v, path);
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  FLEETLAB_RETURN_IF_ERROR(r.String("name", &st->name));
  const json* list = r.Child("branches");
  const std::string at = r.PathOf("branches");
  if (list == nullptr || !list->is_array() || list->empty()) {
    return Status::InvalidArgument(fmt::format("{}: must be a non-empty array of pools or sub-paths", at));
  }
  for (std::size_t i = 0; i < list->size(); ++i) {
    FLEETLAB_RETURN_IF_ERROR(ParseBranch((*list)[i], fmt::format("{}[{}]", at, i), catalog, i, &st->branches));
    if (st->branches.size() > 64) return Status::InvalidArgument(fmt::format("{}: at most 64 branches in all", at));
  }
  const auto k = static_cast<std::uint32_t>(st->branches.size());
  st->need = k;
  FLEETLAB_RETURN_IF_ERROR(r.Integer32("need", &st->need, Range::Between(1, k)));
  FLEETLAB_RETURN_IF_ERROR(r.Bool("cancel_rest", &st->cancel_rest));
  return r.Finish();
}

Status ParseStage(const json& v, const std::string& path, ParseScope& catalog, StageOptions* st) {
  FLEETLAB_RETURN_IF_ERROR(TakeMember(path, catalog));
  if (!v.is_object() || v.size() != 1) {
    return Status::InvalidArgument(fmt::format("{}: must be an object with exactly one of \"link\", \"pool\", "
                                               "\"fanout\" {}", path, Got(v)));
  }
  const auto it = v.begin();
  const std::string key = it.key();
  const json& body = it.value();
  const std::string at = path + "." + key;
  if (key == "link") {
    st->kind = StageOptions::Kind::kLink;
    return ParseLinkHop(body, at, catalog, &st->link);
  }
  if (key == "pool") {
    st->kind = StageOptions::Kind::kPool;
    return ParsePool(body, at, catalog, &st->pool, nullptr);
  }
  if (key == "fanout") {
    st->kind = StageOptions::Kind::kFanout;
    return ParseFanout(body, at, catalog, st);
  }
  return Status::InvalidArgument(fmt::format("{}: unknown stage \"{}\"; must be \"link\", \"pool\" or \"fanout\"",
                                             path, key));
}

Status ParseStages(const json* stages, const std::string& path, ParseScope& catalog, std::vector<StageOptions>* out) {
  if (stages == nullptr || !stages->is_array() || stages->empty() || stages->size() > 32) {
    return Status::InvalidArgument(fmt::format("{}: must be an array of 1 to 32 stages", path));
  }
  for (std::size_t i = 0; i < stages->size(); ++i) {
    StageOptions st;
    FLEETLAB_RETURN_IF_ERROR(ParseStage((*stages)[i], fmt::format("{}[{}]", path, i), catalog, &st));
    if (st.kind == StageOptions::Kind::kPool && st.pool.name == "pool") st.pool.name = fmt::format("pool{}", i);
    if (st.kind == StageOptions::Kind::kLink && st.link.name == "link") st.link.name = fmt::format("link{}", i);
    if (st.kind == StageOptions::Kind::kFanout && st.name == "fanout") st.name = fmt::format("fanout{}", i);
    out->push_back(std::move(st));
  }
  return Status::Ok();
}

}  // namespace

Status ParsePathSection(const json& v, const Catalog* catalog, Scenario* s) {
  FieldReader r(v, "path");
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  ParseScope ref(catalog);
  PathOptions path;
  FLEETLAB_RETURN_IF_ERROR(ParseStages(r.Child("stages"), "path.stages", ref, &path.stages));
  FLEETLAB_RETURN_IF_ERROR(r.Finish());
  s->system = RequestPath{std::move(path)};
  return Status::Ok();
}

Status ParseDeadline(const json& v, Scenario* s) {
  FieldReader r(v, "deadline");
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  double budget_s = -1;
  FLEETLAB_RETURN_IF_ERROR(r.Time("budget_ms", &budget_s, TimeUnit::kMilliseconds, TimeRange::Positive()));
  if (budget_s < 0) {
    return Status::InvalidArgument("deadline.budget_ms: missing; must be a time > 0 and at most 1e+09 ms");
  }
  FLEETLAB_RETURN_IF_ERROR(r.Finish());
  s->deadline = DeadlineOptions{budget_s};
  return Status::Ok();
}

}  // namespace fleetlab
