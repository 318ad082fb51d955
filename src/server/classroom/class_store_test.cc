// The class database: joins, events stored once, the quota, what a
// snapshot reads back, and a reopened file that still holds everything.
#include "server/classroom/class_store.h"

#include <sqlite3.h>

#include <filesystem>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "server/server_test_util.h"

namespace fleetlab::server {
namespace {

ClassEvent Event(const std::string& id, EventKind kind, const std::string& part = "part1") {
  ClassEvent e;
  e.client_id = id;
  e.track = "t";
  e.part = part;
  e.kind = kind;
  if (kind == EventKind::kLock) e.choice = "linear";
  if (kind == EventKind::kReflection) e.text = "text of " + id;
  if (kind == EventKind::kChallenge) e.flag = true;
  return e;
}

class ClassStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = fleetlab::testing::MakeTempDir("classstore"); }
  void TearDown() override {
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::unique_ptr<ClassStore> Open(const std::string& code = "cs101") {
    auto s = ClassStore::Open(dir_ + "/class.db", code, false);
    EXPECT_TRUE(s.ok()) << s.status().message();
    return s.ok() ? std::move(s).value() : nullptr;
  }
  JoinResult Join(ClassStore& s, const std::string& nick, const std::string& key = "", std::size_t max = 10) {
    auto r = s.Join(nick, key, max);
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : JoinResult{};
  }
  std::string dir_;
  std::unique_ptr<ClassStore> store_;
};

TEST_F(ClassStoreTest, JoinRejoinTakenAndFull) {
  store_ = Open();
  const JoinResult ada = Join(*store_, "Ada");
  EXPECT_EQ(ada.outcome, JoinResult::Outcome::kJoined);
  EXPECT_EQ(ada.key.size(), 22u);
  EXPECT_EQ(Join(*store_, "ada").outcome, JoinResult::Outcome::kNicknameTaken);  // case-insensitive
  EXPECT_EQ(Join(*store_, "Ada", "wrong-key-wrong-key-xx").outcome, JoinResult::Outcome::kNicknameTaken);
  const JoinResult again = Join(*store_, "ADA", ada.key);
  EXPECT_EQ(again.outcome, JoinResult::Outcome::kRejoined);
  EXPECT_EQ(again.student, ada.student);
  EXPECT_TRUE(store_->Authenticate(ada.student, ada.key));
  EXPECT_FALSE(store_->Authenticate(ada.student, ada.key.substr(1)));
  EXPECT_FALSE(store_->Authenticate(ada.student + 99, ada.key));
  EXPECT_EQ(Join(*store_, "Grace", "", 2).outcome, JoinResult::Outcome::kJoined);
  EXPECT_EQ(Join(*store_, "Linus", "", 2).outcome, JoinResult::Outcome::kClassFull);
}

TEST_F(ClassStoreTest, ARetriedEventIsStoredOnceAndTheQuotaHolds) {
  store_ = Open();
  const auto ada = Join(*store_, "Ada");
  auto first = store_->Append(ada.student, {Event("a", EventKind::kLock), Event("b", EventKind::kReflection)}, 4);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->stored, 2u);
  EXPECT_EQ(first->events_left, 2u);
  auto retried = store_->Append(ada.student, {Event("a", EventKind::kLock), Event("b", EventKind::kReflection)}, 4);
  ASSERT_TRUE(retried.ok());
  EXPECT_EQ(retried->stored, 0u);
  EXPECT_EQ(retried->duplicates, 2u);
  // Three new events would pass the quota of 4: none is stored.
  auto over = store_->Append(ada.student, {Event("c", EventKind::kLock), Event("d", EventKind::kLock),
                                           Event("e", EventKind::kLock)}, 4);
  ASSERT_TRUE(over.ok());
  EXPECT_TRUE(over->over_quota);
  EXPECT_EQ(over->events_left, 2u);
  // A duplicate and two new ones fit.
  auto fits = store_->Append(ada.student, {Event("a", EventKind::kLock), Event("c", EventKind::kLock),
                                           Event("d", EventKind::kLock)}, 4);
  ASSERT_TRUE(fits.ok());
  EXPECT_FALSE(fits->over_quota);
  EXPECT_EQ(fits->stored, 2u);
  EXPECT_EQ(fits->events_left, 0u);
  auto all = store_->Snapshot(true);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->events.size(), 4u);
  EXPECT_EQ(all->total_events, 4u);
}

