// The store keeps one answer to "when is a source due" (db/due.h): the
// next_due that ListSources shows (and `sources list` prints) is the moment
// DueSources (which `run` follows) starts returning the source.
#include <gtest/gtest.h>

#include <string>

#include "db/due.h"
#include "tests/db/store_fixture.h"

namespace meetleak::testing {
namespace {

using std::chrono::seconds;
constexpr char kFeed[] = "https://src.example/feed";

class SourceScheduleTest : public StoreTest {
 protected:
  LeakStore::SourceRow Row(const std::string& url) {
    Result<std::vector<LeakStore::SourceRow>> rows = store_->ListSources();
    EXPECT_TRUE(rows.ok());
    for (const auto& r : *rows)
      if (r.url == url) return r;
    ADD_FAILURE() << "no source " << url;
    return {};
  }
  bool Due(const std::string& url) {
    Result<std::vector<LeakStore::SourceRow>> rows = store_->DueSources();
    EXPECT_TRUE(rows.ok());
    for (const auto& r : *rows)
      if (r.url == url) return true;
    return false;
  }
  // The listed next_due is exactly when the source becomes due.
  void ExpectDueExactlyAtListedTime(const std::string& url) {
    std::optional<Clock::TimePoint> next = Row(url).next_due;
    ASSERT_TRUE(next.has_value());
    ASSERT_GT(*next, clock_.Now());
    Advance(static_cast<int>(std::chrono::duration_cast<seconds>(*next - clock_.Now()).count()) -
            1);
    EXPECT_FALSE(Due(url)) << "due before the listed next_due";
    Advance(1);
    EXPECT_TRUE(Due(url)) << "not due at the listed next_due";
  }
  void Pass(int status, bool failed, std::optional<Clock::TimePoint> retry_after = {}) {
    ASSERT_OK(store_->WriteSourceResult(
        {kFeed, status, failed ? "HTTP " + std::to_string(status) : "", failed, retry_after, 0}));
  }
};

TEST_P(SourceScheduleTest, ListedNextDueOfASuccessIsWhenItBecomesDue) {
  ASSERT_OK(store_->SyncSources({{kFeed, "feed", 3600}}));
  EXPECT_FALSE(Row(kFeed).next_due.has_value()) << "never polled: due now";
  EXPECT_TRUE(Due(kFeed));
  Pass(200, false);
  EXPECT_EQ(Row(kFeed).next_due, db::NextDue(kFeed, seconds(3600), 0, clock_.Now(), {}));
  ExpectDueExactlyAtListedTime(kFeed);
}

TEST_P(SourceScheduleTest, ASourceThatNeverAnsweredBacksOffAsListed) {
  // The old store listed now + interval while run backed off from a guessed
  // last attempt: `sources list` and `run` disagreed for a failing source.
  ASSERT_OK(store_->SyncSources({{kFeed, "feed", 3600}}));
  for (int failures = 1; failures <= 3; ++failures) {
    Pass(503, true);
    EXPECT_EQ(Row(kFeed).next_due, clock_.Now() + db::NextDueDelay(kFeed, seconds(3600), failures));
    EXPECT_GE(*Row(kFeed).next_due, clock_.Now() + seconds(3600 << failures));
    ExpectDueExactlyAtListedTime(kFeed);
  }
  Pass(200, false);  // a success ends the back-off
  EXPECT_EQ(Row(kFeed).consecutive_failures, 0);
  EXPECT_LT(*Row(kFeed).next_due, clock_.Now() + seconds(2 * 3600));
}

TEST_P(SourceScheduleTest, RetryAfterIsInTheListedNextDue) {
  ASSERT_OK(store_->SyncSources({{kFeed, "feed", 900}}));
  Pass(429, true, clock_.Now() + seconds(7200));
  EXPECT_EQ(Row(kFeed).next_due, clock_.Now() + seconds(7200));
  ExpectDueExactlyAtListedTime(kFeed);
}

TEST_P(SourceScheduleTest, AChangedIntervalReschedulesFromTheLastAttempt) {
  ASSERT_OK(store_->SyncSources({{kFeed, "feed", 86400}}));
  const Clock::TimePoint attempt = clock_.Now();
  Pass(200, false);
  Advance(600);
  ASSERT_OK(store_->SyncSources({{kFeed, "feed", 900}}));
  EXPECT_EQ(Row(kFeed).next_due, db::NextDue(kFeed, seconds(900), 0, attempt, {}));
  ExpectDueExactlyAtListedTime(kFeed);
  // The same for a failing source: its back-off stays.
  Pass(503, true);
  const Clock::TimePoint failed_at = clock_.Now();
  ASSERT_OK(store_->SyncSources({{kFeed, "feed", 1800}}));
  EXPECT_EQ(Row(kFeed).next_due, db::NextDue(kFeed, seconds(1800), 1, failed_at, {}));
}

INSTANTIATE_TEST_SUITE_P(Backends, SourceScheduleTest, BothBackends(), BackendName);

}  // namespace
}  // namespace meetleak::testing
