// The fetcher's policy against a real loopback server: Zoom rule, address
// guard, redirects, robots.txt, conditional GET, retries and Retry-After.
#include <gtest/gtest.h>

#include "crawler/fetcher.h"
#include "matchers/matcher.h"
#include "tests/crawler/fetch_helpers.h"
#include "tests/support/test_server.h"

namespace meetleak {
namespace {

using std::chrono::milliseconds;
using testing::CountingResolver;
using testing::Discovered;
using testing::FetchAll;
using testing::FetchOne;
using testing::Reply;
using testing::TestOptions;
using testing::TestServer;
using testing::Trusted;

const Matcher& SharedMatcher() {
  static const Matcher matcher;
  return matcher;
}

class FetcherPolicyTest : public ::testing::Test {
 protected:
  std::unique_ptr<Fetcher> Make(FetcherOptions options = TestOptions()) {
    return NewCurlFetcher(
        io_, std::move(options),
        [](std::string_view url) { return SharedMatcher().IsMeetingUrl(url); }, &resolver_,
        &clock_);
  }
  boost::asio::io_context io_;
  CountingResolver resolver_{io_};
  FakeClock clock_;
  TestServer server_;
};

TEST_F(FetcherPolicyTest, FetchesATrustedUrl) {
  server_.Route("/page", Reply{.body = "<p>hi</p>",
                               .headers = {{"Content-Type", "text/html"}, {"ETag", "\"v1\""}}});
  auto fetcher = Make();
  FetchResponse r = FetchOne(io_, *fetcher, Trusted(server_.Url("/page#frag")));
  ASSERT_TRUE(r.ok()) << r.error_message;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "<p>hi</p>");
  EXPECT_EQ(r.content_type, "text/html");
  EXPECT_EQ(r.etag, "\"v1\"");
  EXPECT_EQ(r.final_url, server_.Url("/page"));
  EXPECT_EQ(r.attempts, 1);
  EXPECT_EQ(resolver_.calls, 0) << "trusted requests skip the guard";
  ASSERT_EQ(server_.Requests().size(), 1u);
  EXPECT_EQ(server_.Requests()[0].Header("user-agent"), FetcherOptions().user_agent);
}

TEST_F(FetcherPolicyTest, RefusesZoomUrlsBeforeAnyResolverCall) {
  auto fetcher = Make();
  std::vector<FetchRequest> requests;
  for (const char* url :
       {"https://zoom.us/j/85512345678?pwd=SeCrEt1",
        "https://us02web.zoom.us/j/85512345678?pwd=SeCrEt1",
        "http://acme-corp.zoom.us/s/85512345678?zak=SeCrEt1",
        "https://ZOOM.US./wc/join/85512345678", "https://zoom.com/my/someone",
        "https://events.zoomgov.com/j/123456789", "https://www.zoom.com.cn/j/123456789",
        "https://zoom.us:8443/",
        "https://example.org/out?u=https%3A%2F%2Fzoom.us%2Fj%2F85512345678%3Fpwd%3DSeCrEt1",
        "https://www.google.com/url?q=https://acme.zoom.us/j/85512345678",
        "http://links.example/zoommtg://zoom.us/join?confno=85512345678&pwd=SeCrEt1"}) {
    requests.push_back(Discovered(url));
    requests.push_back(Trusted(url));
  }
  for (const FetchResponse& r : FetchAll(io_, *fetcher, requests)) {
    EXPECT_EQ(r.error, FetchError::kRefusedZoom) << r.url;
    EXPECT_EQ(r.error_message.find("SeCrEt1"), std::string::npos) << r.error_message;
    EXPECT_NE(r.error_message.find("Zoom"), std::string::npos) << r.error_message;
    EXPECT_TRUE(r.body.empty());
  }
  EXPECT_EQ(resolver_.calls, 0);
}

TEST_F(FetcherPolicyTest, LookAlikeHostsAreNotZoom) {
  resolver_.answers["zoom.us.evil.example"] = {"127.0.0.1"};
  resolver_.answers["notzoom.us"] = {"127.0.0.1"};
  auto fetcher = Make();
  for (const FetchResponse& r :
       FetchAll(io_, *fetcher,
                {Discovered("http://zoom.us.evil.example/"), Discovered("http://notzoom.us/")})) {
    EXPECT_EQ(r.error, FetchError::kRefusedGuard)
        << r.url;  // reached the guard: not refused as Zoom
  }
  EXPECT_EQ(resolver_.calls, 2);
}

TEST_F(FetcherPolicyTest, RefusesNonHttpSchemes) {
  auto fetcher = Make();
  for (const FetchResponse& r :
       FetchAll(io_, *fetcher,
                {Trusted("ftp://127.0.0.1/x"), Trusted("file:///etc/passwd"),
                 Trusted("gopher://127.0.0.1/"), Trusted("not a url")})) {
    EXPECT_EQ(r.error, FetchError::kBadUrl) << r.url;
  }
}

TEST_F(FetcherPolicyTest, DiscoveredLoopbackUrlIsRefusedAndNeverReached) {
  auto fetcher = Make();
  FetchResponse r = FetchOne(io_, *fetcher, Discovered(server_.Url("/")));
  EXPECT_EQ(r.error, FetchError::kRefusedGuard);
  EXPECT_NE(r.error_message.find("127.0.0.1"), std::string::npos) << r.error_message;
  EXPECT_TRUE(server_.Requests().empty());
}

TEST_F(FetcherPolicyTest, DiscoveredNameResolvingToAnyPrivateAddressIsRefused) {
  resolver_.answers["intranet.example"] = {"93.184.216.34", "10.1.2.3"};
  resolver_.answers["sneaky.example"] = {"::ffff:127.0.0.1"};
  auto fetcher = Make();
  auto results =
      FetchAll(io_, *fetcher,
               {Discovered("http://intranet.example:" + std::to_string(server_.port()) + "/"),
                Discovered("http://sneaky.example/")});
  EXPECT_EQ(results[0].error, FetchError::kRefusedGuard);
  EXPECT_NE(results[0].error_message.find("10.1.2.3"), std::string::npos);
  EXPECT_EQ(results[1].error, FetchError::kRefusedGuard);
  EXPECT_EQ(resolver_.hosts, (std::vector<std::string>{"intranet.example", "sneaky.example"}));
}

TEST_F(FetcherPolicyTest, UnresolvableDiscoveredNameIsADnsError) {
  auto fetcher = Make();
  FetchResponse r = FetchOne(io_, *fetcher, Discovered("http://nowhere.invalid/"));
  EXPECT_EQ(r.error, FetchError::kDns);
}

TEST_F(FetcherPolicyTest, AllowPrivateAddressesLiftsTheGuard) {
  server_.Route("/", Reply{.body = "inside"});
  auto fetcher = Make();
  FetchResponse r = FetchOne(io_, *fetcher, Discovered(server_.Url("/"), /*allow_private=*/true));
  ASSERT_TRUE(r.ok()) << r.error_message;
  EXPECT_EQ(r.body, "inside");
  FetcherOptions options = TestOptions();
  options.allow_private_addresses = true;
  auto lifted = Make(options);
  EXPECT_TRUE(FetchOne(io_, *lifted, Discovered(server_.Url("/"))).ok());
}

TEST_F(FetcherPolicyTest, RedirectToAnotherLoopbackAddressFromATrustedUrlIsRefused) {
  TestServer other({.address = "127.0.0.2"});
  other.Route("/", Reply{.body = "internal secrets"});
  server_.Route("/jump", Reply{.status = 302, .headers = {{"Location", other.Url("/")}}});
  auto fetcher = Make();
  FetchResponse r = FetchOne(io_, *fetcher, Trusted(server_.Url("/jump")));
  EXPECT_EQ(r.error, FetchError::kRefusedGuard) << r.error_message;
  EXPECT_NE(r.error_message.find("127.0.0.2"), std::string::npos) << r.error_message;
  EXPECT_TRUE(other.Requests().empty()) << "the 127.0.0.2 server must see nothing";
  EXPECT_EQ(r.final_url, other.Url("/")) << "the hop refused by the guard";
}

TEST_F(FetcherPolicyTest, FollowsRedirectChainsHopByHop) {
  server_.Route("/r1", Reply{.status = 301, .headers = {{"Location", "/r2"}}});
  server_.Route("/r2", Reply{.status = 302, .headers = {{"Location", server_.Url("/r3?x=1")}}});
  server_.Route("/r3", Reply{.status = 307, .headers = {{"Location", "final#top"}}});
  server_.Route("/final", Reply{.body = "arrived"});
  auto fetcher = Make();
  FetchResponse r = FetchOne(io_, *fetcher, Discovered(server_.Url("/r1"), true));
  ASSERT_TRUE(r.ok()) << r.error_message;
  EXPECT_EQ(r.body, "arrived");
  EXPECT_EQ(r.final_url, server_.Url("/final"));
  EXPECT_EQ(r.url, server_.Url("/r1"));
  EXPECT_EQ(server_.Requests().size(), 4u);
}

TEST_F(FetcherPolicyTest, RedirectLoopsAndLongChainsStop) {
  server_.Route("/a", Reply{.status = 302, .headers = {{"Location", "/b"}}});
  server_.Route("/b", Reply{.status = 302, .headers = {{"Location", "/a"}}});
  for (int i = 0; i < 10; ++i) {
    server_.Route("/c" + std::to_string(i),
                  Reply{.status = 302, .headers = {{"Location", "/c" + std::to_string(i + 1)}}});
  }
  FetcherOptions options = TestOptions();
  options.max_redirects = 3;
  auto fetcher = Make(options);
  auto results = FetchAll(
      io_, *fetcher, {Discovered(server_.Url("/a"), true), Discovered(server_.Url("/c0"), true)});
  EXPECT_EQ(results[0].error, FetchError::kTooManyRedirects);
  EXPECT_EQ(results[1].error, FetchError::kTooManyRedirects);
  EXPECT_EQ(server_.RequestsFor("/c3").size(), 1u);
  EXPECT_TRUE(server_.RequestsFor("/c4").empty()) << "at most max_redirects hops are followed";
}

// libcurl connects to "x_y.zoom.us" (and to percent-encoded, dotted,
// IDNA-mapped spellings); the rule refused only names it thought valid.
TEST_F(FetcherPolicyTest, ZoomHostWithUnderscoreIsRefusedBeforeFetch) {
  server_.Route("/to-underscore",
                Reply{.status = 302,
                      .headers = {{"Location", "http://x_y.zoom.us/j/85512345678?pwd=SeCrEt1"}}});
  auto fetcher = Make();
  std::vector<FetchRequest> requests;
  for (const char* url :
       {"http://x_y.zoom.us/j/85512345678?pwd=SeCrEt1", "https://A_B.Zoom.US./j/85512345678",
        "http://zoom.us../j/85512345678?pwd=SeCrEt1", "http://%7Aoom.us/j/85512345678?pwd=SeCrEt1",
        "http://acme%2Ezoom.us/j/85512345678?pwd=SeCrEt1",
        "http://\xEF\xBD\x9A\xEF\xBD\x8F\xEF\xBD\x8F\xEF\xBD\x8D.us/j/85512345678?pwd=SeCrEt1",
        "http://zoom\xE3\x80\x82us/j/85512345678?pwd=SeCrEt1"}) {
    requests.push_back(Discovered(url));
    requests.push_back(Trusted(url));
  }
  for (const FetchResponse& r : FetchAll(io_, *fetcher, requests)) {
    EXPECT_EQ(r.error, FetchError::kRefusedZoom) << r.url;
    EXPECT_EQ(r.error_message.find("SeCrEt1"), std::string::npos) << r.error_message;
  }
  EXPECT_EQ(resolver_.calls, 0);
  auto redirected = FetchAll(io_, *fetcher, {Trusted(server_.Url("/to-underscore"))});
  EXPECT_EQ(redirected[0].error, FetchError::kRefusedZoom);
  EXPECT_EQ(resolver_.calls, 0) << "the redirect target was looked up";
  EXPECT_EQ(server_.Requests().size(), 1u) << "only the loopback hop was fetched";
}

TEST_F(FetcherPolicyTest, RedirectsToZoomOrOtherSchemesAreRefused) {
  server_.Route("/to-zoom",
                Reply{.status = 302,
                      .headers = {{"Location", "https://acme.zoom.us/j/85512345678?pwd=SeCrEt1"}}});
  server_.Route("/to-ftp", Reply{.status = 302, .headers = {{"Location", "ftp://127.0.0.1/x"}}});
  auto fetcher = Make();
  auto results =
      FetchAll(io_, *fetcher, {Trusted(server_.Url("/to-zoom")), Trusted(server_.Url("/to-ftp"))});
  EXPECT_EQ(results[0].error, FetchError::kRefusedZoom);
  EXPECT_EQ(results[0].final_url.find("SeCrEt1"), std::string::npos);
  EXPECT_EQ(results[0].error_message.find("SeCrEt1"), std::string::npos);
  EXPECT_EQ(results[1].error, FetchError::kBadUrl);
  EXPECT_EQ(resolver_.calls, 0);
}

TEST_F(FetcherPolicyTest, ConditionalGetGivesNotModified) {
  server_.Route("/feed", [](const testing::RecordedRequest& req) {
    if (req.Header("if-none-match") == "\"v7\"" ||
        req.Header("if-modified-since") == "Tue, 24 Nov 2026 08:00:00 GMT") {
      return Reply{.status = 304, .headers = {{"ETag", "\"v7\""}}};
    }
    return Reply{
        .body = "<rss/>",
        .headers = {{"ETag", "\"v7\""}, {"Last-Modified", "Tue, 24 Nov 2026 08:00:00 GMT"}}};
  });
  auto fetcher = Make();
  FetchResponse first = FetchOne(io_, *fetcher, Trusted(server_.Url("/feed")));
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(first.not_modified);
  FetchRequest by_etag = Trusted(server_.Url("/feed"));
  by_etag.etag = first.etag;
  FetchRequest by_date = Trusted(server_.Url("/feed"));
  by_date.last_modified = first.last_modified;
  for (const FetchResponse& r : FetchAll(io_, *fetcher, {by_etag, by_date})) {
    ASSERT_TRUE(r.ok()) << r.error_message;
    EXPECT_TRUE(r.not_modified);
    EXPECT_EQ(r.status, 304);
    EXPECT_TRUE(r.body.empty());
  }
  EXPECT_EQ(server_.Requests()[1].Header("if-none-match"), "\"v7\"");
}

// Easy handles are reused: nothing of one request (validators, a big
// body's cap, a failure) may reach the next one on the same handle.
TEST_F(FetcherPolicyTest, AReusedHandleCarriesNothingOver) {
  server_.Route("/page", [](const testing::RecordedRequest& req) {
    if (!req.Header("if-none-match").empty()) return Reply{.status = 304};
    return Reply{.body = "fresh", .headers = {{"ETag", "\"e1\""}}};
  });
  server_.Route("/big", [](const testing::RecordedRequest&) {
    return Reply{.body = std::string(4096, 'x')};
  });
  FetcherOptions options = TestOptions();
  options.concurrency = 1;  // one transfer at a time: each takes the handle just given back
  auto fetcher = Make(options);
  for (int round = 0; round < 3; ++round) {
    FetchRequest conditional = Trusted(server_.Url("/page"));
    conditional.etag = "\"e1\"";
    FetchResponse not_modified = FetchOne(io_, *fetcher, conditional);
    ASSERT_TRUE(not_modified.ok()) << not_modified.error_message;
    EXPECT_TRUE(not_modified.not_modified);
    FetchResponse plain = FetchOne(io_, *fetcher, Trusted(server_.Url("/page")));
    ASSERT_TRUE(plain.ok()) << plain.error_message;
    EXPECT_FALSE(plain.not_modified);
    EXPECT_EQ(plain.body, "fresh");
    FetchResponse big = FetchOne(io_, *fetcher, Trusted(server_.Url("/big")));
    ASSERT_TRUE(big.ok()) << big.error_message;
    EXPECT_EQ(big.body.size(), 4096u);
  }
  std::vector<testing::RecordedRequest> requests = server_.Requests();
  int conditional = 0;
  for (const testing::RecordedRequest& r : requests)
    conditional += !r.Header("if-none-match").empty();
  EXPECT_EQ(conditional, 3);  // only the requests that asked for it
}

TEST_F(FetcherPolicyTest, HttpErrorsAreClassified) {
  auto fetcher = Make();
  FetchResponse r = FetchOne(io_, *fetcher, Trusted(server_.Url("/missing")));
  EXPECT_EQ(r.error, FetchError::kHttp);
  EXPECT_EQ(r.status, 404);
  EXPECT_FALSE(r.retry_at.has_value());
}

TEST_F(FetcherPolicyTest, RetryAfterIsWaitedForWithinThePass) {
  int calls = 0;
  server_.Route("/busy", [&calls](const testing::RecordedRequest&) {
    return ++calls == 1 ? Reply{.status = 429, .headers = {{"Retry-After", "1"}}}
                        : Reply{.body = "now"};
  });
  FetcherOptions options = TestOptions();
  options.max_retries = 2;
  auto fetcher = Make(options);
  FetchResponse r = FetchOne(io_, *fetcher, Trusted(server_.Url("/busy")));
  ASSERT_TRUE(r.ok()) << r.error_message;
  EXPECT_EQ(r.body, "now");
  EXPECT_EQ(r.attempts, 2);
  auto reqs = server_.Requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_GE(reqs[1].arrival - reqs[0].arrival, milliseconds(980));
}

TEST_F(FetcherPolicyTest, RetryAfterIsReportedNotWaitedForInARunOnce) {
  server_.Route("/busy", Reply{.status = 503, .headers = {{"Retry-After", "3600"}}});
  server_.Route("/dated", Reply{.status = 429,
                                .headers = {{"Retry-After", "Thu, 26 Nov 2026 12:40:00 GMT"}}});
  FetcherOptions options = TestOptions();
  options.max_retries = 3;
  options.wait_for_retry_after = false;
  auto fetcher = Make(options);
  auto results =
      FetchAll(io_, *fetcher, {Trusted(server_.Url("/busy")), Trusted(server_.Url("/dated"))});
  EXPECT_EQ(results[0].error, FetchError::kHttp);
  EXPECT_EQ(results[0].status, 503);
  EXPECT_EQ(results[0].attempts, 1);
  EXPECT_EQ(results[0].retry_at, clock_.Now() + std::chrono::hours(1));
  EXPECT_EQ(results[1].status, 429);
  EXPECT_EQ(results[1].retry_at, clock_.Now() + std::chrono::hours(2));  // FakeClock is 10:40Z
}

TEST_F(FetcherPolicyTest, AHostsRetryAfterHoldsItsOtherUrlsInARunOnce) {
  server_.Route("/a", Reply{.status = 429, .headers = {{"Retry-After", "600"}}});
  server_.Route("/b", Reply{.body = "b"});
  FetcherOptions options = TestOptions();
  options.per_host = 1;
  options.wait_for_retry_after = false;
  auto fetcher = Make(options);
  auto results = FetchAll(io_, *fetcher, {Trusted(server_.Url("/a")), Trusted(server_.Url("/b"))});
  EXPECT_EQ(results[0].status, 429);
  EXPECT_EQ(results[1].error, FetchError::kHttp);
  EXPECT_NE(results[1].error_message.find("not fetched"), std::string::npos)
      << results[1].error_message;
  EXPECT_EQ(results[1].retry_at, results[0].retry_at);
  EXPECT_TRUE(server_.RequestsFor("/b").empty()) << "the host asked for quiet";
  clock_.Advance(std::chrono::minutes(11));
  EXPECT_TRUE(FetchOne(io_, *fetcher, Trusted(server_.Url("/b"))).ok())
      << "and gets asked again after";
}

TEST_F(FetcherPolicyTest, ServerErrorsAreRetriedWithBackoffThenReported) {
  server_.Route("/down", Reply{.status = 500});
  FetcherOptions options = TestOptions();
  options.max_retries = 1;
  auto fetcher = Make(options);
  FetchResponse r = FetchOne(io_, *fetcher, Trusted(server_.Url("/down")));
  EXPECT_EQ(r.error, FetchError::kHttp);
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.attempts, 2);
  ASSERT_TRUE(r.retry_at.has_value());
  EXPECT_GT(*r.retry_at, clock_.Now());
  auto reqs = server_.Requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_GE(reqs[1].arrival - reqs[0].arrival, milliseconds(980)) << "backoff of at least 1 s";
}