TEST_F(ClassStoreTest, TheSnapshotHoldsTheLatestEventPerStudentPartAndKind) {
  store_ = Open();
  const auto ada = Join(*store_, "Ada"), bob = Join(*store_, "Bob");
  ClassEvent relock = Event("l2", EventKind::kLock);
  relock.choice = "exponential";
  ClassEvent number = Event("n1", EventKind::kLock, "part2");
  number.choice.reset();
  number.value = 12.5;
  ASSERT_TRUE(store_->Append(ada.student, {Event("l1", EventKind::kLock), Event("f1", EventKind::kReflection)}, 99).ok());
  ASSERT_TRUE(store_->Append(ada.student, {relock, Event("f2", EventKind::kReflection), number}, 99).ok());
  ASSERT_TRUE(store_->Append(bob.student, {Event("l1", EventKind::kLock)}, 99).ok());  // the same client id, another student
  auto snap = store_->Snapshot();
  ASSERT_TRUE(snap.ok());
  ASSERT_EQ(snap->students.size(), 2u);
  EXPECT_EQ(snap->students[0].nickname, "Ada");
  EXPECT_EQ(snap->students[0].events, 5u);
  EXPECT_EQ(snap->total_events, 6u);
  ASSERT_EQ(snap->events.size(), 4u);  // Ada's lock, reflection, number lock; Bob's lock
  EXPECT_EQ(snap->events[0].event.client_id, "l2");
  EXPECT_EQ(snap->events[0].event.choice, "exponential");
  EXPECT_EQ(snap->events[1].event.text, "text of f2");
  EXPECT_EQ(snap->events[2].event.value, 12.5);
  EXPECT_FALSE(snap->events[2].event.choice);
  EXPECT_EQ(snap->events[3].student, bob.student);
  EXPECT_EQ(snap->version(), store_->Version());
  EXPECT_EQ(snap->last_event_id, snap->events[3].id);
}

TEST_F(ClassStoreTest, AReopenedFileHoldsEverythingAndIsInWalMode) {
  JoinResult ada;
  {
    auto s = Open();
    ada = Join(*s, "Ada");
    ASSERT_TRUE(s->Append(ada.student, {Event("a", EventKind::kLock)}, 9).ok());
  }
  store_ = Open();
  EXPECT_TRUE(store_->Authenticate(ada.student, ada.key));
  EXPECT_EQ(Join(*store_, "Ada").outcome, JoinResult::Outcome::kNicknameTaken);
  auto again = store_->Append(ada.student, {Event("a", EventKind::kLock), Event("b", EventKind::kLock)}, 9);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->stored, 1u);
  EXPECT_EQ(again->events_left, 7u);  // the count survived the reopening
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ + "/class.db").c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), "wal");
  sqlite3_finalize(st);
  sqlite3_close(db);
}

TEST_F(ClassStoreTest, ClassesInOneFileAreApart) {
  {
    auto a = Open("cs101");
    ASSERT_TRUE(a->Append(Join(*a, "Ada").student, {Event("a", EventKind::kLock)}, 9).ok());
  }
  store_ = Open("cs102");
  EXPECT_EQ(Join(*store_, "Ada").outcome, JoinResult::Outcome::kJoined);
  auto snap = store_->Snapshot(true);
  ASSERT_TRUE(snap.ok());
  EXPECT_EQ(snap->students.size(), 1u);
  EXPECT_TRUE(snap->events.empty());
}

TEST_F(ClassStoreTest, OtherFilesAreRefusedNamingTheFile) {
  fleetlab::testing::WriteFile(dir_ + "/text.db", "not a database at all, just some text that is long enough...");
  auto text = ClassStore::Open(dir_ + "/text.db", "c1", false);
  ASSERT_FALSE(text.ok());
  EXPECT_NE(text.status().message().find(dir_ + "/text.db"), std::string::npos) << text.status().message();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ + "/other.db").c_str(), &db), SQLITE_OK);
  sqlite3_exec(db, "CREATE TABLE x (y)", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  auto other = ClassStore::Open(dir_ + "/other.db", "c1", false);
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.status().message().find("not a fleetlab class database"), std::string::npos);
  ASSERT_EQ(sqlite3_open((dir_ + "/newer.db").c_str(), &db), SQLITE_OK);
  sqlite3_exec(db, "PRAGMA user_version=7", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  auto newer = ClassStore::Open(dir_ + "/newer.db", "c1", false);
  ASSERT_FALSE(newer.ok());
  EXPECT_NE(newer.status().message().find("newer fleetlab"), std::string::npos);
  auto missing = ClassStore::Open(dir_ + "/no/such/dir/x.db", "c1", false);
  EXPECT_FALSE(missing.ok());
}

TEST_F(ClassStoreTest, ConcurrentWritersAndReadersLoseNothing) {
  store_ = Open();
  std::vector<JoinResult> students;
  for (int i = 0; i < 8; ++i) students.push_back(Join(*store_, fmt::format("s{}", i)));
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      for (int n = 0; n < 50; ++n) {
        const std::string id = fmt::format("e{}", n);
        ASSERT_TRUE(store_->Append(students[i].student, {Event(id, EventKind::kReflection)}, 1000).ok());
      }
    });
  }
  threads.emplace_back([&] {
    for (int n = 0; n < 50; ++n) ASSERT_TRUE(store_->Snapshot().ok());
  });
  for (auto& t : threads) t.join();
  auto snap = store_->Snapshot(true);
  ASSERT_TRUE(snap.ok());
  EXPECT_EQ(snap->events.size(), 400u);
  EXPECT_EQ(snap->total_events, 400u);
}

}  // namespace
}  // namespace fleetlab::server
