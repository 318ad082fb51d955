// The classroom's routes through the router, without sockets: validation
// with the field named, the token, CORS for the one site origin, rate
// limits, the summary and its ETag.
#include <filesystem>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "server/classroom/class_test_fixture.h"
#include "server/lab_app.h"

namespace fleetlab::server {
namespace {

using nlohmann::json;

constexpr const char* kToken = "instructor-token-for-tests-0123456789";
constexpr const char* kSite = "https://lab.example";

class ClassRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fleetlab::testing::MakeTempDir("classroutes");
    testing::WriteClassFixtureTracks(dir_ + "/tracks");
    options_.tracks_dir = dir_ + "/tracks";
    options_.classroom.code = "cs101";
    options_.classroom.db_path = dir_ + "/class.db";
    options_.classroom.instructor_token = kToken;
    options_.classroom.site_origin = "HTTPS://Lab.Example:443";  // canonicalised to kSite
  }
  void TearDown() override {
    app_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  void Start() {
    auto app = MakeLabApp(options_);
    ASSERT_TRUE(app.ok()) << app.status().message();
    app_ = std::move(app).value();
  }
  HttpResponse Send(const std::string& method, const std::string& path, const std::string& body = "",
                    std::vector<std::pair<std::string, std::string>> headers = {}) {
    HttpRequest r;
    r.method = method;
    r.raw_path = path;
    r.body = body;
    r.remote = remote_;
    r.headers = {{"host", "127.0.0.1:8080"}};
    if (method == "POST") r.headers.emplace_back("content-type", "application/json");
    for (auto& h : headers) r.headers.push_back(std::move(h));
    return app_->router.Handle(std::move(r));
  }
  HttpResponse Post(const std::string& path, const json& body, std::vector<std::pair<std::string, std::string>> h = {}) {
    return Send("POST", "/api/v1/class/" + path, body.dump(), std::move(h));
  }
  // Joins `nick`; returns {"student", "key"}.
  json Join(const std::string& nick) {
    HttpResponse res = Post("join", {{"code", "cs101"}, {"nickname", nick}});
    EXPECT_EQ(res.status, 201) << res.body;
    return json::parse(res.body);
  }
  json Events(const json& who, json events) {
    return {{"code", "cs101"}, {"student", who["student"]}, {"key", who["key"]}, {"events", std::move(events)}};
  }
  static json Lock(const std::string& id, const std::string& choice, const std::string& part = "part1") {
    return {{"id", id}, {"track", "fixture-track"}, {"part", part}, {"kind", "lock"}, {"choice", choice}};
  }
  HttpResponse Summary(std::vector<std::pair<std::string, std::string>> h = {{"authorization", std::string("Bearer ") + kToken}}) {
    return Send("GET", "/api/v1/class/summary", "", std::move(h));
  }

  std::string dir_, remote_ = "10.0.0.1";
  LabServerOptions options_;
  std::unique_ptr<LabApp> app_;
};

void ExpectError(const HttpResponse& res, int status, const std::string& code, const std::string& field) {
  EXPECT_EQ(res.status, status) << res.body;
  const json body = json::parse(res.body, nullptr, false);
  ASSERT_TRUE(body.contains("error")) << res.body;
  EXPECT_EQ(body["error"]["code"], code) << res.body;
  if (field.empty()) EXPECT_TRUE(body["error"]["field"].is_null()) << res.body;
  else EXPECT_EQ(body["error"]["field"], field) << res.body;
}

TEST_F(ClassRoutesTest, NoClassNoRoutes) {
  options_.classroom.code = "";
  Start();
  EXPECT_EQ(Send("GET", "/api/v1/class").status, 404);
  EXPECT_EQ(Post("join", {{"code", "cs101"}, {"nickname", "Ada"}}).status, 404);
}

TEST_F(ClassRoutesTest, BadOptionsStopTheServerNamingTheFlag) {
  for (const auto& [field, value, flag] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"code", "a b", "--class"}, {"code", "ab", "--class"}, {"origin", "https://lab.example/path", "--class-origin"},
           {"origin", "ftp://lab.example", "--class-origin"}, {"origin", "lab.example", "--class-origin"},
           {"db", dir_ + "/no/such/dir/x.db", "--class-db"}}) {
    LabServerOptions o = options_;
    if (field == "code") o.classroom.code = value;
    if (field == "origin") o.classroom.site_origin = value;
    if (field == "db") o.classroom.db_path = value;
    auto app = MakeLabApp(o);
    ASSERT_FALSE(app.ok()) << value;
    EXPECT_EQ(app.status().message().rfind(flag, 0), 0u) << app.status().message();
  }
}

