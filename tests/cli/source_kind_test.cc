// A source's `kind` is honoured end to end (`run --once` against the
// loopback server): feed and sitemap read their document as that kind where
// sniffing alone would not, and warn when the body is not that kind; page
// reads a sitemap as a page and follows none of its URLs; auto sniffs.
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/cli/crawl_fixture.h"

namespace meetleak::testing {
namespace {

class SourceKindTest : public CrawlTest {
 protected:
  // One source of `kind` at `path`.
  void ConfigureSource(const std::string& path, const std::string& kind) {
    WriteConfig({}, "[[source]]\nurl = \"" + server_.Url(path) + "\"\nkind = \"" + kind +
                        "\"\nallow_private_addresses = true\n");
  }
  // A licence comment longer than the 4 KiB that sniffing reads: the root
  // element stands behind it, so only the declared kind finds it.
  static std::string LongComment() { return "<!-- " + std::string(6000, 'x') + " -->\n"; }
  std::vector<std::string> LeakPages() {
    std::vector<std::string> pages;
    const nlohmann::json leaks = Leaks();
    for (const auto& f : leaks["findings"]) pages.push_back(f["page_url"]);
    return pages;
  }
  std::string Sitemap(const std::string& prefix = "") {
    return "<?xml version=\"1.0\"?>" + prefix +
           "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><url><loc>" +
           server_.Url("/a") + "</loc></url></urlset>";
  }
};

TEST_F(SourceKindTest, FeedKindReadsAFeedServedAsHtmlBehindALongComment) {
  std::string feed = Feed(server_, {"/e1"});
  feed.insert(feed.find("<rss"), LongComment());
  site_.Put("/feed", feed, "text/html");
  site_.Put("/e1", Html("https://acme-corp.zoom.us/j/85512345678"));
  ConfigureSource("/feed", "feed");
  ProgramResult r = Meetleak({"run", "--once"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(server_.RequestsFor("/e1").size(), 1u) << "the feed's entry was not followed";
  const std::vector<std::string> pages = LeakPages();  // the feed's own text leaks too
  EXPECT_NE(std::find(pages.begin(), pages.end(), server_.Url("/e1")), pages.end());
  EXPECT_EQ(r.err.find("kind = \"feed\""), std::string::npos) << r.err;
}

TEST_F(SourceKindTest, FeedKindOnAPageWarnsWithTheUrlAndReadsItAsAPage) {
  site_.Put("/page", Html("Join https://acme-corp.zoom.us/j/85512345678"));
  ConfigureSource("/page", "feed");
  ProgramResult r = Meetleak({"run", "--once"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const std::string warning = server_.Url("/page") +
                              ": kind = \"feed\", but the body is no feed: it looks like an "
                              "HTML page; read as that";
  EXPECT_NE(r.err.find(warning), std::string::npos) << r.err;
  EXPECT_EQ(LeakPages(), std::vector<std::string>{server_.Url("/page")});
}

TEST_F(SourceKindTest, SitemapKindReadsASitemapServedAsHtmlBehindALongComment) {
  site_.Put("/map", Sitemap(LongComment()), "text/html");
  site_.Put("/a", Html("Meeting ID: 855 1234 5678"));
  ConfigureSource("/map", "sitemap");
  ProgramResult r = Meetleak({"run", "--once"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(server_.RequestsFor("/a").size(), 1u) << "the sitemap's URL was not followed";
  EXPECT_EQ(LeakPages(), std::vector<std::string>{server_.Url("/a")});
}

TEST_F(SourceKindTest, SitemapKindOnAFeedWarnsAndFollowsItAsAFeed) {
  site_.Put("/feed.xml", Feed(server_, {"/e1"}), "application/rss+xml");
  site_.Put("/e1", Html("https://acme-corp.zoom.us/j/85512345678"));
  ConfigureSource("/feed.xml", "sitemap");
  ProgramResult r = Meetleak({"run", "--once"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find(server_.Url("/feed.xml") +
                       ": kind = \"sitemap\", but the body is no sitemap: it looks like a feed"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(server_.RequestsFor("/e1").size(), 1u);
}

TEST_F(SourceKindTest, PageKindFollowsNoneOfASitemapsUrls) {
  site_.Put("/map", Sitemap(), "application/xml");
  site_.Put("/a", Html("Meeting ID: 855 1234 5678"));
  ConfigureSource("/map", "page");
  ProgramResult r = Meetleak({"run", "--once"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(server_.RequestsFor("/a").empty()) << "a page source followed a sitemap URL";
  EXPECT_NE(r.err.find(server_.Url("/map") + ": kind = \"page\", but the body looks like a "
                                             "sitemap: read as a page"),
            std::string::npos)
      << r.err;
}

TEST_F(SourceKindTest, AutoKindSniffsTheSitemapAndMissesWhatOnlyAKindFinds) {
  site_.Put("/map", Sitemap(), "application/xml");
  site_.Put("/hidden", Sitemap(LongComment()), "text/html");
  site_.Put("/a", Html("Meeting ID: 855 1234 5678"));
  ConfigureSource("/map", "auto");
  ProgramResult r = Meetleak({"run", "--once"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(server_.RequestsFor("/a").size(), 1u);
  EXPECT_EQ(r.err.find("kind = "), std::string::npos) << r.err;
  // Without a kind, the sitemap behind a long comment served as text/html
  // is read as a page: its URL is not followed.
  ConfigureSource("/hidden", "auto");
  const std::size_t before = server_.RequestsFor("/a").size();
  Meetleak({"run", "--once"});
  EXPECT_EQ(server_.RequestsFor("/a").size(), before);
}

}  // namespace
}  // namespace meetleak::testing
