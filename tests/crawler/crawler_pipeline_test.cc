// The poll pipeline (Crawler) with a fake fetcher and a recording sink: what
// it follows, what it never fetches, the order of sink calls that makes a
// crash safe, and how Stop() leaves unfinished sources uncommitted.
#include <gtest/gtest.h>

#include <deque>
#include <map>

#include "crawler/crawler.h"

namespace meetleak {
namespace {

// Answers from a table; completions are delivered when the test says so.
class FakeFetcher : public Fetcher {
 public:
  std::map<std::string, FetchResponse> pages;
  std::vector<FetchRequest> requests;
  std::deque<std::pair<FetchRequest, Handler>> in_flight;
  int cancel_waiting_calls = 0;

  void Fetch(FetchRequest request, Handler done) override {
    requests.push_back(request);
    in_flight.emplace_back(std::move(request), std::move(done));
  }
  void CancelAll() override {}
  void CancelWaiting() override { ++cancel_waiting_calls; }

  // Completes the oldest request; false when none is left.
  bool CompleteOne(FetchError error = FetchError::kNone) {
    if (in_flight.empty()) return false;
    auto [req, done] = std::move(in_flight.front());
    in_flight.pop_front();
    FetchResponse r;
    auto it = pages.find(req.url);
    if (error != FetchError::kNone) {
      r.error = error;
    } else if (it == pages.end()) {
      r.status = 404;
      r.error = FetchError::kHttp;
    } else {
      r = it->second;
      if (!req.etag.empty() && req.etag == r.etag)
        r.not_modified = true, r.body.clear(), r.status = 304;
    }
    r.url = req.url;
    if (r.final_url.empty()) r.final_url = req.url;
    done(std::move(r));
    return true;
  }
  void CompleteAll() {
    while (CompleteOne()) {
    }
  }
  void Page(const std::string& url, std::string body, std::string type = "text/html") {
    FetchResponse r;
    r.status = 200;
    r.body = std::move(body);
    r.content_type = std::move(type);
    r.etag = "\"1\"";
    pages[url] = r;
  }
};

class RecordingSink : public CrawlSink {
 public:
  std::vector<std::string> calls;  // "doc URL" / "source URL", in order
  std::vector<CrawledDocument> docs;
  std::map<std::string, StoredValidators> validators;
  std::vector<std::string> watch;

