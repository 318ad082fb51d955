#include "fleetlab/workload/trace.h"

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
            "t.csv:1: arrival_s must be a number >= 0 (got \"-1,1,1\")");
  EXPECT_FALSE(ParseCsvTrace("# nothing\n", "t.csv").ok());
}

TEST(TraceTest, MissingFileIsNotFound) {
  auto t = LoadCsvTrace("/definitely/not/here.csv");
  EXPECT_EQ(t.status().code(), Status::Code::kNotFound);
}

}  // namespace
}  // namespace fleetlab
