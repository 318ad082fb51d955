#include "scenario/fleet_parse.h"

#include <string>
#include <vector>

#include <fmt/format.h>

#include "util/field_reader.h"

namespace fleetlab {
using nlohmann::json;

Status ParseRouter(const json& v, const std::string& path, RouterOptions* o) {
  FieldReader r(v, path);
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  FLEETLAB_RETURN_IF_ERROR(r.Enum("policy", kRouterPolicyNames, &o->policy));
  FLEETLAB_RETURN_IF_ERROR(
      r.Time("report_interval_ms", &o->report_interval_s, TimeUnit::kMilliseconds, TimeRange::NonNegative()));
  FLEETLAB_RETURN_IF_ERROR(r.Bool("count_own_sends", &o->count_own_sends));
  if (r.Has("count_own_sends") && o->report_interval_s == 0) {
    return Status::InvalidArgument(fmt::format("{}: applies only when {} > 0 (a router "
                                               "reading live load already sees its own sends)",
                                               r.PathOf("count_own_sends"), r.PathOf("report_interval_ms")));
  }
  return r.Finish();
}

Result<FleetOptions> ParseFleet(const json& value) {
  FleetOptions fleet;
  FieldReader r(value, "fleet");
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  FLEETLAB_RETURN_IF_ERROR(r.Integer32("replicas", &fleet.replicas, Range::Between(1, 10000)));
  if (const json* router = r.Child("router")) FLEETLAB_RETURN_IF_ERROR(ParseRouter(*router, "fleet.router", &fleet.router));
  FLEETLAB_RETURN_IF_ERROR(r.Finish());
  return fleet;
}

}  // namespace fleetlab
