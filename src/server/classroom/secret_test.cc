#include "server/classroom/secret.h"

#include <set>

#include <gtest/gtest.h>

namespace fleetlab::server {
namespace {

TEST(ClassSecretTest, TokensAreBase64UrlOfTheRightLengthAndDiffer) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    auto t = RandomToken(24);
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(t->size(), 32u);  // 24 bytes = 192 bits = 32 characters of 6 bits
    for (char c : *t) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') << *t;
    seen.insert(*t);
  }
  EXPECT_EQ(seen.size(), 100u);
  EXPECT_EQ(RandomToken(16)->size(), 22u);  // 128 bits, the last character holding 2
}

TEST(ClassSecretTest, SameSecretComparesWholeStrings) {
  EXPECT_TRUE(SameSecret("abcdef", "abcdef"));
  EXPECT_FALSE(SameSecret("abcdeg", "abcdef"));
  EXPECT_FALSE(SameSecret("Abcdef", "abcdef"));
  EXPECT_FALSE(SameSecret("abcde", "abcdef"));    // a prefix
  EXPECT_FALSE(SameSecret("abcdefg", "abcdef"));  // longer
  EXPECT_FALSE(SameSecret("", "abcdef"));
  EXPECT_FALSE(SameSecret("", ""));  // an empty secret never matches
  EXPECT_FALSE(SameSecret(std::string("abc\0ef", 6), "abcdef"));
}

}  // namespace
}  // namespace fleetlab::server
