#include "fleetlab/util/number.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>

#include <gtest/gtest.h>

namespace fleetlab {
namespace {

// What std::from_chars (the reader ParseDouble replaces) makes of `s`.
bool FromChars(const std::string& s, double* out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

TEST(ParseDoubleTest, AgreesWithFromChars) {
  const char* inputs[] = {"0", "1", "-1", "3.25", "1e3", "1E-3", ".5", "5.", "-0", "0.1", "123456789.123456789",
                          "1.7976931348623157e308", "2.2250738585072014e-308", "4.9e-324", "inf", "-inf", "INF",
                          "infinity", "nan", "1e400", "-1e400", "1e-400", "", "+1", " 1", "1 ", "1,5", "0x10",
                          "-0x1p3", "abc", "-", "1e", "e5", "--1", "1.2.3", "nan(1)", "0e-5000"};
  for (const char* text : inputs) {
    double a = -7, b = -7;
    const bool ours = ParseDouble(text, &a);
    const bool theirs = FromChars(text, &b);
    EXPECT_EQ(ours, theirs) << '"' << text << '"';
    if (ours && theirs && !std::isnan(b)) EXPECT_EQ(a, b) << '"' << text << '"';
    if (ours && theirs && std::isnan(b)) EXPECT_TRUE(std::isnan(a)) << '"' << text << '"';
  }
}

TEST(ParseDoubleTest, RefusesAnEmbeddedNul) {
  double v = 0;
  EXPECT_FALSE(ParseDouble(std::string_view("1\0" "2", 3), &v));
}

TEST(ParseDoubleTest, RoundTripsEveryDigit) {
  for (double x : {0.1, 1.0 / 3, 6.02214076e23, 1e-300, 299792458.0}) {
    char text[64];
    std::snprintf(text, sizeof text, "%.17g", x);
    double back = 0;
    ASSERT_TRUE(ParseDouble(text, &back)) << text;
    EXPECT_EQ(back, x) << text;
  }
}

}  // namespace
}  // namespace fleetlab
