// Retry-After from a hostile server: capped at [crawler] retry_after_max,
// dates parsed without overflow, the cap said in `sources list`.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <thread>

#include "base/clock.h"
#include "crawler/backoff.h"
#include "tests/hostile/hostile_fixture.h"

namespace meetleak::testing {
namespace {

using crawler_internal::kRetryAfterCeiling;
using crawler_internal::ParseRetryAfter;

using namespace std::chrono_literals;

// "2026-11-26T10:00:00Z" as a time point.
Clock::TimePoint FromIso8601(const std::string& text) {
  std::tm tm{};
  EXPECT_EQ(std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                        &tm.tm_hour, &tm.tm_min, &tm.tm_sec),
            6)
      << text;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

class RetryAfterTest : public HostileTest {
 protected:
  // The source's stored retry_after, in seconds from now (-1 when none).
  long long RetryAfterFromNow() {
    ProgramResult r = Meetleak({"sources", "list", "--format", "json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    nlohmann::json j = Json(r);
    if (j["sources"].empty() || !j["sources"][0]["retry_after"].is_string()) return -1;
    Clock::TimePoint t = FromIso8601(j["sources"][0]["retry_after"].get<std::string>());
    return std::chrono::duration_cast<std::chrono::seconds>(t - SystemClock()->Now()).count();
  }
};

TEST(RetryAfterParse, DatePast2262DoesNotWrapIntoRetryNow) {
  FakeClock clock;  // 2026-11-26
  auto wait = ParseRetryAfter("Fri, 31 Dec 9999 23:59:59 GMT", clock.Now());
  ASSERT_TRUE(wait.has_value());
  EXPECT_EQ(*wait, std::chrono::milliseconds(kRetryAfterCeiling));
  auto year_2300 = ParseRetryAfter("Sat, 01 Jan 2300 00:00:00 GMT", clock.Now());
  ASSERT_TRUE(year_2300.has_value());
  EXPECT_GT(*year_2300, std::chrono::hours(24 * 365 * 273));
  auto seconds = ParseRetryAfter("99999999999999999999999999", clock.Now());
  ASSERT_TRUE(seconds.has_value());
  EXPECT_EQ(*seconds, std::chrono::milliseconds(kRetryAfterCeiling));
}

TEST_F(RetryAfterTest, RetryAfterOfTenYearsIsCappedAtADayAndSaidSo) {
  server_.Route("/feed", Reply{.status = 503, .headers = {{"Retry-After", "315360000"}}});
  WriteConfig({server_.Url("/feed")});
  ProgramResult run = Meetleak({"run", "--once"});
  EXPECT_EQ(run.exit_code, 3) << run.err;
  const long long wait = RetryAfterFromNow();
  EXPECT_GT(wait, 86400 - 120);
  EXPECT_LE(wait, 86400);
  ProgramResult list = Meetleak({"sources", "list"});
  EXPECT_NE(list.out.find("Retry-After 3650d capped at retry_after_max 1d"), std::string::npos)
      << list.out;
  EXPECT_NE(list.out.find("retry after "), std::string::npos) << list.out;
}

TEST_F(RetryAfterTest, HttpDateInTheYear9999IsCappedNotRetriedAtOnce) {
  server_.Route(
      "/feed", Reply{.status = 429, .headers = {{"Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT"}}});
  WriteConfig({server_.Url("/feed")});
  Meetleak({"run", "--once"});
  const long long wait = RetryAfterFromNow();
  EXPECT_GT(wait, 86400 - 120) << "a far date must not become 'retry now'";
  EXPECT_LE(wait, 86400);
  // Not due again at once: the next run --once leaves it alone.
  const std::size_t asked = server_.RequestsFor("/feed").size();
  Meetleak({"run", "--once"});
  EXPECT_EQ(server_.RequestsFor("/feed").size(), asked);
}

TEST_F(RetryAfterTest, RetryAfterMaxIsTheConfigs) {
  server_.Route("/feed", Reply{.status = 503, .headers = {{"Retry-After", "86400"}}});
  WriteConfig({server_.Url("/feed")}, "retry_after_max = \"2h\"");
  Meetleak({"run", "--once"});
  const long long wait = RetryAfterFromNow();
  EXPECT_GT(wait, 7200 - 120);
  EXPECT_LE(wait, 7200);
}

TEST_F(RetryAfterTest, BadRetryAfterMaxNamesFileLineAndKey) {
  WriteConfig({server_.Url("/feed")}, "retry_after_max = \"forever\"\nmax_urls_per_document = 0");
  ProgramResult r = Meetleak({"config", "check"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("meetleak.toml:8: crawler.retry_after_max"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("meetleak.toml:9: crawler.max_urls_per_document"), std::string::npos)
      << r.err;
}

TEST_F(RetryAfterTest, RunOnceFetchesASourceWhoseShownNextDueHasPassed) {
  server_.Route("/feed", Reply{.status = 503, .headers = {{"Retry-After", "3"}}});
  dir_.Write("meetleak.toml", "[crawler]\ndelay_ms = 0\nmax_retries = 0\n[[source]]\nurl = \"" +
                                  server_.Url("/feed") +
                                  "\"\ninterval = \"2s\"\nallow_private_addresses = true\n");
  Meetleak({"run", "--once"});
  ASSERT_EQ(server_.RequestsFor("/feed").size(), 1u);
  nlohmann::json j = Json(Meetleak({"sources", "list", "--format", "json"}));
  ASSERT_TRUE(j["sources"][0]["next_due"].is_string()) << j.dump();
  const Clock::TimePoint shown = FromIso8601(j["sources"][0]["next_due"].get<std::string>());
  EXPECT_GE(shown, FromIso8601(j["sources"][0]["retry_after"].get<std::string>()))
      << "next due shows the Retry-After";
  std::this_thread::sleep_until(shown + 1100ms);
  ProgramResult r = Meetleak({"run", "--once", "-v"});
  EXPECT_EQ(r.err.find("no source is due"), std::string::npos) << r.err;
  EXPECT_EQ(server_.RequestsFor("/feed").size(), 2u) << r.err;
}

}  // namespace
}  // namespace meetleak::testing
