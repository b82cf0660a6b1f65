#include "crawler/robots.h"

#include <gtest/gtest.h>

namespace meetleak::crawler_internal {
namespace {

using std::chrono::milliseconds;

RobotsRules Rules(std::string_view body) { return RobotsRules::Parse(body, "meetleak"); }

TEST(RobotsTest, ProductTokenOfTheUserAgent) {
  EXPECT_EQ(ProductToken("meetleak/0.1.0 (+https://example.org)"), "meetleak");
  EXPECT_EQ(ProductToken("MeetLeak"), "meetleak");
}

TEST(RobotsTest, OwnGroupWinsOverStarAndIsCaseInsensitive) {
  RobotsRules r = Rules(
      "User-agent: *\nDisallow: /\n\n"
      "User-Agent: MEETLEAK\nDisallow: /private\n");
  EXPECT_TRUE(r.IsAllowed("/public"));
  EXPECT_FALSE(r.IsAllowed("/private/x"));
}

TEST(RobotsTest, StarGroupAppliesWhenNoGroupNamesUs) {
  RobotsRules r = Rules("User-agent: otherbot\nDisallow: /\n\nUser-agent: *\nDisallow: /tmp/\n");
  EXPECT_TRUE(r.IsAllowed("/"));
  EXPECT_FALSE(r.IsAllowed("/tmp/a"));
}

TEST(RobotsTest, NoMatchingGroupAllowsEverything) {
  EXPECT_TRUE(Rules("User-agent: otherbot\nDisallow: /\n").IsAllowed("/x"));
  EXPECT_TRUE(Rules("").IsAllowed("/x"));
}

TEST(RobotsTest, ConsecutiveUserAgentLinesShareOneGroup) {
  RobotsRules r = Rules("User-agent: a\nUser-agent: meetleak\nUser-agent: b\nDisallow: /x\n");
  EXPECT_FALSE(r.IsAllowed("/x"));
}

TEST(RobotsTest, GroupsNamingUsAreMerged) {
  RobotsRules r = Rules(
      "User-agent: meetleak\nDisallow: /a\n\nUser-agent: *\nDisallow: /c\n\n"
      "User-agent: meetleak\nDisallow: /b\n");
  EXPECT_FALSE(r.IsAllowed("/a"));
  EXPECT_FALSE(r.IsAllowed("/b"));
  EXPECT_TRUE(r.IsAllowed("/c"));
}

TEST(RobotsTest, LongestMatchWinsAndAllowWinsATie) {
  // RFC 9309 5.2 examples.
  RobotsRules r = Rules(
      "User-agent: *\nAllow: /example/page/\nDisallow: /example/page/disallowed.gif\n"
      "Disallow: /example/\nAllow: /tie\nDisallow: /tie\n");
  EXPECT_TRUE(r.IsAllowed("/example/page/"));
  EXPECT_TRUE(r.IsAllowed("/example/page/other.html"));
  EXPECT_FALSE(r.IsAllowed("/example/page/disallowed.gif"));
  EXPECT_FALSE(r.IsAllowed("/example/other"));
  EXPECT_TRUE(r.IsAllowed("/tie"));
}

TEST(RobotsTest, WildcardAndEndAnchor) {
  RobotsRules r = Rules(
      "User-agent: *\nDisallow: /*.gif$\nDisallow: /private*/secret\nAllow: /$\nDisallow: /\n");
  EXPECT_TRUE(r.IsAllowed("/"));
  EXPECT_FALSE(r.IsAllowed("/index.html"));
  RobotsRules g = Rules("User-agent: *\nDisallow: /*.gif$\nDisallow: /private*/secret\n");
  EXPECT_FALSE(g.IsAllowed("/a/b.gif"));
  EXPECT_TRUE(g.IsAllowed("/a/b.gif?x=1"));
  EXPECT_TRUE(g.IsAllowed("/a/b.gifs"));
  EXPECT_FALSE(g.IsAllowed("/private-area/secret/file"));
  EXPECT_TRUE(g.IsAllowed("/private-area/public"));
}

TEST(RobotsTest, PercentEncodingIsNormalised) {
  RobotsRules r =
      Rules("User-agent: *\nDisallow: /~joe/\nDisallow: /caf\xC3\xA9\nDisallow: /a%3cd\n");
  EXPECT_FALSE(r.IsAllowed("/%7Ejoe/index.html"));
  EXPECT_FALSE(r.IsAllowed("/caf%C3%A9/menu"));
  EXPECT_FALSE(r.IsAllowed("/a%3Cd"));
}

TEST(RobotsTest, EmptyDisallowCommentsAndOddSpacing) {
  RobotsRules r = Rules("# hello\nUSER-AGENT :  *   # all\n  disallow:   \nDisallow: /x # no\r\n");
  EXPECT_TRUE(r.IsAllowed("/y"));
  EXPECT_FALSE(r.IsAllowed("/x"));
}

TEST(RobotsTest, RulesBeforeAnyUserAgentAreIgnored) {
  EXPECT_TRUE(Rules("Disallow: /\nUser-agent: other\nDisallow: /\n").IsAllowed("/x"));
}

TEST(RobotsTest, RobotsTxtItselfIsAlwaysAllowed) {
  EXPECT_TRUE(Rules("User-agent: *\nDisallow: /\n").IsAllowed("/robots.txt"));
  EXPECT_TRUE(RobotsRules::DisallowAll().IsAllowed("/robots.txt"));
}

TEST(RobotsTest, CrawlDelayOfTheChosenGroup) {
  EXPECT_EQ(Rules("User-agent: *\nCrawl-delay: 2.5\n").crawl_delay(), milliseconds(2500));
  EXPECT_EQ(
      Rules("User-agent: meetleak\nCrawl-delay: 1\nUser-agent: *\nCrawl-delay: 9\n").crawl_delay(),
      milliseconds(1000));
  EXPECT_FALSE(Rules("User-agent: *\nCrawl-delay: soon\n").crawl_delay().has_value());
}

TEST(RobotsTest, OnlyTheFirst500KiBAreParsed) {
  std::string body = "User-agent: *\n" + std::string(600 * 1024, '#') + "\nDisallow: /\n";
  EXPECT_TRUE(Rules(body).IsAllowed("/x"));
}

TEST(RobotsTest, FetchResultsMapPerRfc) {
  EXPECT_TRUE(RobotsFromFetch(404, "", "meetleak").IsAllowed("/x"));  // 4xx: allow all
  EXPECT_TRUE(RobotsFromFetch(403, "", "meetleak").IsAllowed("/x"));
  EXPECT_FALSE(RobotsFromFetch(503, "", "meetleak").IsAllowed("/x"));  // 5xx: disallow
  EXPECT_FALSE(RobotsFromFetch(429, "", "meetleak").IsAllowed("/x"));
  EXPECT_FALSE(RobotsFromFetch(0, "", "meetleak").IsAllowed("/x"));  // unreachable
  EXPECT_FALSE(RobotsFromFetch(200, "User-agent: *\nDisallow: /x", "meetleak").IsAllowed("/x"));
}

TEST(RobotsTest, CacheExpiresAndErrorsExpireSooner) {
  FakeClock clock;
  RobotsCache cache;
  const std::string ok = "https://a.example:443", bad = "https://b.example:443";
  cache.Store(ok, 200, "User-agent: *\nDisallow: /x\n", "meetleak", clock.Now());
  cache.Store(bad, 503, "", "meetleak", clock.Now());
  ASSERT_NE(cache.Find(ok, clock.Now()), nullptr);
  EXPECT_FALSE(cache.Find(ok, clock.Now())->IsAllowed("/x"));
  EXPECT_FALSE(cache.Find(bad, clock.Now())->IsAllowed("/y"));
  clock.Advance(std::chrono::minutes(11));
  EXPECT_EQ(cache.Find(bad, clock.Now()), nullptr);
  EXPECT_NE(cache.Find(ok, clock.Now()), nullptr);
  clock.Advance(std::chrono::hours(24));
  EXPECT_EQ(cache.Find(ok, clock.Now()), nullptr);
}

}  // namespace
}  // namespace meetleak::crawler_internal
