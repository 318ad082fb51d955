#include "fleetlab/scenario/parse.h"

#include <gtest/gtest.h>

namespace fleetlab {
namespace {

using nlohmann::json;

// Parses `text` and returns the error message ("" if it parsed).
std::string ErrorOf(const std::string& text) {
  auto s = ParseScenario(json::parse(text), "");
  return s.ok() ? "" : s.status().message();
}

TEST(ParseScenarioTest, EmptyObjectGivesTheDocumentedDefaults) {
  auto s = ParseScenario(json::object(), "");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->seed, 1u);
  EXPECT_EQ(s->workload.arrival.kind, ArrivalKind::kPoisson);
  EXPECT_DOUBLE_EQ(s->workload.arrival.rate_per_s, 90);
  EXPECT_EQ(s->station()->servers, 1u);
  EXPECT_DOUBLE_EQ(s->station()->service_s.Mean(), 0.010);
  EXPECT_FALSE(s->station()->queue_capacity.has_value());
}

TEST(ParseScenarioTest, ReadsEveryFieldWithUnits) {
  auto s = ParseScenario(json::parse(R"({
    "seed": 9, "workload": {"arrival": {"process": "gamma", "rate_per_s": 5, "cv": 2},
                             "requests": 100, "warmup_requests": 10},
    "station": {"servers": 3, "queue_capacity": 7,
                "service": {"distribution": "lognormal", "mean_ms": 4, "cv": 0.5},
                "batching": {"max_batch": 4, "window_ms": 2, "fixed_ms": 1, "per_item_ms": 0.5}},
    "limits": {"max_events": 1000}})"), "");
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->seed, 9u);
  EXPECT_EQ(s->workload.arrival.kind, ArrivalKind::kGamma);
  EXPECT_DOUBLE_EQ(s->workload.arrival.cv, 2);
  EXPECT_EQ(*s->station()->queue_capacity, 7u);
  EXPECT_DOUBLE_EQ(s->station()->service_s.Mean(), 0.004);
  EXPECT_DOUBLE_EQ(s->station()->batching.window_s, 0.002);
  EXPECT_DOUBLE_EQ(s->station()->batching.per_item_s, 0.0005);
  EXPECT_EQ(s->limits.max_events, 1000u);
}

TEST(ParseScenarioTest, ErrorsNameTheFieldAndTheAllowedValues) {
  EXPECT_EQ(ErrorOf(R"({"workload": {"arrival": {"rate_per_s": -3}}})"),
            "workload.arrival.rate_per_s: must be a rate between 1e-06 and 1e+09 per second (got -3)");
  EXPECT_EQ(ErrorOf(R"({"workload": {"arrival": {"rate_per_s": "fast"}}})"),
            "workload.arrival.rate_per_s: must be a rate between 1e-06 and 1e+09 per second (got \"fast\")");
  EXPECT_EQ(ErrorOf(R"({"station": {"servers": 2.5}})"),
            "station.servers: must be an integer between 1 and 100000 (got 2.5)");
  EXPECT_EQ(ErrorOf(R"({"workload": {"arrival": {"process": "gamma", "cv": 0}}})"),
            "workload.arrival.cv: must be a number between 0.001 and 100 (got 0)");
  EXPECT_EQ(ErrorOf(R"({"workload": {"arrival": {"process": "weibull"}}})"),
            "workload.arrival.process: must be one of \"poisson\", \"gamma\", \"deterministic\", \"on_off\", "
            "\"trace\" (got \"weibull\")");
  EXPECT_EQ(ErrorOf(R"({"station": {"service": {"distribution": "gamma", "mean_ms": 5, "cv": 0}}})"),
            "station.service.cv: must be a number between 0.001 and 100 (got 0)");
  EXPECT_EQ(ErrorOf(R"({"workload": {"requests": 10, "warmup_requests": 10}})"),
            "workload.warmup_requests: must be less than workload.requests (10) (got 10)");
  EXPECT_EQ(ErrorOf("[1, 2]"), "scenario: must be a JSON object (got [1,2])");
}

TEST(ParseScenarioTest, UnknownFieldsAreErrorsNotDefaults) {
  const std::string e = ErrorOf(R"({"station": {"server": 2}})");
  EXPECT_NE(e.find("station.server: unknown field"), std::string::npos) << e;
  EXPECT_NE(e.find("servers"), std::string::npos) << e;
  EXPECT_NE(ErrorOf(R"({"sead": 2})").find("sead: unknown field"), std::string::npos);
}

TEST(ParseScenarioTest, ALabObjectIsIgnoredButOtherUnknownFieldsAreNot) {
  auto s = ParseScenario(json::parse(R"({"seed": 4, "lab": {"title": "t", "anything": [1, 2]}})"), "");
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->seed, 4u);
  EXPECT_EQ(ErrorOf(R"({"labs": {}})"), "labs: unknown field; allowed fields here: deadline, description, "
                                          "disaggregation, fleet, lab, limits, name, path, replica, seed, station, "
                                          "workload");
}