// With a proxy the proxy resolves names: the guard checks IP literals and the
// names it can resolve locally, and pins nothing. The test server plays the
// proxy (it sees absolute-form targets).
TEST_F(FetcherPolicyTest, BehindAProxyTheGuardChecksWhatItCan) {
  server_.Route("http://public.test/page", Reply{.body = "via proxy"});
  resolver_.answers["inside.test"] = {"10.9.8.7"};
  FetcherOptions options = TestOptions();
  options.proxy = server_.Url("");
  auto fetcher = Make(options);
  auto results = FetchAll(io_, *fetcher,
                          {Discovered("http://public.test/page"), Discovered("http://10.0.0.5/"),
                           Discovered("http://inside.test/"), Discovered("http://[::1]:8080/")});
  ASSERT_TRUE(results[0].ok()) << results[0].error_message;
  EXPECT_EQ(results[0].body, "via proxy");
  EXPECT_EQ(results[1].error, FetchError::kRefusedGuard);
  EXPECT_EQ(results[2].error, FetchError::kRefusedGuard);
  EXPECT_EQ(results[3].error, FetchError::kRefusedGuard);
  ASSERT_EQ(server_.Requests().size(), 1u) << "refused URLs never reach the proxy";
  EXPECT_EQ(server_.Requests()[0].target, "http://public.test/page");
  EXPECT_EQ(resolver_.hosts, (std::vector<std::string>{"public.test", "inside.test"}));
}

}  // namespace
}  // namespace meetleak
