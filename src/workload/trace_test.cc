// Every trace format round-tripped through a small file the test writes,
// columns found by name, and errors that name file:line:column.
#include "fleetlab/workload/trace.h"

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "workload/trace_text.h"

namespace fleetlab {
namespace {

// The records the round trips write: arrivals (s after the first), lengths.
const std::vector<TraceRecord> kRecords = {{0.0, 4808, 10}, {0.25, 3180, 8}, {0.25, 12, 0}, {3.5, 90000, 1234}};

std::string WriteTemp(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

TraceTable Load(const std::string& name, const std::string& text, TraceFormat format) {
  TraceReadOptions o;
  o.format = format;
  auto t = LoadTrace(WriteTemp(name, text), o);
  EXPECT_TRUE(t.ok()) << t.status().message();
  return t.ok() ? std::move(t).value() : TraceTable{};
}

void ExpectRecords(const TraceTable& t) {
  ASSERT_EQ(t.records.size(), kRecords.size());
  for (std::size_t i = 0; i < kRecords.size(); ++i) {
    EXPECT_NEAR(t.records[i].arrival_s, kRecords[i].arrival_s, 1e-9) << i;
    EXPECT_EQ(t.records[i].prompt_tokens, kRecords[i].prompt_tokens) << i;
    EXPECT_EQ(t.records[i].output_tokens, kRecords[i].output_tokens) << i;
  }
}

std::string Message(std::string_view text, TraceFormat format, const std::string& name = "t") {
  TraceReadOptions o;
  o.format = format;
  auto t = ParseTrace(text, name, o);
  return t.ok() ? "ok" : t.status().message();
}

TEST(TraceTest, FleetlabCsvRoundTripsWithAndWithoutHeader) {
  std::string body;
  for (const auto& r : kRecords) body += fmt::format("{},{},{}\n", r.arrival_s, r.prompt_tokens, r.output_tokens);
  ExpectRecords(Load("a.csv", body, TraceFormat::kFleetlab));
  ExpectRecords(Load("b.csv", "# a comment\narrival_s,prompt_tokens,output_tokens\n\n" + body, TraceFormat::kFleetlab));
  // A header places the columns by name: output first here.
  std::string swapped = "output_tokens,arrival_s,prompt_tokens,extra\n";
  for (const auto& r : kRecords) swapped += fmt::format("{},{},{},x\n", r.output_tokens, r.arrival_s, r.prompt_tokens);
  ExpectRecords(Load("c.csv", swapped, TraceFormat::kFleetlab));
}

TEST(TraceTest, AzureRoundTripsBothYearsAndReadsColumnsByName) {
  // 2023: seven fractional digits, no zone. 2024: microseconds and +00:00.
  const std::string t23[] = {"2023-11-16 18:15:46.6805900", "2023-11-16 18:15:46.9305900",
                             "2023-11-16 18:15:46.9305900", "2023-11-16 18:15:50.1805900"};
  const std::string t24[] = {"2024-05-10 00:00:00.009930+00:00", "2024-05-10 00:00:00.259930+00:00",
                             "2024-05-10 00:00:00.259930+00:00", "2024-05-10 00:00:03.509930+00:00"};
  std::string a = "TIMESTAMP,ContextTokens,GeneratedTokens\n", b = a;
  // Issue 15: a header with the two counts swapped was read by position: 72 s E2E, no error.
  std::string swapped = "TIMESTAMP,GeneratedTokens,ContextTokens\n";
  for (std::size_t i = 0; i < kRecords.size(); ++i) {
    a += fmt::format("{},{},{}\n", t23[i], kRecords[i].prompt_tokens, kRecords[i].output_tokens);
    b += fmt::format("{},{},{}\r\n", t24[i], kRecords[i].prompt_tokens, kRecords[i].output_tokens);
    swapped += fmt::format("{},{},{}\n", t24[i], kRecords[i].output_tokens, kRecords[i].prompt_tokens);
  }
  ExpectRecords(Load("az23.csv", a, TraceFormat::kAzure));
  ExpectRecords(Load("az24.csv", b, TraceFormat::kAzure));
  ExpectRecords(Load("swapped.csv", swapped, TraceFormat::kAzure));
}

TEST(TraceTest, AzureTimestampsCrossDaysAndZones) {
  auto t = ParseTrace("TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.68059,1,1\n"
                      "2023-11-17 00:00:00.5,1,1\n2023-11-17T01:00:00.5+01:00,1,1\n2023-11-17 00:00:01.5Z,1,1\n",
                      "az", {TraceFormat::kAzure});
  ASSERT_TRUE(t.ok()) << t.status().message();
  // 18:15:46.68059 to midnight and half a second: 5 h 44 min 13.81941 s;
  // 01:00 at +01:00 is midnight UTC.
  EXPECT_NEAR(t->records[1].arrival_s, 5 * 3600 + 44 * 60 + 13.81941, 1e-9);
  EXPECT_NEAR(t->records[2].arrival_s, t->records[1].arrival_s, 1e-9);
  EXPECT_NEAR(t->records[3].arrival_s, t->records[1].arrival_s + 1, 1e-9);
}

TEST(TraceTest, BurstGptRoundTripsIgnoringOtherColumns) {
  std::string text = "Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n";
  for (const auto& r : kRecords) {
    text += fmt::format("{},ChatGPT,{},{},{},Conversation log\n", 5 + r.arrival_s, r.prompt_tokens, r.output_tokens,
                        r.prompt_tokens + r.output_tokens);
  }
  ExpectRecords(Load("burst.csv", text, TraceFormat::kBurstGpt));
}

TEST(TraceTest, MooncakeRoundTripsWithHashIds) {
  std::string text;
  for (std::size_t i = 0; i < kRecords.size(); ++i) {
    const auto& r = kRecords[i];
    text += fmt::format("{{\"timestamp\": {}, \"input_length\": {}, \"output_length\": {}, \"hash_ids\": [0, {}]}}\n",
                        27482 + r.arrival_s * 1000, r.prompt_tokens, r.output_tokens, 10 + i);
  }
  const TraceTable t = Load("moon.jsonl", text, TraceFormat::kMooncake);
  ExpectRecords(t);
  ASSERT_EQ(t.hashes.size(), 8u);
  EXPECT_EQ(t.records[2].hash_begin, 4u);
  EXPECT_EQ(t.records[2].hash_count, 2u);
  EXPECT_EQ(t.hashes[4], 0u);
  EXPECT_EQ(t.hashes[5], 12u);
}

TEST(TraceTest, VllmJsonlTakesCountsOrEstimatesFromText) {
  std::string text;
  for (const auto& r : kRecords) text += fmt::format("{{\"prompt_tokens\": {}, \"output_tokens\": {}}}\n", r.prompt_tokens, r.output_tokens);
  const TraceTable t = Load("custom.jsonl", text, TraceFormat::kVllmJsonl);
  ASSERT_EQ(t.records.size(), 4u);
  EXPECT_EQ(t.records[3].prompt_tokens, 90000);
  EXPECT_EQ(t.records[3].output_tokens, 1234);
  // 10 characters at 4 per token: ceil(2.5) = 3; "é" is one character of two bytes;
  // no output_tokens: the default, vLLM's 256.
  auto e = ParseTrace("{\"prompt\": \"abcdefghij\", \"output_tokens\": 7}\n{\"prompt\": \"\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\"}\n",
                      "c", {TraceFormat::kVllmJsonl});
  ASSERT_TRUE(e.ok()) << e.status().message();
  EXPECT_EQ(e->records[0].prompt_tokens, 3);
  EXPECT_EQ(e->records[0].output_tokens, 7);
  EXPECT_EQ(e->records[1].prompt_tokens, 2);  // 5 characters
  EXPECT_EQ(e->records[1].output_tokens, 256);
}

TEST(TraceTest, ShareGptTakesTheFirstTwoTurnsAndSkipsShortConversations) {
  std::string text = "[\n";
  for (const auto& r : kRecords) {
    text += fmt::format("  {{\"id\": \"x,]\\\"\", \"conversations\": [{{\"from\": \"human\", \"value\": \"{}\"}}, "
                        "{{\"from\": \"gpt\", \"value\": \"{}\"}}, {{\"from\": \"human\", \"value\": \"more\"}}]}},\n",
                        std::string(static_cast<std::size_t>(r.prompt_tokens) * 4, 'p'),
                        std::string(static_cast<std::size_t>(std::max(r.output_tokens, 1)) * 4, 'o'));
  }
  text += "  {\"id\": \"short\", \"conversations\": [{\"from\": \"human\", \"value\": \"alone\"}]}\n]\n";
  const TraceTable t = Load("sharegpt.json", text, TraceFormat::kShareGpt);
  ASSERT_EQ(t.records.size(), 4u);
  EXPECT_EQ(t.skipped, 1u);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(t.records[i].prompt_tokens, kRecords[i].prompt_tokens);
    EXPECT_EQ(t.records[i].output_tokens, std::max(kRecords[i].output_tokens, 1));
  }
}

TEST(TraceTest, ErrorsNameFileLineAndColumn) {
  EXPECT_EQ(Message("0.1,1,1\n0.2,1\n", TraceFormat::kFleetlab, "t.csv"),
            "t.csv:2:5: expected 3 comma-separated fields, found 2 (got \"0.2,1\")");
  EXPECT_EQ(Message("0.1,x,1\n", TraceFormat::kFleetlab, "t.csv"),
            "t.csv:1:5: prompt_tokens must be an integer >= 0 (got \"0.1,x,1\")");
  EXPECT_EQ(Message("0.5,1,1\n0.2,1,1\n", TraceFormat::kFleetlab, "t.csv"),
            "t.csv:2:1: arrival 0.2 s is earlier than the previous line's 0.5 s; arrivals must not decrease (got "
            "\"0.2,1,1\")");
  EXPECT_EQ(Message("TIMESTAMP,ContextTokens\n", TraceFormat::kAzure, "a.csv"),
            "a.csv:1:1: the header must name the columns TIMESTAMP, ContextTokens, GeneratedTokens (in any order); "
            "\"GeneratedTokens\" is missing (got \"TIMESTAMP,ContextTokens\")");
  EXPECT_EQ(Message("TIMESTAMP,ContextTokens,GeneratedTokens\n2023-13-01 00:00:00,1,1\n", TraceFormat::kAzure, "a.csv"),
            "a.csv:2:1: TIMESTAMP must be a date and time such as \"2023-11-16 18:15:46.6805900\" or "
            "\"2024-05-10 00:00:00.009930+00:00\" (got \"2023-13-01 00:00:00,1,1\")");
  EXPECT_EQ(Message("{\"timestamp\": 0, \"input_length\": 5}\n{\"timestamp\": 1, \"input_length\": 5, \"output_length\": -2}\n",
                    TraceFormat::kMooncake, "m.jsonl"),
            "m.jsonl:1:1: \"output_length\" is missing (an integer >= 0) (got \"{\"timestamp\": 0, \"input_length\": 5}\")");
  EXPECT_NE(Message("{\"timestamp\": 0, \"input_length\": 5, \"output_length\": 1}\n{\"timestamp\": 1,, }\n",
                    TraceFormat::kMooncake, "m.jsonl")
                .find("m.jsonl:2:17: not valid JSON: "),
            std::string::npos);
  EXPECT_NE(Message("[{\"conversations\": []},\n {\"conversations\": 3}]", TraceFormat::kShareGpt, "s.json")
                .find("s.json:2:2: each conversation needs \"conversations\""),
            std::string::npos);
  EXPECT_EQ(Message("# nothing\n", TraceFormat::kFleetlab, "t.csv"), "t.csv: the trace holds no requests (fleetlab format)");
}

// Issue 15: a wrong-format error echoed a whole 1.85 MB line.
TEST(TraceTest, ErrorsQuoteAtMost200Characters) {
  const std::string huge = "{\"timestamp\": \"x\", \"pad\": \"" + std::string(2'000'000, 'z') + "\"}\n";
  const std::string m = Message(huge, TraceFormat::kMooncake, "m.jsonl");
  EXPECT_LT(m.size(), 400u) << m.substr(0, 400);
  EXPECT_NE(m.find("... (1999829 more characters)"), std::string::npos) << m.substr(0, 400);
  EXPECT_EQ(trace_internal::Excerpt(std::string(200, 'a')), std::string(200, 'a'));
  // A cut never splits a UTF-8 character: 201 two-byte characters keep 200.
  std::string e;
  for (int i = 0; i < 201; ++i) e += "\xC3\xA9";
  EXPECT_EQ(trace_internal::Excerpt(e), e.substr(0, 400) + "... (1 more characters)");
}

// Issue 10: from_chars reads "inf" and "1e300" as numbers; converted to ns
// they wrapped to about 0 and the trace replayed as a burst at time 0.
TEST(TraceTest, ArrivalsBeyondTheLongestTimeAreRefused) {
  for (const char* line : {"inf,1,1", "1e300,1,1", "nan,1,1", "1000000.5,1,1"}) {
    EXPECT_EQ(Message(std::string("0,1,1\n") + line + "\n", TraceFormat::kFleetlab, "t.csv"),
              std::string("t.csv:2:1: arrival_s must be a number between 0 and 1e6 (seconds, the longest time a "
                          "scenario may give) (got \"") + line + "\")");
  }
  EXPECT_EQ(Message("0,1,1\n1000000,1,1\n", TraceFormat::kFleetlab), "ok");  // 1e6 s itself is allowed
  EXPECT_NE(Message("TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 00:00:00,1,1\n9999-12-31 00:00:00,1,1\n",
                    TraceFormat::kAzure, "a.csv").find("a.csv:3:1: 2.5"),
            std::string::npos);
  EXPECT_NE(Message("TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 00:00:nan,1,1\n", TraceFormat::kAzure, "a.csv")
                .find("a.csv:2:1: TIMESTAMP must be"),
            std::string::npos);
}

TEST(TraceTest, WindowAndSpeedupSelectAndScale) {
  TraceTable t;
  for (double s : {0.0, 10.0, 20.0, 30.0, 40.0}) t.records.push_back({s, 1, 1});
  ASSERT_TRUE(ApplyTraceWindow({10, 30, 2}, "w", &t).ok());
  ASSERT_EQ(t.records.size(), 2u);  // 10 and 20; 30 is past the end
  EXPECT_DOUBLE_EQ(t.records[0].arrival_s, 0);
  EXPECT_DOUBLE_EQ(t.records[1].arrival_s, 5);  // (20 - 10) / 2
  EXPECT_EQ(ApplyTraceWindow({100, 200, 1}, "w", &t).message(),
            "w: no request arrives in the window [100, 200) s after the trace's first");
  // A 12-day trace is too long to replay whole, but a day of it, or all of it 2x faster, is not.
  TraceTable week;
  week.records = {{0, 1, 1}, {12 * 86400.0, 1, 1}};
  TraceTable copy = week;
  EXPECT_NE(ApplyTraceWindow({}, "trace", &copy).message().find("trace: the replay would span 1.0368e+06 s"),
            std::string::npos);
  copy = week;
  EXPECT_TRUE(ApplyTraceWindow({0, 86400, 1}, "w", &copy).ok());
  EXPECT_TRUE(ApplyTraceWindow({0, std::numeric_limits<double>::infinity(), 2}, "w", &week).ok());
  EXPECT_DOUBLE_EQ(week.records[1].arrival_s, 6 * 86400.0);
}

TEST(TraceTest, MissingFileIsNotFound) {
  auto t = LoadTrace("/definitely/not/here.csv", {});
  EXPECT_EQ(t.status().code(), Status::Code::kNotFound);
}

}  // namespace
}  // namespace fleetlab