  int validator_calls = 0;
  std::vector<std::optional<StoredValidators>> Validators(
      const std::vector<std::string>& urls) override {
    ++validator_calls;
    std::vector<std::optional<StoredValidators>> out;
    for (const std::string& url : urls) {
      auto it = validators.find(url);
      out.push_back(it == validators.end() ? std::nullopt
                                           : std::optional<StoredValidators>(it->second));
    }
    return out;
  }
  std::vector<std::vector<std::string>> WatchLists(
      const std::vector<std::string>& sources) override {
    return std::vector<std::vector<std::string>>(sources.size(), watch);
  }
  void OnDocument(CrawledDocument doc) override {
    calls.push_back("doc " + doc.url);
    docs.push_back(std::move(doc));
  }
  void OnSourceDone(CrawledDocument doc) override {
    calls.push_back("source " + doc.url);
    docs.push_back(std::move(doc));
  }
  const CrawledDocument* Doc(const std::string& url) const {
    for (const auto& d : docs)
      if (d.url == url) return &d;
    return nullptr;
  }
};

const char kFeed[] = R"(<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><title>one</title><link>https://site.example/e1</link>
<description>Meeting ID: 855 1234 5679</description></item>
<item><title>two</title><link>https://site.example/e2</link></item>
<item><title>zoom</title><link>https://zoom.us/j/85512345678?pwd=abc123XYZ</link></item>
</channel></rss>)";

class CrawlerPipelineTest : public ::testing::Test {
 protected:
  CrawlerPipelineTest() {
    inventory_ =
        Inventory::FromRows({{"85512345679", "ben@acme.example", "w", MeetingKind::kWebinar}}, {});
    inventory_.set_company_domains({"acme-corp.zoom.us"});
  }
  Matcher matcher_;
  Inventory inventory_;
  FakeFetcher fetcher_;
  RecordingSink sink_;
};

TEST_F(CrawlerPipelineTest, FeedEntriesOneHopSourceCommittedLastNeverAMeetingUrl) {
  fetcher_.Page("https://site.example/feed.xml", kFeed, "application/rss+xml");
  fetcher_.Page("https://site.example/e1",
                "<a href='https://acme-corp.zoom.us/j/85512345679'>x</a>"
                "<a href='https://site.example/deeper'>d</a>");
  fetcher_.Page("https://site.example/e2", "nothing");
  Crawler crawler(fetcher_, matcher_, inventory_, sink_);
  crawler.Start({CrawlTarget{.url = "https://site.example/feed.xml"}});
  fetcher_.CompleteAll();
  ASSERT_EQ(sink_.calls.size(), 3u);
  EXPECT_EQ(sink_.calls.back(), "source https://site.example/feed.xml");  // after its documents
  for (const FetchRequest& r : fetcher_.requests) {
    EXPECT_EQ(r.url.find("zoom"), std::string::npos) << "fetched a meeting URL: " << r.url;
    EXPECT_NE(r.url, "https://site.example/deeper") << "entries are one hop";
  }
  EXPECT_TRUE(fetcher_.requests[0].trusted);
  EXPECT_FALSE(fetcher_.requests[1].trusted);  // discovered: the address guard applies
  const CrawledDocument* feed = sink_.Doc("https://site.example/feed.xml");
  ASSERT_NE(feed, nullptr);
  ASSERT_EQ(feed->refs.size(), 2u);  // the ID text and the Zoom entry link
  bool found_text = false;
  for (const PageRef& p : feed->refs) {
    if (p.key != "85512345679") continue;
    found_text = true;
    EXPECT_EQ(p.entry_url, "https://site.example/e1");
    EXPECT_TRUE(p.classification.company);
  }
  EXPECT_TRUE(found_text);
  EXPECT_EQ(feed->linked_urls.size(), 2u);  // e1, e2; not the meeting link
  const CrawledDocument* e1 = sink_.Doc("https://site.example/e1");
  ASSERT_NE(e1, nullptr);
  ASSERT_EQ(e1->refs.size(), 1u);
  EXPECT_EQ(e1->source_url, "https://site.example/feed.xml");
  EXPECT_EQ(e1->refs[0].classification.severity, Severity::kHigh);
  EXPECT_TRUE(crawler.idle());
}

TEST_F(CrawlerPipelineTest, ConditionalRequestsAndWatchList) {
  fetcher_.Page("https://site.example/", "<p>no links</p>");
  fetcher_.Page("https://site.example/old", "https://acme-corp.zoom.us/j/85512345679");
  sink_.validators["https://site.example/"] = {"\"1\"", ""};
  sink_.watch = {"https://site.example/old"};
  Crawler crawler(fetcher_, matcher_, inventory_, sink_);
  crawler.Start({CrawlTarget{.url = "https://site.example/"}});
  fetcher_.CompleteAll();
  ASSERT_EQ(fetcher_.requests.size(), 2u);
  EXPECT_EQ(fetcher_.requests[0].etag, "\"1\"");
  EXPECT_EQ(sink_.Doc("https://site.example/")->outcome, DocumentOutcome::kNotModified);
  EXPECT_EQ(fetcher_.requests[1].url, "https://site.example/old");  // watched page re-fetched
  EXPECT_EQ(sink_.calls.back(), "source https://site.example/");
}

TEST_F(CrawlerPipelineTest, DepthFollowsSameHostLinksOnly) {
  fetcher_.Page("https://site.example/",
                "<a href='/a'>a</a><a href='https://other.example/b'>b</a>");
  fetcher_.Page("https://site.example/a", "<a href='/c'>c</a>");
  Crawler crawler(fetcher_, matcher_, inventory_, sink_);
  crawler.Start({CrawlTarget{.url = "https://site.example/", .depth = 1}});
  fetcher_.CompleteAll();
  std::vector<std::string> urls;
  for (const FetchRequest& r : fetcher_.requests) urls.push_back(r.url);
  EXPECT_EQ(urls, (std::vector<std::string>{"https://site.example/", "https://site.example/a"}));
}

TEST_F(CrawlerPipelineTest, StopLeavesTheSourceUncommittedAndDropsCancelledDocuments) {
  fetcher_.Page("https://site.example/feed.xml", kFeed, "application/rss+xml");
  fetcher_.Page("https://site.example/e1", "x");
  fetcher_.Page("https://site.example/e2", "y");
  Crawler crawler(fetcher_, matcher_, inventory_, sink_, /*max_fetching=*/8);
  crawler.Start({CrawlTarget{.url = "https://site.example/feed.xml"}});
  fetcher_.CompleteOne();  // the feed: e1 and e2 are now in flight
  crawler.Stop();
  EXPECT_EQ(fetcher_.cancel_waiting_calls, 1);
  fetcher_.CompleteOne();                        // e1 finishes normally
  fetcher_.CompleteOne(FetchError::kCancelled);  // e2 was cancelled while waiting
  EXPECT_EQ(sink_.calls, std::vector<std::string>{"doc https://site.example/e1"});
  EXPECT_TRUE(crawler.idle());
}

TEST_F(CrawlerPipelineTest, FailedAndGoneDocuments) {
  fetcher_.Page("https://site.example/feed.xml", kFeed, "application/rss+xml");
  fetcher_.Page("https://site.example/e1", "x");
  // e2 is absent: 404 → gone
  Crawler crawler(fetcher_, matcher_, inventory_, sink_);
  crawler.Start({CrawlTarget{.url = "https://site.example/feed.xml"}});
  fetcher_.CompleteOne();
  fetcher_.CompleteOne(FetchError::kConnect);  // e1: network error
  fetcher_.CompleteAll();
  EXPECT_EQ(sink_.Doc("https://site.example/e1")->outcome, DocumentOutcome::kFailed);
  EXPECT_EQ(sink_.Doc("https://site.example/e2")->outcome, DocumentOutcome::kGone);
  EXPECT_EQ(crawler.stats().errors, 1);
  EXPECT_EQ(crawler.stats().gone, 1);
}

// A sitemap of `n` pages on one host.
std::string Sitemap(int n) {
  std::string xml =
      R"(<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">)";
  for (int i = 0; i < n; ++i)
    xml += "<url><loc>https://site.example/p" + std::to_string(i) + "</loc></url>";
  return xml + "</urlset>";
}

