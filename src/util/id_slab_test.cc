#include "util/id_slab.h"

#include <gtest/gtest.h>

namespace fleetlab {
namespace {

TEST(IdSlab, FindsEntriesAndReusesTheLastFreedSlot) {
  IdSlab<int> slab;
  slab.Add(10) = 1;
  slab.Add(20) = 2;
  EXPECT_EQ(slab.Find(10), 1);
  EXPECT_EQ(slab.Find(20), 2);
  slab.Remove(10);  // the memo (last found: 20) stays right
  EXPECT_FALSE(slab.Contains(10));
  EXPECT_EQ(slab.Find(20), 2);
  int& reused = slab.Add(30);
  EXPECT_EQ(reused, 1);  // 10's slot, as its occupant left it
  reused = 3;
  slab.Remove(20);  // the memo was 20: forgotten, not matched again
  slab.Add(20) = 4;
  EXPECT_EQ(slab.Find(20), 4);
  EXPECT_EQ(slab.Find(30), 3);
}

}  // namespace
}  // namespace fleetlab
