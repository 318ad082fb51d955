// The class's SQLite database: students (a nickname and a secret key, no
// other personal data) and their events, one row per event. The file is in
// WAL mode; every write is one transaction, committed before it is
// acknowledged, so a kill -9 of the server loses nothing it acknowledged
// (with fsync_each_write, a power cut neither). A retried event (same
// student, same client id) is stored once. One file may hold several
// classes; a store serves the one whose code it was opened with.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "fleetlab/status.h"
#include "server/classroom/class_event.h"

struct sqlite3;

namespace fleetlab::server {

struct JoinResult {
  enum class Outcome { kJoined, kRejoined, kNicknameTaken, kClassFull };
  Outcome outcome = Outcome::kJoined;
  std::int64_t student = 0;  // kJoined, kRejoined
  std::string key;           // the student's secret (kJoined, kRejoined)
};

struct AppendResult {
  bool over_quota = false;  // nothing was stored: the student's events would pass the bound
  std::size_t stored = 0, duplicates = 0;
  std::size_t events_left = 0;  // the student's quota after this write
};

// An event row as read back.
struct StoredEvent {
  std::int64_t id = 0, student = 0;
  ClassEvent event;  // client_id, track, part, kind, payload, client_at
  std::int64_t received_ms = 0;  // server clock, ms since the Unix epoch
};

struct StudentInfo {
  std::int64_t id = 0;
  std::string nickname;
  std::size_t events = 0;
};

struct ClassSnapshot {
  std::int64_t last_event_id = 0;
  std::size_t total_events = 0;
  std::vector<StudentInfo> students;  // by id
  std::vector<StoredEvent> events;    // by id
  std::string version() const;        // as ClassStore::Version
};

class ClassStore {
 public:
  // Opens (creating if needed) the database at `path` for class `code`.
  // Fails naming the file when it cannot be opened, is not a fleetlab
  // class database, or was made by a newer version.
  static Result<std::unique_ptr<ClassStore>> Open(const std::string& path, const std::string& code, bool fsync_each_write);
  ~ClassStore();
  ClassStore(const ClassStore&) = delete;
  ClassStore& operator=(const ClassStore&) = delete;

  // A new student (nickname not taken, case-insensitively, and fewer than
  // `max_students`), or the same student again when `key` is the secret of
  // the student with that nickname (a reload, another browser).
  Result<JoinResult> Join(const std::string& nickname, const std::string& key, std::size_t max_students);
  // True when `student` is in this class and `key` is its secret (compared
  // in constant time).
  bool Authenticate(std::int64_t student, const std::string& key) const;
  // Stores `events` for `student` in one transaction. Events whose client
  // id the student already stored are duplicates (not stored again, not
  // counted). REQUIRES: Authenticate(student, ...) was true.
  Result<AppendResult> Append(std::int64_t student, const std::vector<ClassEvent>& events, std::size_t max_events);

  // What the database holds for this class, read in one read transaction
  // (so its parts agree): every student, and for each (student, track,
  // part, kind) the latest event (every event, oldest first, with `all`).
  Result<ClassSnapshot> Snapshot(bool all = false) const;
  // "<last event id>-<students>": changes with every stored write; equals
  // the Snapshot's version once that write is committed.
  std::string Version() const;

 private:
  struct Student {
    std::string nickname, key;
    std::size_t events = 0;
  };
  ClassStore(sqlite3* writer, sqlite3* reader, std::string code);
  Status Load();
  Status Exec(const char* sql) const;
  sqlite3* writer_;
  sqlite3* reader_;
  const std::string code_;
  mutable std::mutex write_mu_, read_mu_;
  std::unordered_map<std::int64_t, Student> students_;
  std::unordered_map<std::string, std::int64_t> by_nickname_;  // lower-cased nickname -> id
  std::int64_t last_event_id_ = 0;
};

}  // namespace fleetlab::server
