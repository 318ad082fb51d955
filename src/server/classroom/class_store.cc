#include "server/classroom/class_store.h"

#include <sqlite3.h>

#include <cctype>
#include <chrono>

#include <fmt/format.h>

#include "server/classroom/secret.h"

namespace fleetlab::server {
namespace {

constexpr int kSchemaVersion = 1;
constexpr int kBusyTimeoutMs = 5000;
constexpr std::size_t kKeyBytes = 16;  // a student's secret: 128 bits

constexpr const char* kSchema = R"(
CREATE TABLE students (
  id INTEGER PRIMARY KEY,
  class TEXT NOT NULL,
  nickname TEXT NOT NULL,
  nickname_key TEXT NOT NULL,
  secret TEXT NOT NULL,
  joined_ms INTEGER NOT NULL,
  UNIQUE (class, nickname_key));
CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  student INTEGER NOT NULL REFERENCES students(id),
  client_id TEXT NOT NULL,
  track TEXT NOT NULL,
  part TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('lock', 'reveal', 'challenge', 'reflection')),
  choice TEXT,
  value REAL,
  flag INTEGER,
  text TEXT,
  client_at TEXT NOT NULL,
  received_ms INTEGER NOT NULL,
  UNIQUE (student, client_id));
CREATE INDEX events_latest ON events (student, track, part, kind, id);
)";

// A prepared statement, finalized when it goes out of scope.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) {
    if (sqlite3_prepare_v2(db, sql, -1, &s_, nullptr) != SQLITE_OK) {
      sqlite3_finalize(s_);
      s_ = nullptr;
    }
  }
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  bool ok() const { return s_ != nullptr; }
  void Bind(int i, std::int64_t v) { sqlite3_bind_int64(s_, i, v); }
  void Bind(int i, const std::string& v) { sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT); }
  void Bind(int i, const std::optional<std::string>& v) { v ? Bind(i, *v) : (void)sqlite3_bind_null(s_, i); }
  void Bind(int i, const std::optional<double>& v) { v ? (void)sqlite3_bind_double(s_, i, *v) : (void)sqlite3_bind_null(s_, i); }
  void Bind(int i, const std::optional<bool>& v) { v ? Bind(i, std::int64_t{*v}) : (void)sqlite3_bind_null(s_, i); }
  int Step() { return sqlite3_step(s_); }
  void Reset() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  std::int64_t Int(int col) const { return sqlite3_column_int64(s_, col); }
  std::string Text(int col) const {
    const auto* p = sqlite3_column_text(s_, col);
    return p == nullptr ? "" : std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(s_, col)));
  }
  bool Null(int col) const { return sqlite3_column_type(s_, col) == SQLITE_NULL; }
  double Double(int col) const { return sqlite3_column_double(s_, col); }

 private:
  sqlite3_stmt* s_ = nullptr;
};

Status DbError(sqlite3* db, const std::string& what) {
  return Status::IoError(fmt::format("class database: {}: {}", what, sqlite3_errmsg(db)));
}

std::string FoldCase(const std::string& s) {
  std::string out = s;
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

Result<sqlite3*> OpenDb(const std::string& path, int flags) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    Status s = Status::IoError(fmt::format("--class-db {}: cannot open ({})", path, db ? sqlite3_errmsg(db) : "out of memory"));
    sqlite3_close(db);
    return s;
  }
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  sqlite3_extended_result_codes(db, 1);
  return db;
}

Result<std::int64_t> QueryInt(sqlite3* db, const char* sql) {
  Stmt st(db, sql);
  if (!st.ok() || st.Step() != SQLITE_ROW) return DbError(db, sql);
  return st.Int(0);
}

