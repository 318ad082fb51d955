#include "fleetlab/random/stream_ids.h"

#include <set>
#include <string>

#include <gtest/gtest.h>

namespace fleetlab {
namespace {

// Every id has its own name (two ids sharing a name would share a stream).
TEST(StreamIdsTest, NamesAreDistinctAndNonEmpty) {
  std::set<std::string> names;
  for (const auto& e : kStreamIdNames.entries) {
    EXPECT_FALSE(std::string(e.name).empty());
    EXPECT_TRUE(names.insert(e.name).second) << e.name;
  }
  EXPECT_EQ(names.size(), kStreamIdNames.size());
  EXPECT_EQ(kStreamIdNames.size(), static_cast<std::size_t>(StreamId::kValidationSample) + 1);
}

// The names seed the streams: they are the ones runs have always used, so
// every golden report draws the same numbers.
TEST(StreamIdsTest, NamesAreTheSeedingNames) {
  EXPECT_STREQ(kStreamIdNames.Name(StreamId::kService), "service");
  EXPECT_STREQ(kStreamIdNames.Name(StreamId::kThinkTime), "think_time");
  EXPECT_STREQ(kStreamIdNames.Name(StreamId::kPrefillRouting), "prefill_routing");
}

}  // namespace
}  // namespace fleetlab