// Found by the scenario_parse_fuzz target: a bare-word value that is not
// UTF-8 used to reach an error message that quoted it with json::dump, which
// threw (std::terminate in the CLI).
TEST(ParseScenarioTest, OverridesThatAreNotUtf8AreRefused) {
  for (const std::string& bad : {std::string("limits=\xc1"), std::string("limits.max_events.\xc1=1"),
                                std::string("name=ok\xff")}) {
    json doc = json::object();
    const Status s = ApplyOverride(doc, bad);
    EXPECT_FALSE(s.ok());
    EXPECT_EQ(s.message(), "--set: the assignment is not valid UTF-8");
  }
  json doc = json::object();
  EXPECT_TRUE(ApplyOverride(doc, "name=caf\xc3\xa9").ok());  // valid UTF-8 is fine
  EXPECT_EQ(doc["name"], "caf\xc3\xa9");
}

TEST(ParseScenarioTest, FieldsOfAnotherKindAreRejected) {
  EXPECT_EQ(ErrorOf(R"({"workload": {"arrival": {"process": "poisson", "cv": 2}}})"),
            "workload.arrival.cv: applies only when process is \"gamma\"");
  EXPECT_EQ(ErrorOf(R"({"station": {"service": {"distribution": "exponential", "mean_ms": 5, "cv": 2}}})"),
            "station.service.cv: applies only when distribution is one of \"gamma\", \"lognormal\" (it is "
            "\"exponential\")");
  EXPECT_EQ(ErrorOf(R"({"workload": {"closed": {"users": 3}}})"),
            "workload.closed: applies only when mode is \"closed\"");
}

TEST(ParseScenarioTest, MissingTraceFileNamesThePath) {
  const std::string e = ErrorOf(R"({"workload": {"arrival": {"process": "trace", "trace": "/nonexistent.csv"}}})");
  EXPECT_EQ(e, "workload.arrival.trace: /nonexistent.csv: cannot open the trace file");
}

TEST(ParseScenarioTest, ZeroTimeServiceIsRefused) {
  EXPECT_NE(ErrorOf(R"({"station": {"service": {"distribution": "deterministic", "mean_ms": 0}}})")
                .find("a batch would take no time"),
            std::string::npos);
}

TEST(OverrideTest, SetsNestedFieldsWithJsonValues) {
  json doc = json::parse(R"({"workload": {"arrival": {"rate_per_s": 1}}})");
  ASSERT_TRUE(ApplyOverride(doc, "workload.arrival.rate_per_s=95.5").ok());
  ASSERT_TRUE(ApplyOverride(doc, "station.servers=4").ok());
  ASSERT_TRUE(ApplyOverride(doc, "workload.arrival.process=gamma").ok());  // bare word: a string
  ASSERT_TRUE(ApplyOverride(doc, "station.queue_capacity=null").ok());
  EXPECT_EQ(doc["workload"]["arrival"]["rate_per_s"], 95.5);
  EXPECT_EQ(doc["station"]["servers"], 4);
  EXPECT_EQ(doc["workload"]["arrival"]["process"], "gamma");
  EXPECT_TRUE(doc["station"]["queue_capacity"].is_null());
}

TEST(OverrideTest, MalformedAssignmentsAreErrors) {
  json doc = json::object();
  EXPECT_FALSE(ApplyOverride(doc, "seed").ok());
  EXPECT_FALSE(ApplyOverride(doc, "=3").ok());
  EXPECT_FALSE(ApplyOverride(doc, "a..b=3").ok());
  doc["seed"] = 3;
  EXPECT_EQ(ApplyOverride(doc, "seed.x=1").message(), "--set seed.x=1: seed is not an object");
}

// Issue 10: the JSON bounds hold for --set values and paths as for files.
TEST(OverrideTest, OverridesAreBoundedLikeFiles) {
  json doc = json::object();
  EXPECT_EQ(ApplyOverride(doc, "workload.arrival.rate_per_s=1e400").message(),
            "--set workload.arrival.rate_per_s: line 1, column 1: the number 1e400 is beyond the range of a double "
            "(magnitude at most 1.8e308)");
  EXPECT_EQ(ApplyOverride(doc, "station.service={\"mean_ms\": 1, \"mean_ms\": 2}").message(),
            "--set station.service: line 1: duplicate key \"mean_ms\"");
  EXPECT_NE(ApplyOverride(doc, "name=" + std::string(65, '[') + std::string(65, ']')).message().find(
                "nested deeper than 64"), std::string::npos);
  EXPECT_TRUE(ApplyOverride(doc, "name=[unclosed").ok());  // not JSON: a bare word
  EXPECT_EQ(doc["name"], "[unclosed");
  std::string deep;
  for (int i = 0; i < 64; ++i) deep += "a.";
  EXPECT_EQ(ApplyOverride(doc, deep + "b=1").message(),
            "--set: the path has more than 64 fields; a scenario nests at most 64 deep");
}

TEST(OverrideTest, TyposInOverridesAreCaughtByTheParser) {
  json doc = json::object();
  ASSERT_TRUE(ApplyOverride(doc, "station.sevice.mean_ms=3").ok());
  auto s = ParseScenario(doc, "");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("station.sevice: unknown field"), std::string::npos);
}

}  // namespace
}  // namespace fleetlab