// WAL, the sync level, and the schema (made in a fresh file; checked in an old one).
Status Prepare(sqlite3* db, const std::string& path, bool fsync_each_write) {
  auto version = QueryInt(db, "PRAGMA user_version");
  if (!version.ok()) return Status::IoError(fmt::format("--class-db {}: not a SQLite database", path));
  if (*version > kSchemaVersion) {
    return Status::InvalidArgument(fmt::format("--class-db {}: made by a newer fleetlab (schema {}; this one reads {})",
                                               path, *version, kSchemaVersion));
  }
  {
    Stmt wal(db, "PRAGMA journal_mode=WAL");  // finalized before the schema's transaction
    if (!wal.ok() || wal.Step() != SQLITE_ROW || wal.Text(0) != "wal") {
      return Status::IoError(fmt::format("--class-db {}: cannot use write-ahead logging here", path));
    }
  }
  const std::string sync = fsync_each_write ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL";
  if (sqlite3_exec(db, sync.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK ||
      sqlite3_exec(db, "PRAGMA foreign_keys=ON", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return DbError(db, "settings");
  }
  if (*version == kSchemaVersion) return Status::Ok();
  auto tables = QueryInt(db, "SELECT count(*) FROM sqlite_master");
  if (!tables.ok()) return tables.status();
  if (*tables != 0) return Status::InvalidArgument(fmt::format("--class-db {}: not a fleetlab class database", path));
  const std::string create = fmt::format("BEGIN; {} PRAGMA user_version={}; COMMIT;", kSchema, kSchemaVersion);
  if (sqlite3_exec(db, create.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    Status s = DbError(db, "creating the tables");
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    return s;
  }
  return Status::Ok();
}

}  // namespace

std::string ClassSnapshot::version() const { return fmt::format("{}-{}", last_event_id, students.size()); }

ClassStore::ClassStore(sqlite3* writer, sqlite3* reader, std::string code)
    : writer_(writer), reader_(reader), code_(std::move(code)) {}

ClassStore::~ClassStore() {
  sqlite3_close(reader_);
  sqlite3_close(writer_);
}

Result<std::unique_ptr<ClassStore>> ClassStore::Open(const std::string& path, const std::string& code,
                                                     bool fsync_each_write) {
  auto writer = OpenDb(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!writer.ok()) return writer.status();
  if (Status s = Prepare(*writer, path, fsync_each_write); !s.ok()) {
    sqlite3_close(*writer);
    return s;
  }
  auto reader = OpenDb(path, SQLITE_OPEN_READONLY);
  if (!reader.ok()) {
    sqlite3_close(*writer);
    return reader.status();
  }
  std::unique_ptr<ClassStore> store(new ClassStore(*writer, *reader, code));
  FLEETLAB_RETURN_IF_ERROR(store->Load());
  return store;
}

Status ClassStore::Exec(const char* sql) const {
  return sqlite3_exec(writer_, sql, nullptr, nullptr, nullptr) == SQLITE_OK ? Status::Ok() : DbError(writer_, sql);
}

Status ClassStore::Load() {
  Stmt st(writer_, "SELECT s.id, s.nickname, s.secret, (SELECT count(*) FROM events e WHERE e.student = s.id) "
                   "FROM students s WHERE s.class = ?1");
  if (!st.ok()) return DbError(writer_, "reading the students");
  st.Bind(1, code_);
  while (st.Step() == SQLITE_ROW) {
    const std::int64_t id = st.Int(0);
    students_[id] = Student{st.Text(1), st.Text(2), static_cast<std::size_t>(st.Int(3))};
    by_nickname_[FoldCase(st.Text(1))] = id;
  }
  Stmt last(writer_, "SELECT coalesce(max(e.id), 0) FROM events e JOIN students s ON s.id = e.student WHERE s.class = ?1");
  if (!last.ok()) return DbError(writer_, "reading the events");
  last.Bind(1, code_);
  if (last.Step() != SQLITE_ROW) return DbError(writer_, "reading the events");
  last_event_id_ = last.Int(0);
  return Status::Ok();
}

Result<JoinResult> ClassStore::Join(const std::string& nickname, const std::string& key, std::size_t max_students) {
  std::lock_guard lock(write_mu_);
  const std::string folded = FoldCase(nickname);
  if (const auto it = by_nickname_.find(folded); it != by_nickname_.end()) {
    const Student& s = students_.at(it->second);
    if (!key.empty() && SameSecret(key, s.key)) return JoinResult{JoinResult::Outcome::kRejoined, it->second, s.key};
    return JoinResult{JoinResult::Outcome::kNicknameTaken, 0, ""};
  }
  if (students_.size() >= max_students) return JoinResult{JoinResult::Outcome::kClassFull, 0, ""};
  auto secret = RandomToken(kKeyBytes);
  if (!secret.ok()) return secret.status();
  Stmt st(writer_, "INSERT INTO students (class, nickname, nickname_key, secret, joined_ms) VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!st.ok()) return DbError(writer_, "adding a student");
  st.Bind(1, code_);
  st.Bind(2, nickname);
  st.Bind(3, folded);
  st.Bind(4, *secret);
  st.Bind(5, NowMs());
  if (st.Step() != SQLITE_DONE) return DbError(writer_, "adding a student");
  const std::int64_t id = sqlite3_last_insert_rowid(writer_);
  students_[id] = Student{nickname, *secret, 0};
  by_nickname_[folded] = id;
  return JoinResult{JoinResult::Outcome::kJoined, id, *secret};
}

bool ClassStore::Authenticate(std::int64_t student, const std::string& key) const {
  std::lock_guard lock(write_mu_);
  const auto it = students_.find(student);
  // An unknown id still costs one comparison, against a key of the same length.
  static const std::string kNobody(22, '.');
  return SameSecret(key, it == students_.end() ? kNobody : it->second.key) && it != students_.end();
}

Result<AppendResult> ClassStore::Append(std::int64_t student, const std::vector<ClassEvent>& events,
                                        std::size_t max_events) {
  std::lock_guard lock(write_mu_);
  Student& who = students_.at(student);
  FLEETLAB_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  Stmt st(writer_, "INSERT INTO events (student, client_id, track, part, kind, choice, value, flag, text, client_at, "
                   "received_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) "
                   "ON CONFLICT (student, client_id) DO NOTHING");
  AppendResult out;
  std::int64_t last = last_event_id_;
  const std::int64_t now = NowMs();
  if (!st.ok()) {
    Status s = DbError(writer_, "storing an event");
    Exec("ROLLBACK");
    return s;
  }
  for (const ClassEvent& e : events) {
    st.Bind(1, student);
    st.Bind(2, e.client_id);
    st.Bind(3, e.track);
    st.Bind(4, e.part);
    st.Bind(5, std::string(EventKindName(e.kind)));
    st.Bind(6, e.choice);
    st.Bind(7, e.value);
    st.Bind(8, e.flag);
    st.Bind(9, e.text);
    st.Bind(10, e.client_at);
    st.Bind(11, now);
    if (st.Step() != SQLITE_DONE) {
      Status s = DbError(writer_, "storing an event");
      Exec("ROLLBACK");
      return s;
    }
    if (sqlite3_changes(writer_) == 1) {
      ++out.stored;
      last = sqlite3_last_insert_rowid(writer_);
    } else {
      ++out.duplicates;
    }
    st.Reset();
  }
  if (who.events + out.stored > max_events) {
    FLEETLAB_RETURN_IF_ERROR(Exec("ROLLBACK"));
    return AppendResult{true, 0, 0, max_events - std::min(max_events, who.events)};
  }
  if (Status s = Exec("COMMIT"); !s.ok()) {
    Exec("ROLLBACK");
    return s;
  }
  who.events += out.stored;
  last_event_id_ = last;
  out.events_left = max_events - who.events;
  return out;
}

namespace {

constexpr const char* kEventColumns =
    "e.id, e.student, e.client_id, e.track, e.part, e.kind, e.choice, e.value, e.flag, e.text, e.client_at, e.received_ms";

StoredEvent ReadEventRow(const Stmt& st) {
  StoredEvent r;
  r.id = st.Int(0);
  r.student = st.Int(1);
  ClassEvent& e = r.event;
  e.client_id = st.Text(2);
  e.track = st.Text(3);
  e.part = st.Text(4);
  e.kind = ParseEventKind(st.Text(5)).value_or(EventKind::kLock);  // the CHECK constraint holds it to the four
  if (!st.Null(6)) e.choice = st.Text(6);
  if (!st.Null(7)) e.value = st.Double(7);
  if (!st.Null(8)) e.flag = st.Int(8) != 0;
  if (!st.Null(9)) e.text = st.Text(9);
  e.client_at = st.Text(10);
  r.received_ms = st.Int(11);
  return r;
}

Status ReadSnapshot(sqlite3* db, const std::string& code, bool all, ClassSnapshot* out) {
  Stmt students(db, "SELECT s.id, s.nickname, (SELECT count(*) FROM events e WHERE e.student = s.id) "
                    "FROM students s WHERE s.class = ?1 ORDER BY s.id");
  if (!students.ok()) return DbError(db, "reading the students");
  students.Bind(1, code);
  while (students.Step() == SQLITE_ROW) {
    out->students.push_back(StudentInfo{students.Int(0), students.Text(1), static_cast<std::size_t>(students.Int(2))});
    out->total_events += out->students.back().events;
  }
  const std::string latest = all ? "" : "JOIN (SELECT max(id) AS id FROM events GROUP BY student, track, part, kind) l "
                                        "ON l.id = e.id ";
  const std::string sql = fmt::format("SELECT {} FROM events e {}JOIN students s ON s.id = e.student "
                                      "WHERE s.class = ?1 ORDER BY e.id", kEventColumns, latest);
  Stmt events(db, sql.c_str());
  if (!events.ok()) return DbError(db, "reading the events");
  events.Bind(1, code);
  int rc;
  while ((rc = events.Step()) == SQLITE_ROW) out->events.push_back(ReadEventRow(events));
  if (rc != SQLITE_DONE) return DbError(db, "reading the events");
  Stmt last(db, "SELECT coalesce(max(e.id), 0) FROM events e JOIN students s ON s.id = e.student WHERE s.class = ?1");
  if (!last.ok()) return DbError(db, "reading the events");
  last.Bind(1, code);
  if (last.Step() != SQLITE_ROW) return DbError(db, "reading the events");
  out->last_event_id = last.Int(0);
  return Status::Ok();
}

}  // namespace

Result<ClassSnapshot> ClassStore::Snapshot(bool all) const {
  std::lock_guard lock(read_mu_);
  if (sqlite3_exec(reader_, "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK) return DbError(reader_, "BEGIN");
  ClassSnapshot snap;
  const Status s = ReadSnapshot(reader_, code_, all, &snap);
  sqlite3_exec(reader_, "COMMIT", nullptr, nullptr, nullptr);  // ends the read transaction
  if (!s.ok()) return s;
  return snap;
}

std::string ClassStore::Version() const {
  std::lock_guard lock(write_mu_);
  return fmt::format("{}-{}", last_event_id_, students_.size());
}

}  // namespace fleetlab::server
