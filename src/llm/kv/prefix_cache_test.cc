#include "llm/kv/prefix_cache.h"

#include <gtest/gtest.h>

namespace fleetlab {
namespace {

TEST(PrefixCacheTest, RegisteredBlocksAreFoundByKeyAndHeldByTheirHolders) {
  PrefixCache cache(8);
  EXPECT_EQ(cache.Find({1, 0}), kNoBlock);
  EXPECT_TRUE(cache.Register({1, 0}, 5, 100));
  EXPECT_EQ(cache.Find({1, 0}), 5);
  EXPECT_EQ(cache.Find({0, 1}), kNoBlock);  // (group, index) is not symmetric
  EXPECT_TRUE(cache.registered(5));
  EXPECT_FALSE(cache.registered(4));
  EXPECT_EQ(cache.holders(5), 1);
  cache.Acquire(5, 200);
  EXPECT_EQ(cache.holders(5), 2);
  EXPECT_EQ(cache.held_blocks(), 1);
  EXPECT_EQ(cache.cached_blocks(), 0);
}

TEST(PrefixCacheTest, ATakenKeyCannotBeRegisteredAgain) {
  PrefixCache cache(4);
  EXPECT_TRUE(cache.Register({3, 2}, 0, 1));
  EXPECT_FALSE(cache.Register({3, 2}, 1, 2));
  EXPECT_FALSE(cache.registered(1));
  EXPECT_EQ(cache.Find({3, 2}), 0);
}

TEST(PrefixCacheTest, OldestHolderIsTheLongestStanding) {
  PrefixCache cache(2);
  ASSERT_TRUE(cache.Register({1, 0}, 0, 30));
  cache.Acquire(0, 10);
  cache.Acquire(0, 20);
  EXPECT_EQ(cache.oldest_holder(0), 30u);
  cache.Release(0, 30);
  EXPECT_EQ(cache.oldest_holder(0), 10u);
  cache.Release(0, 20);
  EXPECT_EQ(cache.oldest_holder(0), 10u);
}

TEST(PrefixCacheTest, UnheldBlocksAreEvictedLeastRecentlyReleasedFirst) {
  PrefixCache cache(4);
  for (BlockId b = 0; b < 4; ++b) ASSERT_TRUE(cache.Register({9, b}, b, 1));
  cache.Release(2, 1);
  cache.Release(0, 1);
  cache.Release(3, 1);  // LRU: 2, 0, 3 (1 still held)
  EXPECT_EQ(cache.cached_blocks(), 3);
  EXPECT_EQ(cache.held_blocks(), 1);
  cache.Acquire(0, 7);  // off the list
  cache.Release(0, 7);  // LRU: 2, 3, 0
  EXPECT_EQ(cache.EvictLru(), 2);
  EXPECT_EQ(cache.Find({9, 2}), kNoBlock);
  EXPECT_FALSE(cache.registered(2));
  EXPECT_EQ(cache.EvictLru(), 3);
  EXPECT_EQ(cache.EvictLru(), 0);
  EXPECT_EQ(cache.cached_blocks(), 0);
  EXPECT_EQ(cache.Find({9, 1}), 1);
  // An evicted block can be registered again, under any key.
  EXPECT_TRUE(cache.Register({4, 0}, 2, 5));
  EXPECT_EQ(cache.Find({4, 0}), 2);
}

TEST(PrefixCacheTest, KeyHashIsStableAndMixesBothFields) {
  const PrefixKeyHash h;
  EXPECT_EQ(h({1, 2}), h({1, 2}));
  EXPECT_NE(h({1, 2}), h({2, 1}));
  EXPECT_NE(h({0, 0}), h({0, 1}));
}

}  // namespace
}  // namespace fleetlab
