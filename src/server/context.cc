#include "server/context.h"

#include <fmt/format.h>

namespace fleetlab::server {

void AddApiRoutes(Router& router, ServerContext& ctx) {
  AddCatalogRoutes(router, ctx);
  AddTrackRoutes(router, ctx);
  AddRunRoutes(router, ctx);
  AddFrontierRoutes(router, ctx);
  AddAnswerRoutes(router, ctx);
  AddPlanRoutes(router, ctx);
}

const TrackPart* ServerContext::FindPart(const std::string& track, const std::string& part, ApiError* error) const {
  for (const Track& t : tracks) {
    if (t.id != track) continue;
    for (const TrackPart& p : t.parts) {
      if (p.id == part) return &p;
    }
    *error = NotFound("part", fmt::format("part: no part \"{}\" in track \"{}\" (part1, part2, part3)", part, track));
    return nullptr;
  }
  std::string ids;
  for (const Track& t : tracks) ids += (ids.empty() ? "" : ", ") + t.id;
  *error = NotFound("track", fmt::format("track: no track \"{}\" (tracks: {})", track, ids.empty() ? "none" : ids));
  return nullptr;
}

}  // namespace fleetlab::server
