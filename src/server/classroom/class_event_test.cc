// Reading a batch of events: every field checked against the part it names,
// every error naming the field.
#include "server/classroom/class_event.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "server/classroom/class_test_fixture.h"

namespace fleetlab::server {
namespace {

using nlohmann::json;
using testing::ClassTracks;
using testing::Lock;
using testing::Reflection;

class ClassEventTest : public ::testing::Test {
 protected:
  // The error of reading `events`, or an empty error (status 0) when read.
  ApiError Read(const json& events) {
    auto e = ReadClassEvents(events, tracks_, bounds_, &out_);
    return e.value_or(ApiError{0, "", "", ""});
  }
  void ExpectRefused(const json& events, int status, const std::string& field) {
    const ApiError e = Read(events);
    EXPECT_EQ(e.status, status) << events.dump() << " -> " << e.message;
    EXPECT_EQ(e.field, field) << events.dump() << " -> " << e.message;
    EXPECT_EQ(e.message.rfind(field + ":", 0), 0u) << "the message starts with the field: " << e.message;
  }
  std::vector<Track> tracks_ = ClassTracks();
  ClassBounds bounds_;
  std::vector<ClassEvent> out_;
};

TEST_F(ClassEventTest, ReadsEachKind) {
  const json events = json::array({
      Lock("l1", "exponential"),
      {{"id", "l2"}, {"track", "t"}, {"part", "part2"}, {"kind", "lock"}, {"value", 16}, {"at", "2025-01-01T10:00:00Z"}},
      {{"id", "r1"}, {"track", "t"}, {"part", "part1"}, {"kind", "reveal"}, {"choice", "linear"}, {"value", 0}, {"match", false}},
      {{"id", "r2"}, {"track", "t"}, {"part", "part2"}, {"kind", "reveal"}, {"value", 12.5}, {"match", true}},
      {{"id", "c1"}, {"track", "t"}, {"part", "part3"}, {"kind", "challenge"}, {"passed", true}},
      Reflection("f1", "Queues explode.\nNear 100%."),
  });
  ASSERT_EQ(Read(events).status, 0) << Read(events).message;
  ASSERT_EQ(out_.size(), 6u);
  EXPECT_EQ(out_[0].kind, EventKind::kLock);
  EXPECT_EQ(out_[0].choice, "exponential");
  EXPECT_FALSE(out_[0].value);
  EXPECT_EQ(out_[1].value, 16);
  EXPECT_EQ(out_[1].client_at, "2025-01-01T10:00:00Z");
  EXPECT_EQ(out_[2].flag, false);
  EXPECT_FALSE(out_[3].choice);  // a number question's reveal needs no choice
  EXPECT_EQ(out_[4].flag, true);
  EXPECT_EQ(out_[5].text, "Queues explode.\nNear 100%.");
}

TEST_F(ClassEventTest, TheBatchItselfIsBounded) {
  ExpectRefused(json::object(), 400, "events");
  ExpectRefused(json::array(), 400, "events");
  json many = json::array();
  for (int i = 0; i < 33; ++i) many.push_back(Lock(fmt::format("l{}", i), "linear"));
  ExpectRefused(many, 400, "events");
  many.erase(many.begin());
  EXPECT_EQ(Read(many).status, 0);  // 32 is the bound
  ExpectRefused(json::array({Lock("a", "linear"), 5}), 400, "events[1]");
}

TEST_F(ClassEventTest, EveryFieldIsCheckedAndNamed) {
  json e = Lock("a", "linear");
  auto with = [&](const char* key, json v) { json x = e; x[key] = std::move(v); return json::array({x}); };
  auto without = [&](const char* key) { json x = e; x.erase(key); return json::array({x}); };
  ExpectRefused(without("id"), 400, "events[0].id");
  ExpectRefused(with("id", ""), 400, "events[0].id");
  ExpectRefused(with("id", "has space"), 400, "events[0].id");
  ExpectRefused(with("id", std::string(81, 'a')), 400, "events[0].id");
  ExpectRefused(with("id", 7), 400, "events[0].id");
  ExpectRefused(without("kind"), 400, "events[0].kind");
  ExpectRefused(with("kind", "vote"), 400, "events[0].kind");
  ExpectRefused(without("track"), 400, "events[0].track");
  ExpectRefused(with("track", "nope"), 404, "events[0].track");
  ExpectRefused(with("part", "part9"), 404, "events[0].part");
  ExpectRefused(with("choice", "quadratic"), 400, "events[0].choice");
  ExpectRefused(with("choice", 1), 400, "events[0].choice");
  ExpectRefused(with("value", 3), 400, "events[0].value");  // a choice question's lock takes no value
  ExpectRefused(with("text", "x"), 400, "events[0].text");   // not a field of a lock
  ExpectRefused(with("nickname", "x"), 400, "events[0].nickname");
  ExpectRefused(with("at", std::string(41, '1')), 400, "events[0].at");
}

TEST_F(ClassEventTest, KindsCheckTheirPart) {
  json number_lock = {{"id", "a"}, {"track", "t"}, {"part", "part2"}, {"kind", "lock"}};
  ExpectRefused(json::array({number_lock}), 400, "events[0].value");
  number_lock["value"] = "12";
  ExpectRefused(json::array({number_lock}), 400, "events[0].value");
  number_lock["value"] = 1e16;
  ExpectRefused(json::array({number_lock}), 400, "events[0].value");
  number_lock["value"] = 12;
  number_lock["choice"] = "linear";
  ExpectRefused(json::array({number_lock}), 400, "events[0].choice");
  const json challenge_here = {{"id", "c"}, {"track", "t"}, {"part", "part1"}, {"kind", "challenge"}, {"passed", true}};
  ExpectRefused(json::array({challenge_here}), 400, "events[0].kind");  // part1 has no challenge
  json reveal = {{"id", "r"}, {"track", "t"}, {"part", "part1"}, {"kind", "reveal"}, {"choice", "linear"}, {"value", 1}};
  ExpectRefused(json::array({reveal}), 400, "events[0].match");
  reveal["match"] = "yes";
  ExpectRefused(json::array({reveal}), 400, "events[0].match");
}

TEST_F(ClassEventTest, ReflectionsAreBoundedInCharactersAndRefuseControlBytes) {
  EXPECT_EQ(Read(json::array({Reflection("f", std::string(2000, 'x'))})).status, 0);
  ExpectRefused(json::array({Reflection("f", std::string(2001, 'x'))}), 400, "events[0].text");
  std::string accents;
  for (int i = 0; i < 2000; ++i) accents += "é";  // 2,000 characters in 4,000 bytes
  EXPECT_EQ(Read(json::array({Reflection("f", accents)})).status, 0);
  ExpectRefused(json::array({Reflection("f", std::string("a\x01") + "b")}), 400, "events[0].text");
  EXPECT_EQ(Read(json::array({Reflection("f", "tab\there\r\n")})).status, 0);
}

TEST(ClassNicknameTest, NicknamesAreShortPlainText) {
  const ClassBounds b;
  EXPECT_FALSE(CheckNickname("Ada", b));
  EXPECT_FALSE(CheckNickname("Zoë the 2nd", b));
  EXPECT_FALSE(CheckNickname(std::string(32, 'n'), b));
  for (const std::string& bad : {std::string(""), std::string(33, 'n'), std::string(" Ada"), std::string("Ada "),
                                std::string("A\nda"), std::string("\xff\xfe")}) {
    auto e = CheckNickname(bad, b);
    ASSERT_TRUE(e) << bad;
    EXPECT_EQ(e->status, 400);
    EXPECT_EQ(e->field, "nickname");
  }
  // Nothing that hides or turns the text: "alice" and a no-break space
  // passed for alice, and a right-to-left override reversed the names after
  // it on the instructor's roster. Letters of any script stay.
  EXPECT_FALSE(CheckNickname("Алиса", b));
  EXPECT_FALSE(CheckNickname("李明", b));
  EXPECT_FALSE(CheckNickname("علي", b));
  for (const std::string& bad : {std::string("alice\u00a0"), std::string("\u202eecila"), std::string("al\u200bice"),
                                std::string("\u2066bob\u2069"), std::string("\ufeffeve"), std::string("a\u00adb"),
                                std::string("x\u0085y")}) {
    const std::string text = nlohmann::json::parse("\"" + bad + "\"").get<std::string>();
    auto e = CheckNickname(text, b);
    ASSERT_TRUE(e) << bad;
    EXPECT_EQ(e->status, 400);
    EXPECT_EQ(e->message.rfind("nickname: no invisible, spacing or direction-changing character (got U+", 0), 0u)
        << e->message;
  }
}

}  // namespace
}  // namespace fleetlab::server
