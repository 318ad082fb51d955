// What the instructor's page shows, from one snapshot of the class's
// database: per track part, the distribution of the students' locked
// predictions, the engine's answers they were revealed and how many
// matched, the challenge's pass rate, and the reflections; each counted
// once per student (their latest event of that kind for that part).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetlab/tracks/tracks.h"
#include "server/classroom/class_store.h"

namespace fleetlab::server {

// docs/api.md's ClassSummary: {"class", "version", "students", "events",
// "roster": [{"nickname", "events"}], "parts": [PartSummary, ...]} with a
// PartSummary for every part of `tracks`, in their order.
nlohmann::json ClassSummary(const std::string& code, const std::vector<Track>& tracks, const ClassSnapshot& snap);

}  // namespace fleetlab::server
