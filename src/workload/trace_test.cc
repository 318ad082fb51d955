#include "fleetlab/workload/trace.h"

#include <string>

#include <gtest/gtest.h>

namespace fleetlab {
namespace {

TEST(TraceTest, ParsesHeaderCommentsAndRecords) {
  auto t = ParseCsvTrace("arrival_s,prompt_tokens,output_tokens\n# a comment\n0.5,100,20\n\n1.25, 7 ,3\r\n", "t.csv");
  ASSERT_TRUE(t.ok()) << t.status().message();
  ASSERT_EQ(t->size(), 2u);
  EXPECT_DOUBLE_EQ((*t)[1].arrival_s, 1.25);
  EXPECT_EQ((*t)[1].prompt_tokens, 7);
  EXPECT_EQ((*t)[1].output_tokens, 3);
}

TEST(TraceTest, MalformedLinesNameFileAndLine) {
  EXPECT_EQ(ParseCsvTrace("0.1,1,1\n0.2,1\n", "t.csv").status().message(),
            "t.csv:2: expected 3 comma-separated fields arrival_s,prompt_tokens,output_tokens (got \"0.2,1\")");
  EXPECT_EQ(ParseCsvTrace("0.1,x,1\n", "t.csv").status().message(),
            "t.csv:1: prompt_tokens must be an integer >= 0 (got \"0.1,x,1\")");
  EXPECT_EQ(ParseCsvTrace("0.5,1,1\n0.2,1,1\n", "t.csv").status().message(),
            "t.csv:2: arrival_s 0.2 is earlier than the previous line's 0.5; arrivals must not decrease");
  EXPECT_EQ(ParseCsvTrace("-1,1,1\n", "t.csv").status().message(),
            "t.csv:1: arrival_s must be a number between 0 and 1e6 (seconds, the longest time a scenario may give) "
            "(got \"-1,1,1\")");
  EXPECT_FALSE(ParseCsvTrace("# nothing\n", "t.csv").ok());
}

// Issue 10: from_chars reads "inf" and "1e300" as numbers; converted to ns
// they wrapped to about 0 and the trace replayed as a burst at time 0.
TEST(TraceTest, ArrivalsBeyondTheLongestTimeAreRefused) {
  for (const char* line : {"inf,1,1", "1e300,1,1", "nan,1,1", "1000000.5,1,1"}) {
    EXPECT_EQ(ParseCsvTrace(std::string("0,1,1\n") + line + "\n", "t.csv").status().message(),
              std::string("t.csv:2: arrival_s must be a number between 0 and 1e6 (seconds, the longest time a "
                          "scenario may give) (got \"") + line + "\")");
  }
  EXPECT_TRUE(ParseCsvTrace("0,1,1\n1000000,1,1\n", "t.csv").ok());  // 1e6 s itself is allowed
}

TEST(TraceTest, MissingFileIsNotFound) {
  auto t = LoadCsvTrace("/definitely/not/here.csv");
  EXPECT_EQ(t.status().code(), Status::Code::kNotFound);
}

}  // namespace
}  // namespace fleetlab

namespace fleetlab {
namespace {

TEST(AzureTraceTest, ParsesTimestampsRelativeToTheFirst) {
  auto t = ParseAzureTrace("TIMESTAMP,ContextTokens,GeneratedTokens\n"
                           "2023-11-16 18:15:46.6805900,4808,10\n"
                           "2023-11-16 18:15:50.0000000,3180,8\n"
                           "2023-11-17 00:00:00.5,10,1\n",
                           "azure.csv");
  ASSERT_TRUE(t.ok()) << t.status().message();
  ASSERT_EQ(t->size(), 3u);
  EXPECT_DOUBLE_EQ((*t)[0].arrival_s, 0.0);
  EXPECT_NEAR((*t)[1].arrival_s, 3.31941, 1e-6);
  // 18:15:46.68059 to midnight and half a second: 5 h 44 min 13.81941 s.
  EXPECT_NEAR((*t)[2].arrival_s, 5 * 3600 + 44 * 60 + 13.81941, 1e-6);
  EXPECT_EQ((*t)[0].prompt_tokens, 4808);
  EXPECT_EQ((*t)[0].output_tokens, 10);
}

// Issue 10: a later timestamp far in the future, or a "nan" second, was read
// as a time no clock holds.
TEST(AzureTraceTest, ATraceSpanningMoreThanTheLongestTimeIsRefused) {
  // 2023-11-16 to 2023-11-28 is 12 days, 1,036,800 s: beyond 1e6 s.
  EXPECT_EQ(ParseAzureTrace("2023-11-16 00:00:00,1,1\n2023-11-28 00:00:00,1,1\n", "a.csv").status().message(),
            "a.csv:2: 1.0368e+06 s after the first request; a trace may span at most 1e6 s (about 11.6 days, the "
            "longest time a scenario may give)");
  EXPECT_FALSE(ParseAzureTrace("2023-11-16 00:00:00,1,1\n9999-12-31 00:00:00,1,1\n", "a.csv").ok());
  EXPECT_TRUE(ParseAzureTrace("2023-11-16 00:00:00,1,1\n2023-11-27 00:00:00,1,1\n", "a.csv").ok());  // 11 days
  EXPECT_NE(ParseAzureTrace("2023-11-16 00:00:nan,1,1\n", "a.csv").status().message().find("a.csv:1: expected"),
            std::string::npos);
}

TEST(AzureTraceTest, MalformedLinesNameFileAndLine) {
  EXPECT_NE(ParseAzureTrace("TIMESTAMP,ContextTokens,GeneratedTokens\n2023-13-01 00:00:00,1,1\n", "a.csv")
                .status()
                .message()
                .find("a.csv:2: expected TIMESTAMP"),
            std::string::npos);
  EXPECT_NE(ParseAzureTrace("2023-01-01 00:00:00,1,-4\n", "a.csv").status().message().find("a.csv:1:"),
            std::string::npos);
}

}  // namespace
}  // namespace fleetlab