TEST_F(ClassRoutesTest, JoinValidatesEveryField) {
  Start();
  ExpectError(Send("POST", "/api/v1/class/join", "not json"), 400, "bad_json", "");
  ExpectError(Post("join", {{"nickname", "Ada"}}), 400, "invalid_field", "code");
  ExpectError(Post("join", {{"code", 5}, {"nickname", "Ada"}}), 400, "invalid_field", "code");
  ExpectError(Post("join", {{"code", "cs102"}, {"nickname", "Ada"}}), 404, "not_found", "code");
  ExpectError(Post("join", {{"code", "cs101"}}), 400, "invalid_field", "nickname");
  ExpectError(Post("join", {{"code", "cs101"}, {"nickname", std::string(33, 'x')}}), 400, "invalid_field", "nickname");
  ExpectError(Post("join", {{"code", "cs101"}, {"nickname", "Ada"}, {"email", "a@b"}}), 400, "unknown_field", "email");
  ExpectError(Post("join", {{"code", "cs101"}, {"nickname", "Ada"}, {"key", std::string(65, 'k')}}), 400,
              "invalid_field", "key");
  const json ada = Join("Ada");
  EXPECT_EQ(ada["nickname"], "Ada");
  EXPECT_EQ(ada["bounds"]["max_reflection_chars"], 2000);
  ExpectError(Post("join", {{"code", "cs101"}, {"nickname", "ADA"}}), 409, "conflict", "nickname");
  HttpResponse again = Post("join", {{"code", "cs101"}, {"nickname", "Ada"}, {"key", ada["key"]}});
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(json::parse(again.body)["student"], ada["student"]);
}

TEST_F(ClassRoutesTest, TheClassIsBounded) {
  options_.classroom.bounds.max_students = 2;
  Start();
  Join("A1");
  Join("A2");
  ExpectError(Post("join", {{"code", "cs101"}, {"nickname", "A3"}}), 422, "limit_exceeded", "");
}

TEST_F(ClassRoutesTest, EventsAreCheckedStoredOnceAndBounded) {
  options_.classroom.bounds.max_events_per_student = 3;
  Start();
  const json ada = Join("Ada");
  json body = Events(ada, json::array({Lock("l1", "linear")}));
  HttpResponse ok = Post("events", body);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(json::parse(ok.body), (json{{"stored", 1}, {"duplicates", 0}, {"events_left", 2}}));
  HttpResponse retried = Post("events", body);
  EXPECT_EQ(json::parse(retried.body)["duplicates"], 1);
  json wrong_key = body;
  std::string key = ada["key"].get<std::string>();
  key[0] = key[0] == 'x' ? 'y' : 'x';  // always a different key (a key starting with 'x' made this flaky)
  wrong_key["key"] = key;
  ExpectError(Post("events", wrong_key), 403, "forbidden", "key");
  json other_student = body;
  other_student["student"] = ada["student"].get<int>() + 1;
  ExpectError(Post("events", other_student), 403, "forbidden", "key");
  json no_events = body;
  no_events.erase("events");
  ExpectError(Post("events", no_events), 400, "invalid_field", "events");
  ExpectError(Post("events", Events(ada, json::array({Lock("l2", "cubic")}))), 400, "invalid_field", "events[0].choice");
  ExpectError(Post("events", Events(ada, json::array({Lock("l2", "linear", "part7")}))), 404, "not_found",
              "events[0].part");
  json challenge = {{"id", "c1"}, {"track", "fixture-track"}, {"part", "part1"}, {"kind", "challenge"}, {"passed", true}};
  ExpectError(Post("events", Events(ada, json::array({challenge}))), 400, "invalid_field", "events[0].kind");
  challenge["part"] = "part3";
  EXPECT_EQ(Post("events", Events(ada, json::array({challenge}))).status, 200);
  ExpectError(Post("events", Events(ada, json::array({Lock("l3", "linear", "part2"), Lock("l4", "linear", "part3")}))),
              422, "limit_exceeded", "events");
  EXPECT_EQ(Post("events", Events(ada, json::array({Lock("l3", "linear", "part2")}))).status, 200);
}

