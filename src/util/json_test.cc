#include "fleetlab/util/json.h"

#include <string>

#include <gtest/gtest.h>

namespace fleetlab {
namespace {

std::string Error(const std::string& text, const std::string& what = "f.json", JsonError* kind = nullptr) {
  auto doc = ParseJsonText(text, what, kind);
  return doc.ok() ? "" : doc.status().message();
}

TEST(ParseJsonText, ReadsADocument) {
  JsonError kind = JsonError::kSyntax;
  auto doc = ParseJsonText(R"({"a": [1, 2.5, "x", true, null], "b": {"c": -3}})", "f.json", &kind);
  ASSERT_TRUE(doc.ok()) << doc.status().message();
  EXPECT_EQ(kind, JsonError::kNone);
  EXPECT_EQ((*doc)["a"][1].get<double>(), 2.5);
  EXPECT_EQ((*doc)["b"]["c"].get<int>(), -3);
  EXPECT_TRUE((*doc)["a"][4].is_null());
}

TEST(ParseJsonText, SyntaxErrorNamesLineAndColumn) {
  // The second comma is the 12th character of line 1.
  JsonError kind = JsonError::kNone;
  const std::string e = Error(R"({"seed": 1,,})", "f.json", &kind);
  EXPECT_EQ(e.rfind("f.json: not valid JSON: line 1, column 12: ", 0), 0u) << e;
  EXPECT_EQ(kind, JsonError::kSyntax);
  // The unexpected "b" is read to its closing quote, the 5th character of line 3.
  EXPECT_EQ(Error("{\n  \"a\": 1\n  \"b\": 2}").rfind("f.json: not valid JSON: line 3, column 5: ", 0), 0u)
      << Error("{\n  \"a\": 1\n  \"b\": 2}");
  EXPECT_NE(Error(R"({"a": 1} x)").find("not valid JSON"), std::string::npos);  // nothing may follow
  EXPECT_NE(Error("").find("not valid JSON"), std::string::npos);
}

TEST(ParseJsonText, SixtyFourLevelsAreAllowedSixtyFiveAreNot) {
  EXPECT_TRUE(ParseJsonText(std::string(64, '[') + std::string(64, ']'), "f").ok());
  JsonError kind = JsonError::kNone;
  // The 65th '[' is the 65th character.
  EXPECT_EQ(Error(std::string(65, '[') + std::string(65, ']'), "f.json", &kind),
            "f.json: line 1, column 65: nested deeper than 64 arrays and objects (the most allowed)");
  EXPECT_EQ(kind, JsonError::kTooDeep);
  // Objects count as levels too: {"a": sixty-four more.
  std::string objects;
  for (int i = 0; i < 65; ++i) objects += "{\"a\":";
  EXPECT_NE(Error(objects + "1" + std::string(65, '}')).find("nested deeper than 64"), std::string::npos);
}

TEST(ParseJsonText, AHundredThousandLevelsAreRefusedWithoutBuildingThem) {
  // Before the bound, dumping or destroying this document overflowed the stack.
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_NE(Error(deep).find("line 1, column 65: nested deeper than 64"), std::string::npos);
  EXPECT_NE(Error(std::string(100000, '[')).find("nested deeper than 64"), std::string::npos);  // unterminated too
}

TEST(ParseJsonText, DuplicateKeyIsRefusedWithItsLine) {
  JsonError kind = JsonError::kNone;
  EXPECT_EQ(Error("{\n  \"a\": 1,\n  \"a\": 2\n}", "f.json", &kind), "f.json: line 3: duplicate key \"a\"");
  EXPECT_EQ(kind, JsonError::kDuplicateKey);
  EXPECT_TRUE(ParseJsonText(R"({"a": {"a": 1}, "b": [{"a": 1}, {"a": 2}]})", "f").ok());  // different objects
  EXPECT_EQ(Error(R"({"x": {"b": 1, "b": 2}})"), "f.json: line 1: duplicate key \"b\"");
}

TEST(ParseJsonText, NumberBeyondDoubleRangeIsAClearError) {
  JsonError kind = JsonError::kNone;
  // 1e400 starts at the 15th character.
  EXPECT_EQ(Error(R"({"rate_per_s":1e400})", "f.json", &kind),
            "f.json: line 1, column 15: the number 1e400 is beyond the range of a double (magnitude at most 1.8e308)");
  EXPECT_EQ(kind, JsonError::kNumberRange);
  EXPECT_NE(Error("[-1e400]").find("the number -1e400 is beyond"), std::string::npos);
  EXPECT_NE(Error("1" + std::string(400, '0')).find("is beyond the range of a double"), std::string::npos);
  EXPECT_TRUE(ParseJsonText("[1e308, -1e308, 1e-400]", "f").ok());  // large but finite; underflow is 0
}

TEST(ParseJsonText, AnEmptyNameLeavesTheMessageBare) {
  EXPECT_EQ(Error(R"({"a": 1, "a": 1})", ""), "line 1: duplicate key \"a\"");
}

}  // namespace
}  // namespace fleetlab