TEST_F(CrawlerPipelineTest, ValidatorsAreReadInBatchesAndEachRequestCarriesItsOwn) {
  fetcher_.Page("https://site.example/sitemap.xml", Sitemap(600), "application/xml");
  for (int i = 0; i < 600; i += 7)
    sink_.validators["https://site.example/p" + std::to_string(i)] = {
        "\"" + std::to_string(i) + "\"", ""};
  Crawler crawler(fetcher_, matcher_, inventory_, sink_, /*max_fetching=*/8);
  crawler.Start(
      {CrawlTarget{.url = "https://site.example/sitemap.xml", .kind = SourceKind::kSitemap}});
  fetcher_.CompleteAll();
  ASSERT_EQ(fetcher_.requests.size(), 601u);
  for (const FetchRequest& r : fetcher_.requests) {
    auto it = sink_.validators.find(r.url);
    EXPECT_EQ(r.etag, it == sink_.validators.end() ? "" : it->second.etag) << r.url;
  }
  // The sitemap, then its 600 pages in batches.
  EXPECT_EQ(sink_.validator_calls, 1 + (600 + static_cast<int>(Crawler::kValidatorBatch) - 1) /
                                           static_cast<int>(Crawler::kValidatorBatch));
}

TEST_F(CrawlerPipelineTest, AScanAsksForNoValidators) {
  fetcher_.Page("https://site.example/", "<p>page</p>");
  sink_.validators["https://site.example/"] = {"\"1\"", ""};
  Crawler crawler(fetcher_, matcher_, inventory_, sink_);
  crawler.Start({CrawlTarget{.url = "https://site.example/", .conditional = false}});
  fetcher_.CompleteAll();
  ASSERT_EQ(fetcher_.requests.size(), 1u);
  EXPECT_EQ(fetcher_.requests[0].etag, "");
  EXPECT_EQ(sink_.validator_calls, 0);
}

TEST_F(CrawlerPipelineTest, DocumentsWaitingForTheirScanDoNotHoldFetchSlots) {
  fetcher_.Page("https://site.example/sitemap.xml", Sitemap(100), "application/xml");
  for (int i = 0; i < 100; ++i) fetcher_.Page("https://site.example/p" + std::to_string(i), "page");
  std::deque<std::pair<std::function<void()>, std::function<void()>>> scans;  // held by the test
  auto run_scan = [&] {
    auto [work, then] = std::move(scans.front());
    scans.pop_front();
    work();
    then();
  };
  Crawler crawler(fetcher_, matcher_, inventory_, sink_, /*max_fetching=*/4);
  crawler.set_offload([&](std::function<void()> work, std::function<void()> then) {
    scans.emplace_back(std::move(work), std::move(then));
  });
  crawler.Start(
      {CrawlTarget{.url = "https://site.example/sitemap.xml", .kind = SourceKind::kSitemap}});
  fetcher_.CompleteOne();
  run_scan();  // the sitemap: its 100 pages are queued
  EXPECT_EQ(fetcher_.in_flight.size(), 4u);
  // Pages answered but not yet scanned: each answer frees its fetch slot ...
  for (int i = 0; i < 8; ++i) fetcher_.CompleteOne();
  EXPECT_EQ(scans.size(), 8u);
  EXPECT_EQ(fetcher_.in_flight.size(), 4u);
  // ... until 4 × 4 documents are in hand: fetching pauses.
  while (!fetcher_.in_flight.empty()) fetcher_.CompleteOne();
  EXPECT_EQ(scans.size(), static_cast<size_t>(Crawler::kHeldFactor * 4));
  EXPECT_EQ(fetcher_.requests.size(), 1u + Crawler::kHeldFactor * 4);
  run_scan();  // one scanned: one more fetch
  EXPECT_EQ(fetcher_.in_flight.size(), 1u);
  while (!scans.empty() || !fetcher_.in_flight.empty()) {
    if (!fetcher_.in_flight.empty())
      fetcher_.CompleteOne();
    else
      run_scan();
  }
  EXPECT_EQ(fetcher_.requests.size(), 101u);
  EXPECT_EQ(sink_.calls.size(), 101u);
  EXPECT_EQ(sink_.calls.back(), "source https://site.example/sitemap.xml");
  EXPECT_TRUE(crawler.idle());
}

}  // namespace
}  // namespace meetleak
