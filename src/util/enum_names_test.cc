#include "fleetlab/util/enum_names.h"

#include <gtest/gtest.h>

namespace fleetlab {
namespace {

enum class Color { kRed, kGreen, kBlue };
// Out of declaration order on purpose: names come from the table, not positions.
constexpr auto kColorNames =
    MakeEnumNames<Color>({{Color::kBlue, "blue"}, {Color::kRed, "red"}, {Color::kGreen, "green"}});

TEST(EnumNamesTest, NameParseAndCountComeFromTheTable) {
  static_assert(kColorNames.size() == 3);
  static_assert(kColorNames.Parse("red") == Color::kRed);
  EXPECT_STREQ(kColorNames.Name(Color::kGreen), "green");
  EXPECT_EQ(kColorNames.Parse("blue"), Color::kBlue);
  EXPECT_FALSE(kColorNames.Parse("Blue").has_value());
  EXPECT_EQ(kColorNames.IndexOf(Color::kRed), 1u);
  EXPECT_EQ(kColorNames.Names(), (std::vector<std::string>{"blue", "red", "green"}));
  EXPECT_STREQ(kColorNames.Name(static_cast<Color>(7)), "unknown");
}

}  // namespace
}  // namespace fleetlab