TEST_F(ClassRoutesTest, WritesAreRateLimitedPerStudentAndPerAddress) {
  options_.classroom.bounds.student_burst = 3;
  options_.classroom.bounds.student_writes_per_s = 0.01;
  Start();
  const json ada = Join("Ada");
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Post("events", Events(ada, json::array({Lock(fmt::format("l{}", i), "linear")}))).status, 200);
  }
  HttpResponse limited = Post("events", Events(ada, json::array({Lock("l9", "linear")})));
  ExpectError(limited, 429, "rate_limited", "");
  EXPECT_TRUE(limited.HasHeader("Retry-After"));
  remote_ = "10.0.0.2";  // the same student from another address: still its own bucket
  ExpectError(Post("events", Events(ada, json::array({Lock("l9", "linear")}))), 429, "rate_limited", "");
  EXPECT_EQ(Post("events", Events(Join("Bob"), json::array({Lock("l9", "linear")}))).status, 200);
}

TEST_F(ClassRoutesTest, JoinsAreRateLimitedPerAddress) {
  options_.classroom.bounds.client_burst = 2;
  options_.classroom.bounds.client_writes_per_s = 0.01;
  Start();
  Join("A1");
  Join("A2");
  ExpectError(Post("join", {{"code", "cs101"}, {"nickname", "A3"}}), 429, "rate_limited", "");
  remote_ = "10.0.0.9";
  Join("A3");
}

TEST_F(ClassRoutesTest, TheSummaryNeedsTheTokenInTheHeader) {
  Start();
  ExpectError(Summary({}), 401, "unauthorized", "");
  ExpectError(Summary({{"authorization", "Bearer wrong"}}), 401, "unauthorized", "");
  ExpectError(Summary({{"authorization", kToken}}), 401, "unauthorized", "");  // no "Bearer "
  ExpectError(Summary({{"authorization", std::string("Bearer ") + kToken + "x"}}), 401, "unauthorized", "");
  // The token is never taken from the URL.
  EXPECT_EQ(Send("GET", std::string("/api/v1/class/summary/") + kToken).status, 404);
  EXPECT_TRUE(Summary({}).HasHeader("WWW-Authenticate"));
  EXPECT_EQ(Summary().status, 200);
}

TEST_F(ClassRoutesTest, TheSummaryCountsEachStudentsLatestEventAndHasAnETag) {
  Start();
  const json ada = Join("Ada"), bob = Join("Bob");
  ASSERT_EQ(Post("events", Events(ada, json::array({Lock("l1", "linear"), Lock("l2", "exponential")}))).status, 200);
  ASSERT_EQ(Post("events", Events(bob, json::array({Lock("l1", "exponential"),
      {{"id", "r1"}, {"track", "fixture-track"}, {"part", "part1"}, {"kind", "reveal"}, {"choice", "exponential"},
       {"value", 0}, {"match", true}},
      {{"id", "f1"}, {"track", "fixture-track"}, {"part", "part1"}, {"kind", "reflection"}, {"text", "it bends"}},
      {{"id", "c1"}, {"track", "fixture-track"}, {"part", "part3"}, {"kind", "challenge"}, {"passed", false}}}))).status, 200);
  HttpResponse res = Summary();
  ASSERT_EQ(res.status, 200) << res.body;
  const json s = json::parse(res.body);
  EXPECT_EQ(s["class"], "cs101");
  EXPECT_EQ(s["students"], 2);
  EXPECT_EQ(s["events"], 6);
  ASSERT_EQ(s["parts"].size(), 3u);
  const json& p1 = s["parts"][0];
  EXPECT_EQ(p1["locks"]["students"], 2);
  EXPECT_EQ(p1["locks"]["counts"], json::array({0, 2}));  // Ada's re-lock counts, not her first
  EXPECT_EQ(p1["reveals"]["students"], 1);
  EXPECT_EQ(p1["reveals"]["matched"], 1);
  EXPECT_EQ(p1["reflections"], json::parse(R"([{"nickname": "Bob", "text": "it bends", "at": ""}])"));
  EXPECT_EQ(s["parts"][2]["challenge"], (json{{"students", 1}, {"passed", 0}}));
  EXPECT_EQ(s["parts"][2]["has_challenge"], true);
  // Unchanged: 304 for the same ETag; a new event changes it.
  const std::string* etag = nullptr;
  for (const auto& [k, v] : res.headers) if (k == "ETag") etag = &v;
  ASSERT_NE(etag, nullptr);
  const std::string tag = *etag;
  auto conditional = [&] { return Summary({{"authorization", std::string("Bearer ") + kToken}, {"if-none-match", tag}}); };
  HttpResponse same = conditional();
  EXPECT_EQ(same.status, 304);
  EXPECT_TRUE(same.body.empty());
  ASSERT_EQ(Post("events", Events(ada, json::array({Lock("l3", "linear", "part2")}))).status, 200);
  EXPECT_EQ(conditional().status, 200);
}

