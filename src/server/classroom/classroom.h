// One class served by the lab server: its options (checked), the store,
// the instructor's token and the write-rate limits. Opened once at start;
// the store and the limiters lock themselves, the rest is read-only.
#pragma once

#include <memory>
#include <string>

#include "fleetlab/server/classroom.h"
#include "fleetlab/status.h"
#include "server/classroom/class_store.h"
#include "server/classroom/rate_limiter.h"

namespace fleetlab::server {

struct Classroom {
  ClassroomOptions options;  // site_origin canonical (CanonicalOrigin)
  std::string token;         // the instructor's
  std::unique_ptr<ClassStore> store;
  std::unique_ptr<RateLimiter> per_client, per_student;
};

// Checks the options (code, origin, bounds: each error names its flag),
// opens the database and makes the instructor's token when none is given.
Result<std::shared_ptr<Classroom>> OpenClassroom(ClassroomOptions options);

// The database file for `options` ("<code>.fleetlab-class.db" by default).
std::string ClassDbPath(const ClassroomOptions& options);

}  // namespace fleetlab::server
