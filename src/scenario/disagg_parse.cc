#include "scenario/disagg_parse.h"

#include <string>

#include <fmt/format.h>

#include "scenario/fleet_parse.h"
#include "scenario/replica_parse.h"
#include "util/field_reader.h"

namespace fleetlab {
namespace {

using nlohmann::json;

// ParseReplica and ParseFleet name their fields from "replica" and "fleet";
// inside a pool they live at `path` instead: the message's leading path and
// any other path under `from` it mentions are renamed.
Status Rebase(const Status& st, const std::string& from, const std::string& path) {
  std::string m = st.message();
  if (m.rfind(from, 0) != 0) return st.WithContext(path);
  m = path + m.substr(from.size());
  for (std::size_t at = m.find(from + ".", path.size()); at != std::string::npos; at = m.find(from + ".", at)) {
    if (m[at - 1] == ' ' || m[at - 1] == '(') {  // a path, not the end of a longer word
      m.replace(at, from.size(), path);
      at += path.size();
    } else {
      at += from.size();
    }
  }
  return Status::InvalidArgument(m);
}

// The router object, parsed as a fleet's ("fleet.router...") and renamed.
Status ParseRouterAt(const json& v, const std::string& path, RouterOptions* o) {
  auto fleet = ParseFleet(json{{"router", v}});
  if (!fleet.ok()) return Rebase(fleet.status(), "fleet.router", path);
  *o = fleet->router;
  return Status::Ok();
}

Status CheckPoolReplica(const ReplicaOptions& o, const std::string& path, bool prefill) {
  if (prefill && o.speculative.enabled) {
    return Status::InvalidArgument(fmt::format("{}.speculative: a prefill pool makes only the first token; enable "
                                               "speculative decoding on the decode pool", path));
  }
  if (!prefill && o.speculative.enabled && !o.speculative.draft_is_ngram) {
    return Status::InvalidArgument(fmt::format("{}.speculative.draft: a decode pool supports only \"ngram\" (a draft "
                                               "model's prompt KV is not shipped)", path));
  }
  return Status::Ok();
}

Status ParsePool(const json& v, const std::string& path, const Catalog& catalog, bool prefill, LlmPoolOptions* pool) {
  FieldReader r(v, path);
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  FLEETLAB_RETURN_IF_ERROR(r.Integer32("replicas", &pool->replicas, Range::Between(1, 10000)));
  const json* rep = r.Child("replica");
  if (rep == nullptr) {
    return Status::InvalidArgument(fmt::format("{}: missing; each pool needs a \"replica\" object (the fields of the "
                                               "top-level \"replica\")", r.PathOf("replica")));
  }
  auto replica = ParseReplica(*rep, catalog);
  if (!replica.ok()) return Rebase(replica.status(), "replica", r.PathOf("replica"));
  pool->replica = std::move(replica).value();
  FLEETLAB_RETURN_IF_ERROR(CheckPoolReplica(pool->replica, r.PathOf("replica"), prefill));
  if (const json* router = r.Child("router")) {
    FLEETLAB_RETURN_IF_ERROR(ParseRouterAt(*router, r.PathOf("router"), &pool->router));
  }
  return r.Finish();
}

Status CheckPoolsMatch(const DisaggregationOptions& d) {
  const ReplicaHardware& p = d.prefill.replica.hardware;
  const ReplicaHardware& q = d.decode.replica.hardware;
  if (p.model.id != q.model.id) {
    return Status::InvalidArgument(fmt::format("disaggregation.decode.replica.model: must be the prefill pool's model "
                                               "\"{}\" (got \"{}\")", p.model.id, q.model.id));
  }
  if (p.kv_dtype != q.kv_dtype) {
    return Status::InvalidArgument(fmt::format("disaggregation.decode.replica.dtype.kv: must be the prefill pool's KV "
                                               "type \"{}\" (got \"{}\"): the shipped cache is not converted",
                                               DTypeName(p.kv_dtype), DTypeName(q.kv_dtype)));
  }
  return Status::Ok();
}

}  // namespace

Result<DisaggregationOptions> ParseDisaggregation(const json& value, const Catalog& catalog) {
  DisaggregationOptions d;
  FieldReader r(value, "disaggregation");
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  for (const char* pool : {"prefill", "decode"}) {
    if (!r.Has(pool)) {
      return Status::InvalidArgument(fmt::format("{}: missing; a disaggregated system needs a \"prefill\" and a "
                                                 "\"decode\" pool", r.PathOf(pool)));
    }
  }
  FLEETLAB_RETURN_IF_ERROR(ParsePool(*r.Child("prefill"), r.PathOf("prefill"), catalog, true, &d.prefill));
  FLEETLAB_RETURN_IF_ERROR(ParsePool(*r.Child("decode"), r.PathOf("decode"), catalog, false, &d.decode));
  FLEETLAB_RETURN_IF_ERROR(CheckPoolsMatch(d));
  std::string link = d.prefill.replica.hardware.gpu.scale_up_link;
  FLEETLAB_RETURN_IF_ERROR(r.String("link", &link));
  const LinkSpec* spec = catalog.FindLink(link);
  if (spec == nullptr) {
    return Status::InvalidArgument(fmt::format("{}: unknown link \"{}\"; known: {}", r.PathOf("link"), link,
                                               catalog.LinkIds()));
  }
  if (spec->bandwidth_Bps <= 0) {
    return Status::InvalidArgument(fmt::format("{}: link \"{}\" has no bandwidth", r.PathOf("link"), link));
  }
  d.link.link = *spec;
  FLEETLAB_RETURN_IF_ERROR(r.Integer32("lanes", &d.link.lanes, Range::Between(1, 1024)));
  FLEETLAB_RETURN_IF_ERROR(r.Finish());
  return d;
}

Status ParseDisaggregationSection(const json& value, const FieldReader& top, const Catalog* catalog, Scenario* s) {
  for (const char* other : {"replica", "fleet", "station"}) {
    if (top.Has(other)) {
      return Status::InvalidArgument(fmt::format("{}: not allowed beside \"disaggregation\", which describes the whole "
                                                 "system (each pool has its own \"replica\", \"replicas\" and "
                                                 "\"router\")", other));
    }
  }
  Result<Catalog> loaded = Status::NotFound("not loaded");
  if (catalog == nullptr) {
    loaded = Catalog::LoadDefault();
    if (!loaded.ok()) return loaded.status().WithContext("catalog");
    catalog = &loaded.value();
  }
  auto d = ParseDisaggregation(value, *catalog);
  if (!d.ok()) return d.status();
  s->system = DisaggregatedPools{std::move(d).value()};
  return Status::Ok();
}

}  // namespace fleetlab
