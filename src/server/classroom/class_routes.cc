// The classroom's routes (docs/api.md, "Classroom"): the students' info,
// join and events, which the configured site origin may call (CORS), and
// the instructor's summary behind a Bearer token. Every write is rate
// limited per client address (and per student), every field checked with
// the field named, and nothing but the nickname is personal data.
#include <cmath>

#include <fmt/format.h>

#include "server/classroom/class_summary.h"
#include "server/classroom/classroom.h"
#include "server/classroom/secret.h"
#include "server/context.h"

namespace fleetlab::server {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxKeyChars = 64;
constexpr std::int64_t kMaxStudentId = std::int64_t{1} << 53;

// True (and the 429 is sent) when `key` has no write left in `limiter`.
bool Limited(RateLimiter& limiter, const std::string& key, const char* who, HttpResponse& res) {
  const double wait = limiter.Take(key, MonotonicSeconds());
  if (wait <= 0) return false;
  const int seconds = std::max(1, static_cast<int>(std::ceil(wait)));
  res.SetHeader("Retry-After", std::to_string(seconds));
  SendError(res, ApiError{429, "rate_limited", "", fmt::format("too many writes from this {}; retry after {} s", who, seconds)});
  return true;
}

void Unavailable(HttpResponse& res, const Status& s) {
  res.SetHeader("Retry-After", "1");
  SendError(res, ApiError{503, "unavailable", "", "the class database refused the write; retry (" + s.message() + ")"});
}

// The body's "code", checked against the class's: 400 when malformed or
// absent, 404 when it names no class here.
std::optional<ApiError> ReadCode(Body& body, const Classroom& c) {
  std::string code;
  if (!body.String("code", &code, true)) return body.error();
  if (code.size() > 32) return BadRequest("code", "code: at most 32 characters");
  if (!SameSecret(code, c.options.code)) return NotFound("code", "code: no class with that code on this server");
  return std::nullopt;
}

json BoundsJson(const ClassBounds& b) {
  return {{"max_students", b.max_students}, {"max_nickname_chars", b.max_nickname_chars},
          {"max_reflection_chars", b.max_reflection_chars}, {"max_events_per_student", b.max_events_per_student},
          {"max_events_per_request", b.max_events_per_request}};
}

void Join(Classroom& c, const HttpRequest& req, HttpResponse& res) {
  if (Limited(*c.per_client, req.remote, "address", res)) return;
  Body body(req.body, {"code", "nickname", "key"});
  std::string nickname, key;
  if (!body.ok()) return SendError(res, *body.error());
  if (auto e = ReadCode(body, c)) return SendError(res, *e);
  if (!body.String("nickname", &nickname, true) || !body.String("key", &key)) return SendError(res, *body.error());
  if (auto e = CheckNickname(nickname, c.options.bounds)) return SendError(res, *e);
  if (key.size() > kMaxKeyChars) return SendError(res, BadRequest("key", "key: at most 64 characters"));
  auto joined = c.store->Join(nickname, key, c.options.bounds.max_students);
  if (!joined.ok()) return Unavailable(res, joined.status());
  using Outcome = JoinResult::Outcome;
  switch (joined->outcome) {
    case Outcome::kNicknameTaken:
      return SendError(res, ApiError{409, "conflict", "nickname", fmt::format("nickname: \"{}\" is taken in this class; "
                                                                              "choose another", nickname)});
    case Outcome::kClassFull:
      return SendError(res, LimitExceeded("", fmt::format("the class is full: it has its {} students", c.options.bounds.max_students)));
    case Outcome::kJoined:
    case Outcome::kRejoined:
      break;
  }
  SendJson(res, joined->outcome == Outcome::kJoined ? 201 : 200,
           json{{"student", joined->student}, {"nickname", nickname}, {"key", joined->key},
                {"bounds", BoundsJson(c.options.bounds)}});
}

void Events(Classroom& c, const ServerContext& ctx, const HttpRequest& req, HttpResponse& res) {
  if (Limited(*c.per_client, req.remote, "address", res)) return;
  Body body(req.body, {"code", "student", "key", "events"});
  if (!body.ok()) return SendError(res, *body.error());
  if (auto e = ReadCode(body, c)) return SendError(res, *e);
  std::int64_t student = 0;
  std::string key;
  if (!body.Integer("student", &student, 1, kMaxStudentId, true) || !body.String("key", &key, true)) {
    return SendError(res, *body.error());
  }
  if (!body.Has("events")) return SendError(res, BadRequest("events", "events: required"));
  if (key.size() > kMaxKeyChars || !c.store->Authenticate(student, key)) {
    return SendError(res, ApiError{403, "forbidden", "key", fmt::format("key: not the key of student {} in this class; "
                                                                        "join again", student)});
  }
  if (Limited(*c.per_student, std::to_string(student), "student", res)) return;
  std::vector<ClassEvent> events;
  if (auto e = ReadClassEvents(body.doc()["events"], ctx.tracks, c.options.bounds, &events)) return SendError(res, *e);
  const std::size_t cap = c.options.bounds.max_events_per_student;
  auto stored = c.store->Append(student, events, cap);
  if (!stored.ok()) return Unavailable(res, stored.status());
  if (stored->over_quota) {
    return SendError(res, LimitExceeded("events", fmt::format("events: a student may store {} events; {} are left for "
                                                              "student {}", cap, stored->events_left, student)));
  }
  SendJson(res, 200, json{{"stored", stored->stored}, {"duplicates", stored->duplicates},
                          {"events_left", stored->events_left}});
}

// "Bearer <token>" in the Authorization header (never in the URL, which
// servers and proxies log).
bool Authorized(const Classroom& c, const HttpRequest& req) {
  const std::string* auth = req.Header("authorization");
  const std::string prefix = "Bearer ";
  const std::string token = auth != nullptr && auth->rfind(prefix, 0) == 0 ? auth->substr(prefix.size()) : "";
  return SameSecret(token, c.token);
}

void Summary(Classroom& c, const ServerContext& ctx, const HttpRequest& req, HttpResponse& res) {
  if (!Authorized(c, req)) {
    res.SetHeader("WWW-Authenticate", "Bearer realm=\"fleetlab class\"");
    return SendError(res, ApiError{401, "unauthorized", "", "the instructor's token is missing or wrong: open the "
                                                            "instructor link `fleetlab lab --class` printed"});
  }
  const std::string* seen = req.Header("if-none-match");
  if (seen != nullptr && *seen == "\"" + c.store->Version() + "\"") {
    res.status = 304;
    res.SetHeader("ETag", *seen);
    res.SetHeader("Cache-Control", "no-store");
    return;
  }
  auto snap = c.store->Snapshot();
  if (!snap.ok()) return Unavailable(res, snap.status());
  res.SetHeader("ETag", "\"" + snap->version() + "\"");
  SendJson(res, 200, ClassSummary(c.options.code, ctx.tracks, *snap));
}

}  // namespace

void AddClassRoutes(Router& router, ServerContext& ctx) {
  Classroom& c = *ctx.classroom;
  const RouteOptions site{c.options.site_origin};
  router.Add("GET", "/api/v1/class", [&c](const HttpRequest&, HttpResponse& res) {
    SendJson(res, 200, json{{"classroom", true}, {"bounds", BoundsJson(c.options.bounds)}});
  }, site);
  router.Add("POST", "/api/v1/class/join", [&c](const HttpRequest& req, HttpResponse& res) { Join(c, req, res); }, site);
  router.Add("POST", "/api/v1/class/events",
             [&c, &ctx](const HttpRequest& req, HttpResponse& res) { Events(c, ctx, req, res); }, site);
  router.Add("GET", "/api/v1/class/summary",
             [&c, &ctx](const HttpRequest& req, HttpResponse& res) { Summary(c, ctx, req, res); });
}

}  // namespace fleetlab::server