TEST_F(ClassRoutesTest, OnlyTheSiteOriginGetsCors) {
  Start();
  // The browser's preflight from the site: allowed, with Private Network Access consent.
  HttpResponse pre = Send("OPTIONS", "/api/v1/class/events", "",
                          {{"origin", kSite}, {"access-control-request-method", "POST"},
                           {"access-control-request-private-network", "true"}});
  EXPECT_EQ(pre.status, 204);
  auto header = [](const HttpResponse& r, const std::string& name) {
    for (const auto& [k, v] : r.headers) if (k == name) return v;
    return std::string("<none>");
  };
  EXPECT_EQ(header(pre, "Access-Control-Allow-Origin"), kSite);
  EXPECT_EQ(header(pre, "Access-Control-Allow-Methods"), "POST");
  EXPECT_EQ(header(pre, "Access-Control-Allow-Headers"), "Content-Type");
  EXPECT_EQ(header(pre, "Access-Control-Allow-Private-Network"), "true");
  // Another origin: no preflight, its POST refused, no CORS header anywhere.
  EXPECT_EQ(Send("OPTIONS", "/api/v1/class/events", "", {{"origin", "https://evil.example"}}).status, 405);
  HttpResponse evil = Post("join", {{"code", "cs101"}, {"nickname", "Eve"}}, {{"origin", "https://evil.example"}});
  ExpectError(evil, 403, "forbidden", "");
  EXPECT_EQ(header(evil, "Access-Control-Allow-Origin"), "<none>");
  EXPECT_EQ(Post("join", {{"code", "cs101"}, {"nickname", "Eve"}}, {{"origin", "http://lab.example"}}).status, 403);
  // The site's POST is served and readable; errors too.
  HttpResponse joined = Post("join", {{"code", "cs101"}, {"nickname", "Sam"}}, {{"origin", kSite}});
  EXPECT_EQ(joined.status, 201) << joined.body;
  EXPECT_EQ(header(joined, "Access-Control-Allow-Origin"), kSite);
  EXPECT_EQ(header(joined, "Vary"), "Origin");
  HttpResponse bad = Post("join", {{"code", "cs101"}}, {{"origin", kSite}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(header(bad, "Access-Control-Allow-Origin"), kSite);
  // The instructor's summary and the lab's own routes never allow the site.
  EXPECT_EQ(Send("OPTIONS", "/api/v1/class/summary", "", {{"origin", kSite}}).status, 405);
  HttpResponse summary = Summary({{"authorization", std::string("Bearer ") + kToken}, {"origin", kSite}});
  EXPECT_EQ(header(summary, "Access-Control-Allow-Origin"), "<none>");
  EXPECT_EQ(Send("POST", "/api/v1/run", "{}", {{"origin", kSite}}).status, 403);
  // The lab's own page (same origin) needs no CORS.
  EXPECT_EQ(Post("join", {{"code", "cs101"}, {"nickname", "Own"}}, {{"origin", "http://127.0.0.1:8080"}}).status, 201);
}

TEST_F(ClassRoutesTest, WithoutASiteOriginNoOtherPageMayWrite) {
  options_.classroom.site_origin = "";
  Start();
  EXPECT_EQ(Send("OPTIONS", "/api/v1/class/join", "", {{"origin", kSite}}).status, 405);
  ExpectError(Post("join", {{"code", "cs101"}, {"nickname", "Sam"}}, {{"origin", kSite}}), 403, "forbidden", "");
}

}  // namespace
}  // namespace fleetlab::server
