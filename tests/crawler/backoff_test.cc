#include "crawler/backoff.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace meetleak::crawler_internal {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(BackoffTest, GrowsExponentiallyWithinJitterAndCap) {
  for (int attempt = 1; attempt <= 10; ++attempt) {
    milliseconds base = std::min<milliseconds>(kBackoffBase * (1LL << (attempt - 1)), kBackoffCap);
    milliseconds d = BackoffDelay(attempt, "example.org");
    EXPECT_GE(d, base) << attempt;
    EXPECT_LE(d, base + base / 2) << attempt;
  }
}

TEST(BackoffTest, JitterDiffersBetweenHostsSoTheyFallOutOfStep) {
  std::set<long long> delays;
  for (int i = 0; i < 20; ++i) {
    delays.insert(BackoffDelay(3, "host" + std::to_string(i) + ".example").count());
  }
  EXPECT_GT(delays.size(), 10u);
}

TEST(BackoffTest, RetryAfterSeconds) {
  FakeClock clock;
  EXPECT_EQ(ParseRetryAfter("120", clock.Now()), milliseconds(120'000));
  EXPECT_EQ(ParseRetryAfter(" 0 ", clock.Now()), milliseconds(0));
  EXPECT_FALSE(ParseRetryAfter("soon", clock.Now()).has_value());
  EXPECT_FALSE(ParseRetryAfter("", clock.Now()).has_value());
}

TEST(BackoffTest, RetryAfterHttpDate) {
  FakeClock clock;  // 2026-11-26T10:40:00Z
  EXPECT_EQ(ParseRetryAfter("Thu, 26 Nov 2026 12:40:00 GMT", clock.Now()),
            milliseconds(seconds(7200)));
  EXPECT_EQ(ParseRetryAfter("Wed, 25 Nov 2026 10:40:00 GMT", clock.Now()), milliseconds(0));
}

}  // namespace
}  // namespace meetleak::crawler_internal
