#include "util/flat_id_map.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <unordered_map>
#include <vector>

namespace fleetlab {
namespace {

TEST(FlatIdMap, FindsWhatWasInsertedAndNothingElse) {
  FlatIdMap m;
  EXPECT_EQ(m.Find(7), FlatIdMap::kAbsent);
  m.Insert(7, 70);
  m.Insert(0, 1);
  EXPECT_EQ(m.Find(7), 70u);
  EXPECT_EQ(m.Find(0), 1u);
  EXPECT_EQ(m.Find(8), FlatIdMap::kAbsent);
  m.Erase(7);
  EXPECT_EQ(m.Find(7), FlatIdMap::kAbsent);
  EXPECT_EQ(m.Find(0), 1u);
  EXPECT_EQ(m.size(), 1u);
}

// Random inserts and erases against std::unordered_map, with ids drawn from
// a small range (long probe runs, wrap-around at the array's end, erases in
// the middle of runs) and from multiples of 2^40 (ids whose low bits agree).
TEST(FlatIdMap, AgreesWithUnorderedMapUnderChurn) {
  for (const std::uint64_t stride : {std::uint64_t{1}, std::uint64_t{1} << 40}) {
    std::mt19937_64 rng(42);
    FlatIdMap m;
    std::unordered_map<std::uint64_t, std::uint32_t> ref;
    std::vector<std::uint64_t> live;
    for (int op = 0; op < 200'000; ++op) {
      const bool insert = live.empty() || (rng() % 100) < (live.size() < 300 ? 60u : 40u);
      if (insert) {
        const std::uint64_t id = (rng() % 1000) * stride;
        if (ref.contains(id)) continue;
        const auto index = static_cast<std::uint32_t>(rng() % 1'000'000);
        m.Insert(id, index);
        ref[id] = index;
        live.push_back(id);
      } else {
        const std::size_t k = rng() % live.size();
        m.Erase(live[k]);
        ref.erase(live[k]);
        live[k] = live.back();
        live.pop_back();
      }
      ASSERT_EQ(m.size(), ref.size());
      if (op % 64 == 0) {
        for (std::uint64_t i = 0; i < 1000; ++i) {
          const auto it = ref.find(i * stride);
          ASSERT_EQ(m.Find(i * stride), it == ref.end() ? FlatIdMap::kAbsent : it->second) << "op " << op;
        }
      }
    }
  }
}

}  // namespace
}  // namespace fleetlab
