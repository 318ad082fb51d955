// The router without sockets: path decoding, the guard, 405, headers, and
// that nothing a handler or job throws escapes.
#include "server/router.h"

#include <stdexcept>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "server/api.h"
#include "server/utf8.h"

namespace fleetlab::server {
namespace {

using nlohmann::json;

HttpRequest Request(std::string method, std::string raw_path, std::string host = "127.0.0.1:8080") {
  HttpRequest r;
  r.method = std::move(method);
  r.raw_path = std::move(raw_path);
  if (!host.empty()) r.headers.emplace_back("host", std::move(host));
  return r;
}

class HttpRouterTest : public ::testing::Test {
 protected:
  HttpRouterTest() : router_(GuardOptions{{"lab.school.example"}}) {
    router_.Add("GET", "/api/v1/health", [](const HttpRequest&, HttpResponse& res) { SendJson(res, 200, json{}); });
    router_.Add("GET", "/api/v1/tracks/*/*", [](const HttpRequest& req, HttpResponse& res) {
      SendJson(res, 200, json{{"track", req.params[0]}, {"part", req.params[1]}});
    });
    router_.Add("POST", "/api/v1/run", [](const HttpRequest&, HttpResponse& res) { SendJson(res, 200, json{}); });
    router_.Add("GET", "/api/v1/throws", [](const HttpRequest&, HttpResponse&) { throw std::runtime_error("x"); });
    router_.Add("GET", "/api/v1/job", [](const HttpRequest&, HttpResponse& res) {
      res.deferred = [](JobContext&, HttpResponse&) { throw std::bad_alloc(); };
    });
  }
  Router router_;
};

std::string Code(const HttpResponse& res) { return json::parse(res.body)["error"]["code"]; }

TEST_F(HttpRouterTest, InvalidEscapesAndBytesAre400NotACrash) {
  for (const char* path : {"/%ff", "/%c0%ae%c0%ae/x", "/api/v1/tracks/%ff/part1", "/index.html%00.png", "/%zz",
                           "/%4", "/a%0ab", "/\xff", "/%ed%a0%80"}) {
    HttpResponse res = router_.Handle(Request("GET", path));
    EXPECT_EQ(res.status, 400) << path;
    EXPECT_TRUE(IsValidUtf8(res.body)) << path;
    EXPECT_EQ(Code(res), "invalid_field") << path;
  }
  HttpResponse ok = router_.Handle(Request("GET", "/api/v1/tracks/caf%C3%A9/part1"));
  ASSERT_EQ(ok.status, 200);
  EXPECT_EQ(json::parse(ok.body)["track"], "café");
}

TEST_F(HttpRouterTest, AWrongMethodIs405WithAllow) {
  HttpResponse res = router_.Handle(Request("DELETE", "/api/v1/health"));
  EXPECT_EQ(res.status, 405);
  EXPECT_EQ(Code(res), "method_not_allowed");
  ASSERT_TRUE(res.HasHeader("Allow"));
  bool found = false;
  for (const auto& [n, v] : res.headers) found = found || (n == "Allow" && v == "GET, HEAD");
  EXPECT_TRUE(found);
  EXPECT_EQ(router_.Handle(Request("GET", "/api/v1/run")).status, 405);
  EXPECT_EQ(router_.Handle(Request("HEAD", "/api/v1/health")).status, 200);
  EXPECT_EQ(router_.Handle(Request("GET", "/api/v1/nothing")).status, 404);
}

TEST_F(HttpRouterTest, OnlyIpLiteralsLocalhostAndAllowedNamesAsHost) {
  for (const char* host : {"127.0.0.1:8080", "localhost:8080", "[::1]:8080", "10.1.2.3", "LAB.school.example:80", ""}) {
    EXPECT_EQ(router_.Handle(Request("GET", "/api/v1/health", host)).status, 200) << host;
  }
  for (const char* host : {"evil.example", "attacker.example:8080", "127.0.0.1.nip.example"}) {
    HttpResponse res = router_.Handle(Request("GET", "/api/v1/health", host));
    EXPECT_EQ(res.status, 403) << host;
    EXPECT_EQ(Code(res), "forbidden");
  }
}

TEST_F(HttpRouterTest, PostsNeedJsonFromTheLabsOwnOrigin) {
  HttpRequest plain = Request("POST", "/api/v1/run");
  plain.headers.emplace_back("content-type", "text/plain");
  EXPECT_EQ(router_.Handle(plain).status, 415);  // a cross-origin "simple" request runs nothing
  HttpRequest json_post = Request("POST", "/api/v1/run");
  json_post.headers.emplace_back("content-type", "application/json; charset=utf-8");
  EXPECT_EQ(router_.Handle(json_post).status, 200);
  HttpRequest same = json_post;
  same.headers.emplace_back("origin", "http://127.0.0.1:8080");
  EXPECT_EQ(router_.Handle(same).status, 200);
  HttpRequest other = json_post;
  other.headers.emplace_back("origin", "https://evil.example");
  EXPECT_EQ(router_.Handle(other).status, 403);
}

TEST_F(HttpRouterTest, EveryReplyCarriesTheSecurityHeaders) {
  for (const char* path : {"/api/v1/health", "/%ff", "/api/v1/nothing"}) {
    HttpResponse res = router_.Handle(Request("GET", path));
    EXPECT_TRUE(res.HasHeader("X-Content-Type-Options")) << path;
    EXPECT_TRUE(res.HasHeader("Content-Security-Policy")) << path;
    EXPECT_TRUE(res.HasHeader("X-Frame-Options")) << path;
  }
}

TEST_F(HttpRouterTest, WhatAHandlerOrAJobThrowsIsA500) {
  HttpResponse res = router_.Handle(Request("GET", "/api/v1/throws"));
  EXPECT_EQ(res.status, 500);
  EXPECT_EQ(Code(res), "internal");
  EXPECT_TRUE(res.HasHeader("X-Content-Type-Options"));
  HttpResponse job = router_.Handle(Request("GET", "/api/v1/job"));
  ASSERT_TRUE(job.deferred);
  std::atomic<bool> cancel{false};
  JobContext ctx{&cancel};
  Job run = std::move(job.deferred);
  run(ctx, job);
  EXPECT_EQ(job.status, 500);
  EXPECT_EQ(Code(job), "internal");
}

TEST(Utf8Test, ValidatesAndTruncatesAtCodePoints) {
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_TRUE(IsValidUtf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8("\xc0\xae"));          // overlong "."
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // a surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xe2\x82"));          // cut short
  const std::string euros = "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac";  // 9 bytes
  EXPECT_EQ(TruncateUtf8(euros, 9), euros);
  EXPECT_EQ(TruncateUtf8(euros, 8), "\xe2\x82\xac...");  // 3 kept bytes + "..."; never half a code point
  EXPECT_TRUE(IsValidUtf8(TruncateUtf8(euros, 7)));
}

TEST(BodyTest, DeepNestingIsRefusedAtParseNamingTheLimit) {
  const std::string deep = std::string(60000, '[') + std::string(60000, ']');
  Body body(deep, {"track"});
  ASSERT_FALSE(body.ok());
  EXPECT_EQ(body.error()->status, 400);
  EXPECT_EQ(body.error()->code, "bad_json");
  EXPECT_NE(body.error()->message.find("nested deeper than 64"), std::string::npos) << body.error()->message;
  Body twice(R"({"track": "a", "track": "b"})", {"track"});
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.error()->message.find("duplicate key"), std::string::npos) << twice.error()->message;
  Body shallow(std::string(10, '[') + std::string(10, ']'), {"track"});
  EXPECT_EQ(shallow.error()->code, "bad_json");  // parsed: an array is not an object
}

TEST(BodyTest, InvalidUtf8InAValueNeverThrows) {
  Body body("{\"track\": 7, \"x\xff\": 1}", {"track"});
  ASSERT_FALSE(body.ok());
  HttpResponse res;
  SendError(res, *body.error());
  EXPECT_TRUE(IsValidUtf8(res.body));
}

// An integer is read as the integer sent: 2^53 + 1 had become 2^53 through
// a double and passed a bound of 2^53 as another student's number; 2^64
// (which JSON reads as a double) was "not an integer".
TEST(BodyTest, IntegersAreComparedAsSent) {
  constexpr std::int64_t kMax = std::int64_t{1} << 53;
  const auto read = [](const std::string& value, std::int64_t* out) {
    Body body(R"({"student": )" + value + "}", {"student"});
    body.Integer("student", out, 1, kMax, true);
    return body.ok() ? ApiError{200, "", "", ""} : *body.error();
  };
  std::int64_t got = 0;
  EXPECT_EQ(read("9007199254740992", &got).status, 200);
  EXPECT_EQ(got, kMax);
  for (const char* over : {"9007199254740993", "18446744073709551615", "18446744073709551616", "1e300", "0"}) {
    const ApiError e = read(over, &got);
    EXPECT_EQ(e.status, 422) << over;
    EXPECT_EQ(e.field, "student") << over;
    EXPECT_EQ(e.message.rfind("student: must be between 1 and 9007199254740992 (got ", 0), 0u) << e.message;
  }
  EXPECT_EQ(read("2e3", &got).status, 200);
  EXPECT_EQ(got, 2000);
  for (const char* bad : {"1.5", "\"7\"", "true"}) EXPECT_EQ(read(bad, &got).status, 400) << bad;
}

}  // namespace
}  // namespace fleetlab::server
