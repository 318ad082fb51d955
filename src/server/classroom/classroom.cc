#include "server/classroom/classroom.h"

#include <fmt/format.h>

#include "server/classroom/secret.h"
#include "server/request_guard.h"

namespace fleetlab::server {
namespace {

constexpr std::size_t kTokenBytes = 24;          // 192 bits: 32 base64url characters
constexpr std::size_t kMaxClientBuckets = 4096;  // client addresses tracked at once

Status CheckCode(const std::string& code) {
  bool ok = code.size() >= 3 && code.size() <= 32;
  for (char c : code) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-');
  if (ok) return Status::Ok();
  return Status::InvalidArgument(fmt::format("--class: the class code must be 3 to 32 of A-Z a-z 0-9 _ - (got \"{}\")", code));
}

Status CheckBounds(const ClassBounds& b) {
  if (b.max_students < 1 || b.max_students > 100000) return Status::InvalidArgument("--class-max-students: must be 1..100000");
  if (b.max_nickname_chars < 1 || b.max_reflection_chars < 1 || b.max_events_per_request < 1 || b.max_events_per_student < 1) {
    return Status::InvalidArgument("class bounds: every size must be at least 1");
  }
  if (!(b.student_writes_per_s > 0) || !(b.client_writes_per_s > 0) || !(b.student_burst >= 1) || !(b.client_burst >= 1)) {
    return Status::InvalidArgument("class bounds: write rates must be > 0 and bursts >= 1");
  }
  return Status::Ok();
}

}  // namespace

std::string ClassDbPath(const ClassroomOptions& o) {
  return o.db_path.empty() ? o.code + ".fleetlab-class.db" : o.db_path;
}

Result<std::shared_ptr<Classroom>> OpenClassroom(ClassroomOptions options) {
  FLEETLAB_RETURN_IF_ERROR(CheckCode(options.code));
  FLEETLAB_RETURN_IF_ERROR(CheckBounds(options.bounds));
  if (!options.site_origin.empty()) {
    const auto origin = CanonicalOrigin(options.site_origin);
    if (!origin) {
      return Status::InvalidArgument(fmt::format("--class-origin: must be an origin such as https://lab.example or "
                                                 "http://10.0.0.5:8000 (scheme, host, optional port; no path) (got \"{}\")",
                                                 options.site_origin));
    }
    options.site_origin = *origin;
  }
  auto c = std::make_shared<Classroom>();
  if (options.instructor_token.empty()) {
    auto token = RandomToken(kTokenBytes);
    if (!token.ok()) return token.status();
    options.instructor_token = *token;
  }
  c->token = options.instructor_token;
  auto store = ClassStore::Open(ClassDbPath(options), options.code, options.fsync_each_write);
  if (!store.ok()) return store.status();
  c->store = std::move(store).value();
  const ClassBounds& b = options.bounds;
  c->per_client = std::make_unique<RateLimiter>(b.client_writes_per_s, b.client_burst, kMaxClientBuckets);
  c->per_student = std::make_unique<RateLimiter>(b.student_writes_per_s, b.student_burst, b.max_students + 1);
  c->options = std::move(options);
  return c;
}

}  // namespace fleetlab::server
