// The poll pipeline (Crawler) with a fake fetcher and a recording sink: what
// it follows, what it never fetches, the order of sink calls that makes a
// crash safe, and how Stop() leaves unfinished sources uncommitted.
#include "crawler/crawler.h"

#include <gtest/gtest.h>

#include <deque>
#include <map>

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
      if (!req.etag.empty() && req.etag == r.etag) r.not_modified = true, r.body.clear(), r.status = 304;
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

  std::optional<StoredValidators> Validators(const std::string& url) override {
    auto it = validators.find(url);
    if (it == validators.end()) return std::nullopt;
    return it->second;
  }
  std::vector<std::string> WatchList(const std::string&) override { return watch; }
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
    inventory_ = Inventory::FromRows({{"85512345679", "ben@acme.example", "w", MeetingKind::kWebinar}}, {});
    inventory_.set_company_domains({"acme-corp.zoom.us"});
  }
  Matcher matcher_;
  Inventory inventory_;
  FakeFetcher fetcher_;
  RecordingSink sink_;
};

TEST_F(CrawlerPipelineTest, FeedEntriesOneHopSourceCommittedLastNeverAMeetingUrl) {
  fetcher_.Page("https://site.example/feed.xml", kFeed, "application/rss+xml");
  fetcher_.Page("https://site.example/e1", "<a href='https://acme-corp.zoom.us/j/85512345679'>x</a>"
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
  fetcher_.Page("https://site.example/", "<a href='/a'>a</a><a href='https://other.example/b'>b</a>");
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
  Crawler crawler(fetcher_, matcher_, inventory_, sink_, /*max_outstanding=*/8);
  crawler.Start({CrawlTarget{.url = "https://site.example/feed.xml"}});
  fetcher_.CompleteOne();  // the feed: e1 and e2 are now in flight
  crawler.Stop();
  EXPECT_EQ(fetcher_.cancel_waiting_calls, 1);
  fetcher_.CompleteOne();                          // e1 finishes normally
  fetcher_.CompleteOne(FetchError::kCancelled);    // e2 was cancelled while waiting
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
}

}  // namespace
}  // namespace meetleak
