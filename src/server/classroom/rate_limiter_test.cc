#include "server/classroom/rate_limiter.h"

#include <gtest/gtest.h>

namespace fleetlab::server {
namespace {

TEST(ClassRateLimiterTest, ABurstThenTheSustainedRate) {
  RateLimiter limiter(2.0, 5, 100);  // 2 a second, 5 at once
  for (int i = 0; i < 5; ++i) EXPECT_EQ(limiter.Take("a", 10.0), 0) << i;
  const double wait = limiter.Take("a", 10.0);
  EXPECT_NEAR(wait, 0.5, 1e-9);  // one token comes back in 1/2 s
  EXPECT_GT(limiter.Take("a", 10.25), 0);  // half a token: still refused
  EXPECT_EQ(limiter.Take("a", 10.5), 0);   // one token
  EXPECT_GT(limiter.Take("a", 10.5), 0);
  EXPECT_EQ(limiter.Take("b", 10.5), 0);  // another key has its own bucket
}

TEST(ClassRateLimiterTest, RefillStopsAtTheBurst) {
  RateLimiter limiter(1.0, 3, 100);
  EXPECT_EQ(limiter.Take("a", 0), 0);
  // An hour later the bucket holds 3, not 3,600.
  int allowed = 0;
  for (int i = 0; i < 10; ++i) allowed += limiter.Take("a", 3600.0) == 0;
  EXPECT_EQ(allowed, 3);
}

TEST(ClassRateLimiterTest, KeysAreBoundedAndRefilledOnesMakeRoom) {
  RateLimiter limiter(1.0, 2, 2);
  EXPECT_EQ(limiter.Take("a", 0), 0);
  EXPECT_EQ(limiter.Take("b", 0), 0);
  EXPECT_GT(limiter.Take("c", 0), 0);   // two partly used buckets held: a third key is refused
  EXPECT_EQ(limiter.Take("c", 5.0), 0);  // a and b have refilled: dropped, c gets a bucket
}

}  // namespace
}  // namespace fleetlab::server
