// The due rule (db/due.h) alone; store_test.cc checks that the store keeps
// its answer and DueSources follows it.
#include "db/due.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace meetleak::db {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

const Clock::TimePoint kAttempt = Clock::TimePoint(seconds(1'800'000'000));

TEST(DueRule, DueAfterTheIntervalPlusAtMostFivePercentJitter) {
  Clock::TimePoint due = NextDue("https://a.example/feed", hours(1), 0, kAttempt, std::nullopt);
  EXPECT_GE(due, kAttempt + hours(1));
  EXPECT_LE(due, kAttempt + hours(1) + minutes(3));
  EXPECT_EQ(NextDue("https://a.example/feed", hours(1), 0, kAttempt, std::nullopt), due)
      << "jitter is stable for a URL";
  EXPECT_EQ(due, kAttempt + NextDueDelay("https://a.example/feed", hours(1), 0));
}

TEST(DueRule, JitterSpreadsSourcesConfiguredTogether) {
  std::set<Clock::TimePoint> dues;
  for (int i = 0; i < 20; ++i)
    dues.insert(NextDue("https://site" + std::to_string(i) + ".example/", hours(1), 0, kAttempt,
                        std::nullopt));
  EXPECT_GT(dues.size(), 15u);
}

TEST(DueRule, FailingSourcesArePushedBackExponentiallyAndCapped) {
  const std::string url = "https://a.example/";
  Clock::TimePoint previous = NextDue(url, minutes(15), 0, kAttempt, std::nullopt);
  for (int failures = 1; failures <= 12; ++failures) {
    Clock::TimePoint due = NextDue(url, minutes(15), failures, kAttempt, std::nullopt);
    EXPECT_GE(due, previous) << failures;
    EXPECT_LE(due, kAttempt + kMaxBackoff + minutes(1)) << failures;
    previous = due;
  }
  EXPECT_GE(NextDue(url, minutes(15), 2, kAttempt, std::nullopt), kAttempt + hours(1));
  EXPECT_LT(NextDue(url, minutes(15), 2, kAttempt, std::nullopt), kAttempt + minutes(61));
}

TEST(DueRule, AnIntervalLongerThanTheCapIsNotShortenedByBackOff) {
  EXPECT_GE(NextDue("https://a.example/", hours(48), 3, kAttempt, std::nullopt),
            kAttempt + hours(48));
}

TEST(DueRule, RetryAfterHoldsTheSourceBack) {
  EXPECT_EQ(NextDue("https://a.example/", minutes(15), 1, kAttempt, kAttempt + hours(3)),
            kAttempt + hours(3));
  Clock::TimePoint due = NextDue("https://a.example/", minutes(15), 0, kAttempt, std::nullopt);
  EXPECT_EQ(NextDue("https://a.example/", minutes(15), 0, kAttempt, kAttempt + seconds(1)), due)
      << "a Retry-After shorter than the interval changes nothing";
}

}  // namespace
}  // namespace meetleak::db
