// The classroom: `fleetlab lab --class CODE` lets students join a class with
// its code and a nickname and send their ledger's events (locked
// predictions, reveals, challenge results, reflections) to a SQLite file;
// the instructor's page reads the class's summary with a token printed at
// start. docs/api.md ("Classroom") documents the routes and these bounds.
#pragma once

#include <cstddef>
#include <string>

namespace fleetlab {

// Sizes and rates one class may reach; beyond them a write is refused with
// the field and the bound named (422 limit_exceeded, or 429 for a rate).
struct ClassBounds {
  // Students who may join. Raise it for a lecture hall; each student costs
  // ~200 bytes in memory and their events' rows on disk.
  std::size_t max_students = 200;
  // A nickname: 1..this many characters (code points).
  std::size_t max_nickname_chars = 32;
  // A reflection's text: at most this many characters (code points).
  std::size_t max_reflection_chars = 2000;
  // Events one student may store over the class's life (12 parts x 4
  // kinds is 48; the rest is room for edited reflections and re-locks).
  std::size_t max_events_per_student = 500;
  // Events in one POST (the front end sends its queue in batches).
  std::size_t max_events_per_request = 32;
  // Writes (joins and event batches) per second, sustained and in a burst:
  // per student, and per client address (a class behind one NAT address
  // shares the latter, so it is sized for max_students at ~1 write/s).
  double student_writes_per_s = 4;
  double student_burst = 20;
  double client_writes_per_s = 200;
  double client_burst = 400;
};

struct ClassroomOptions {
  // The class code students type to join: 3..32 of A-Z a-z 0-9 _ -.
  // Empty: no classroom (the lab's own routes only).
  std::string code;
  // The SQLite database (created if missing; reopening it continues the
  // class, students and events kept). "": "<code>.fleetlab-class.db" in
  // the working directory.
  std::string db_path;
  // The instructor's token (the summary route's Bearer token). "": a random
  // 192-bit one is made at start (LabServer::instructor_token()). Set it
  // only in tests.
  std::string instructor_token;
  // The one other origin ("https://lab.school.example", scheme://host[:port])
  // whose pages may call the student routes (CORS): the static site's. "":
  // only the lab's own pages may.
  std::string site_origin;
  // fsync the write-ahead log at every commit (SQLite synchronous=FULL):
  // acknowledged events then survive a power cut, not only a crash of the
  // server; each write costs a disk flush. Default (NORMAL): a kill -9 loses
  // nothing acknowledged, a power cut may lose the last ones.
  bool fsync_each_write = false;
  ClassBounds bounds;
};

}  // namespace fleetlab
