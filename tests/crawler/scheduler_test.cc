#include "crawler/scheduler.h"

#include <gtest/gtest.h>

#include <set>

namespace meetleak {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

ScheduledSource Source(std::string url, seconds interval) {
  ScheduledSource s;
  s.url = std::move(url);
  s.interval = interval;
  return s;
}

TEST(SchedulerTest, NeverFetchedIsDueAtOnce) {
  FakeClock clock;
  SchedulePlan plan = PlanPoll({Source("https://a.example/", minutes(15))}, clock.Now(), false);
  EXPECT_EQ(plan.due, std::vector<std::size_t>{0});
  EXPECT_FALSE(plan.next_due.has_value());
}

TEST(SchedulerTest, DueAfterIntervalPlusSmallJitter) {
  FakeClock clock;
  ScheduledSource s = Source("https://a.example/feed", hours(1));
  s.last_fetched = clock.Now();
  Clock::TimePoint due = DueTime(s);
  EXPECT_GE(due, clock.Now() + hours(1));
  EXPECT_LE(due, clock.Now() + hours(1) + minutes(3));
  EXPECT_TRUE(PlanPoll({s}, clock.Now() + minutes(59), false).due.empty());
  EXPECT_EQ(PlanPoll({s}, clock.Now() + minutes(59), false).next_due, due);
  EXPECT_EQ(PlanPoll({s}, due, false).due.size(), 1u);
  EXPECT_EQ(DueTime(s), due) << "jitter is stable for a URL";
}

TEST(SchedulerTest, JitterSpreadsSourcesConfiguredTogether) {
  FakeClock clock;
  std::set<Clock::TimePoint> dues;
  for (int i = 0; i < 20; ++i) {
    ScheduledSource s = Source("https://site" + std::to_string(i) + ".example/", hours(1));
    s.last_fetched = clock.Now();
    dues.insert(DueTime(s));
  }
  EXPECT_GT(dues.size(), 15u);
}

TEST(SchedulerTest, FailingSourcesArePushedBackExponentiallyAndCapped) {
  FakeClock clock;
  ScheduledSource s = Source("https://a.example/", minutes(15));
  s.last_fetched = clock.Now();
  Clock::TimePoint previous = DueTime(s);
  for (int failures = 1; failures <= 12; ++failures) {
    s.consecutive_failures = failures;
    Clock::TimePoint due = DueTime(s);
    EXPECT_GE(due, previous) << failures;
    EXPECT_LE(due, clock.Now() + kMaxBackoff + minutes(1)) << failures;
    previous = due;
  }
  s.consecutive_failures = 2;
  EXPECT_GE(DueTime(s), clock.Now() + hours(1));
}

TEST(SchedulerTest, RetryAtIsRespected) {
  FakeClock clock;
  ScheduledSource s = Source("https://a.example/", minutes(15));
  s.last_fetched = clock.Now();
  s.retry_at = clock.Now() + hours(3);
  EXPECT_EQ(DueTime(s), clock.Now() + hours(3));
  EXPECT_TRUE(PlanPoll({s}, clock.Now() + hours(1), false).due.empty());
  ScheduledSource fresh = Source("https://b.example/", minutes(15));
  fresh.retry_at = clock.Now() + minutes(5);
  EXPECT_TRUE(PlanPoll({fresh}, clock.Now(), false).due.empty());
}

TEST(SchedulerTest, AllMakesEverySourceDue) {
  FakeClock clock;
  ScheduledSource a = Source("https://a.example/", hours(6));
  a.last_fetched = clock.Now();
  ScheduledSource b = Source("https://b.example/", hours(6));
  b.last_fetched = clock.Now();
  b.retry_at = clock.Now() + hours(10);
  SchedulePlan plan = PlanPoll({a, b}, clock.Now(), true);
  EXPECT_EQ(plan.due, (std::vector<std::size_t>{0, 1}));
}

TEST(SchedulerTest, NextDueIsTheEarliestOfTheOthers) {
  FakeClock clock;
  ScheduledSource a = Source("https://a.example/", hours(6));
  a.last_fetched = clock.Now();
  ScheduledSource b = Source("https://b.example/", minutes(30));
  b.last_fetched = clock.Now();
  ScheduledSource c = Source("https://c.example/", minutes(30));
  SchedulePlan plan = PlanPoll({a, b, c}, clock.Now(), false);
  EXPECT_EQ(plan.due, std::vector<std::size_t>{2});
  EXPECT_EQ(plan.next_due, DueTime(b));
}

}  // namespace
}  // namespace meetleak
