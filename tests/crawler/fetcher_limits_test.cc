// Limits and politeness of the fetcher, read from the loopback server's
// records: body caps, timeouts, robots.txt, per-host concurrency and delay,
// many transfers in flight, TLS verification, cancellation.
#include <gtest/gtest.h>

#include <map>

#include "crawler/fetcher.h"
#include "tests/crawler/fetch_helpers.h"
#include "tests/support/test_server.h"

namespace meetleak {
namespace {

using std::chrono::milliseconds;
using testing::FetchAll;
using testing::FetchOne;
using testing::Reply;
using testing::RunUntil;
using testing::TestOptions;
using testing::TestServer;
using testing::Trusted;

class FetcherLimitsTest : public ::testing::Test {
 protected:
  std::unique_ptr<Fetcher> Make(FetcherOptions options = TestOptions()) {
    return NewCurlFetcher(io_, options, nullptr, nullptr, nullptr);
  }
  std::vector<FetchRequest> Many(const std::string& path, int n) {
    std::vector<FetchRequest> out;
    for (int i = 0; i < n; ++i)
      out.push_back(Trusted(server_.Url(path + "?i=" + std::to_string(i))));
    return out;
  }
  boost::asio::io_context io_;
  TestServer server_;
};

TEST_F(FetcherLimitsTest, SlowDripIsAborted) {
  server_.Route(
      "/drip",
      Reply{.body = std::string(4000, 'x'), .drip_bytes = 1, .drip_every = milliseconds(100)});
  FetcherOptions options = TestOptions();
  options.low_speed_bytes = 1000;
  options.low_speed_s = 1;
  FetchResponse r = FetchOne(io_, *Make(options), Trusted(server_.Url("/drip")));
  EXPECT_EQ(r.error, FetchError::kTimeout) << r.error_message;
}

TEST_F(FetcherLimitsTest, TotalTimeoutAborts) {
  server_.Route("/stall", Reply{.body = "late", .hold = "never"});
  FetcherOptions options = TestOptions();
  options.timeout_s = 1;
  FetchResponse r = FetchOne(io_, *Make(options), Trusted(server_.Url("/stall")));
  EXPECT_EQ(r.error, FetchError::kTimeout);
  EXPECT_TRUE(r.retry_at.has_value());
}

TEST_F(FetcherLimitsTest, OversizeBodyIsCut) {
  server_.Route("/big", Reply{.body = std::string(3'000'000, 'a')});
  server_.Route("/fits", Reply{.body = std::string(1'000'000, 'b')});
  FetcherOptions options = TestOptions();
  options.max_body_bytes = 1'000'000;
  auto results =
      FetchAll(io_, *Make(options), {Trusted(server_.Url("/big")), Trusted(server_.Url("/fits"))});
  EXPECT_EQ(results[0].error, FetchError::kTooLarge);
  EXPECT_TRUE(results[0].body.empty());
  EXPECT_NE(results[0].error_message.find("max_body_bytes"), std::string::npos);
  ASSERT_TRUE(results[1].ok()) << results[1].error_message;
  EXPECT_EQ(results[1].body.size(), 1'000'000u);
}

TEST_F(FetcherLimitsTest, GzipIsDecodedAndGzipBombIsCutAtTheDecodedCap) {
  server_.Route("/gz", Reply{.body = "<p>compressed page</p>", .gzip = true});
  // 16 MB of zeros in ~16 KB: compressed once here, served as is.
  static const std::string bomb = testing::GzipForTest(std::string(16'000'000, '\0'));
  ASSERT_LT(bomb.size(), 100'000u);
  server_.Route("/bomb", Reply{.body = bomb, .headers = {{"Content-Encoding", "gzip"}}});
  FetcherOptions options = TestOptions();
  options.max_body_bytes = 1'000'000;
  auto results =
      FetchAll(io_, *Make(options), {Trusted(server_.Url("/gz")), Trusted(server_.Url("/bomb"))});
  ASSERT_TRUE(results[0].ok()) << results[0].error_message;
  EXPECT_EQ(results[0].body, "<p>compressed page</p>");
  EXPECT_EQ(results[1].error, FetchError::kTooLarge);
  EXPECT_TRUE(results[1].body.empty());
  EXPECT_NE(server_.Requests()[0].Header("accept-encoding").find("gzip"), std::string::npos);
}

TEST_F(FetcherLimitsTest, ServerClosingMidBodyIsANetworkErrorRetried) {
  server_.Route("/cut", Reply{.body = std::string(100'000, 'c'), .close_mid_body = true});
  FetcherOptions options = TestOptions();
  options.max_retries = 1;
  FetchResponse r = FetchOne(io_, *Make(options), Trusted(server_.Url("/cut")));
  EXPECT_EQ(r.error, FetchError::kNetwork) << r.error_message;
  EXPECT_EQ(r.attempts, 2);
  EXPECT_EQ(server_.RequestsFor("/cut").size(), 2u);
  EXPECT_TRUE(r.retry_at.has_value());
}

TEST_F(FetcherLimitsTest, ConnectionRefusedIsAConnectError) {
  std::string url;
  {
    TestServer gone;
    url = gone.Url("/");
  }
  FetchResponse r = FetchOne(io_, *Make(), Trusted(url));
  EXPECT_EQ(r.error, FetchError::kConnect) << r.error_message;
}

TEST_F(FetcherLimitsTest, PerHostConcurrencyIsNeverExceeded) {
  server_.Route("/slow", Reply{.body = "s", .delay = milliseconds(100)});
  FetcherOptions options = TestOptions();
  options.per_host = 2;
  auto results = FetchAll(io_, *Make(options), Many("/slow", 10));
  for (const FetchResponse& r : results) EXPECT_TRUE(r.ok()) << r.error_message;
  EXPECT_LE(server_.max_in_flight(), 2);
  EXPECT_EQ(server_.max_in_flight(), 2) << "the limit is used, not just respected";
}

TEST_F(FetcherLimitsTest, GlobalConcurrencyIsNeverExceeded) {
  server_.Route("/slow", Reply{.body = "s", .delay = milliseconds(100)});
  FetcherOptions options = TestOptions();
  options.concurrency = 3;
  options.per_host = 50;
  FetchAll(io_, *Make(options), Many("/slow", 12));
  EXPECT_LE(server_.max_in_flight(), 3);
}

TEST_F(FetcherLimitsTest, ConnectionsAreKeptForTheWholeFetchWindow) {
  // Batches of a full window, then a lone fetch: a pass's ebb and flow.
  server_.Route("/slow", Reply{.body = "s", .delay = milliseconds(50)});
  FetcherOptions options = TestOptions();
  options.concurrency = 8;
  options.per_host = 8;
  std::unique_ptr<Fetcher> fetcher = Make(options);
  for (int round = 0; round < 3; ++round) {
    for (const FetchResponse& r : FetchAll(io_, *fetcher, Many("/slow", 8))) EXPECT_TRUE(r.ok());
    EXPECT_TRUE(FetchOne(io_, *fetcher, Trusted(server_.Url("/slow"))).ok());
  }
  EXPECT_EQ(server_.connections(), 8) << "connections were closed and opened again";
}

void ExpectGapsAtLeast(const std::vector<testing::RecordedRequest>& reqs, milliseconds least) {
  for (std::size_t i = 1; i < reqs.size(); ++i) {
    EXPECT_GE(reqs[i].arrival - reqs[i - 1].arrival, least)
        << "between requests " << i - 1 << " and " << i;
  }
}

TEST_F(FetcherLimitsTest, PerHostDelayIsRespectedWhateverTheConcurrency) {
  server_.Route("/p", Reply{.body = "p"});
  FetcherOptions options = TestOptions();
  options.per_host = 4;
  options.delay_ms = 200;
  auto results = FetchAll(io_, *Make(options), Many("/p", 5));
  for (const FetchResponse& r : results) EXPECT_TRUE(r.ok());
  auto reqs = server_.Requests();
  ASSERT_EQ(reqs.size(), 5u);
  ExpectGapsAtLeast(reqs, milliseconds(180));
}

// A HostGate standing in for the database's host leases.
class FakeGate : public HostGate {
 public:
  Answer Ask(const std::string& host) override {
    asked.push_back(host);
    return answers.empty() ? Ours() : Next();
  }
  void HeldUntil(const std::string& host, TimePoint until) override { held[host] = until; }
  void Idle(const std::string& host) override { idle.push_back(host); }
  Answer Next() {
    Answer a = answers.front();
    if (answers.size() > 1) answers.erase(answers.begin());
    return a;
  }
  static Answer Ours(TimePoint last_start = {}) {
    Answer a;
    a.ours = true;
    a.last_start = last_start;
    return a;
  }
  static Answer HeldElsewhere(TimePoint retry_at) {
    Answer a;
    a.retry_at = retry_at;
    return a;
  }
  std::vector<Answer> answers;  // in turn; the last one stays
  std::vector<std::string> asked;
  std::vector<std::string> idle;
  std::map<std::string, TimePoint> held;
};

// A host the gate cleared is reported idle once nothing runs or waits for
// it (the worker may then give its lease back), and asked again before the
// next request to it; a host the gate refused is never reported.
TEST_F(FetcherLimitsTest, AClearedHostIsReportedIdleAndAskedAgainBeforeItsNextRequest) {
  server_.Route("/p", Reply{.body = "p"});
  FakeGate gate;
  FetcherOptions options = TestOptions();
  auto fetcher = NewCurlFetcher(io_, options, nullptr, nullptr, nullptr, &gate);
  auto results =
      FetchAll(io_, *fetcher, {Trusted(server_.Url("/p")), Trusted(server_.Url("/p?2"))});
  ASSERT_TRUE(results[0].ok() && results[1].ok());
  ASSERT_EQ(gate.idle.size(), 1u) << "idle once, after both requests";
  EXPECT_EQ(gate.idle.front(), "127.0.0.1");
  EXPECT_EQ(gate.asked.size(), 1u);
  EXPECT_TRUE(FetchOne(io_, *fetcher, Trusted(server_.Url("/p?3"))).ok());
  EXPECT_EQ(gate.asked.size(), 2u) << "not asked again after it went idle";
  EXPECT_EQ(gate.idle.size(), 2u);
}

TEST_F(FetcherLimitsTest, AHostAnotherWorkerHoldsIsNotFetchedUntilTheGateClearsIt) {
  server_.Route("/p", Reply{.body = "p"});
  FakeGate gate;
  const auto now = std::chrono::system_clock::now();
  gate.answers = {FakeGate::HeldElsewhere(now + milliseconds(300)), FakeGate::Ours()};
  FetcherOptions options = TestOptions();
  auto fetcher = NewCurlFetcher(io_, options, nullptr, nullptr, nullptr, &gate);
  const auto start = std::chrono::steady_clock::now();
  FetchResponse r = FetchOne(io_, *fetcher, Trusted(server_.Url("/p")));
  EXPECT_TRUE(r.ok()) << r.error_message;
  auto reqs = server_.Requests();
  ASSERT_FALSE(reqs.empty());
  EXPECT_GE(reqs.front().arrival - start, milliseconds(280)) << "fetched from a held host";
  ASSERT_GE(gate.asked.size(), 2u) << "asked again at the holder's expiry";
  EXPECT_EQ(gate.asked.front(), "127.0.0.1");
}

TEST_F(FetcherLimitsTest, AnotherWorkersLastRequestCountsForTheDelay) {
  server_.Route("/p", Reply{.body = "p"});
  FakeGate gate;
  gate.answers = {FakeGate::Ours(std::chrono::system_clock::now())};
  FetcherOptions options = TestOptions();
  options.delay_ms = 400;
  auto fetcher = NewCurlFetcher(io_, options, nullptr, nullptr, nullptr, &gate);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(FetchOne(io_, *fetcher, Trusted(server_.Url("/p"))).ok());
  auto reqs = server_.Requests();
  ASSERT_FALSE(reqs.empty());
  EXPECT_GE(reqs.front().arrival - start, milliseconds(350));
}

TEST_F(FetcherLimitsTest, RobotsTxtIsObeyedAndFetchedOncePerOrigin) {
  server_.Route("/robots.txt", Reply{.body = "User-agent: *\nDisallow: /\n\nUser-agent: "
                                             "meetleak\nDisallow: /private\nAllow: /private/ok\n"});
  server_.Route("/public", Reply{.body = "pub"});
  server_.Route("/private/ok", Reply{.body = "ok"});
  FetcherOptions options = TestOptions();
  options.respect_robots = true;
  auto results = FetchAll(io_, *Make(options),
                          {Trusted(server_.Url("/public")), Trusted(server_.Url("/private/x")),
                           Trusted(server_.Url("/private/ok")), Trusted(server_.Url("/public?2"))});
  EXPECT_TRUE(results[0].ok()) << results[0].error_message;
  EXPECT_EQ(results[1].error, FetchError::kRobots);
  EXPECT_NE(results[1].error_message.find("robots.txt"), std::string::npos);
  EXPECT_TRUE(results[2].ok());
  EXPECT_TRUE(results[3].ok());
  EXPECT_EQ(server_.RequestsFor("/robots.txt").size(), 1u);
  EXPECT_TRUE(server_.RequestsFor("/private/x").empty());
}

TEST_F(FetcherLimitsTest, RobotsServerErrorDisallowsAndNotFoundAllows) {
  TestServer failing;
  failing.Route("/robots.txt", Reply{.status = 503});
  failing.Route("/page", Reply{.body = "p"});
  server_.Route("/page", Reply{.body = "p"});  // no robots.txt route: 404
  FetcherOptions options = TestOptions();
  options.respect_robots = true;
  auto results =
      FetchAll(io_, *Make(options), {Trusted(failing.Url("/page")), Trusted(server_.Url("/page"))});
  EXPECT_EQ(results[0].error, FetchError::kRobots);
  EXPECT_TRUE(failing.RequestsFor("/page").empty());
  EXPECT_TRUE(results[1].ok()) << results[1].error_message;
}

TEST_F(FetcherLimitsTest, CrawlDelayRaisesThePerHostDelay) {
  server_.Route("/robots.txt", Reply{.body = "User-agent: *\nCrawl-delay: 0.3\n"});
  server_.Route("/p", Reply{.body = "p"});
  FetcherOptions options = TestOptions();
  options.respect_robots = true;
  options.per_host = 4;
  FetchAll(io_, *Make(options), Many("/p", 4));
  auto reqs = server_.Requests();
  ASSERT_EQ(reqs.size(), 5u);  // robots.txt, then the pages
  ExpectGapsAtLeast(std::vector<testing::RecordedRequest>(reqs.begin() + 1, reqs.end()),
                    milliseconds(280));
}

TEST_F(FetcherLimitsTest, FiveHundredTransfersInFlight) {
  ASSERT_TRUE(testing::RaiseDescriptorLimit(4096)) << "needs 4096 descriptors";
  server_.Route("/hold", Reply{.body = "released", .hold = "go"});
  FetcherOptions options = TestOptions();
  options.concurrency = 500;
  options.per_host = 500;
  auto fetcher = Make(options);
  std::vector<FetchResponse> results(500);
  int remaining = 500;
  for (int i = 0; i < 500; ++i) {
    fetcher->Fetch(Trusted(server_.Url("/hold?i=" + std::to_string(i))), [&, i](FetchResponse r) {
      results[i] = std::move(r);
      --remaining;
    });
  }
  RunUntil(io_, [&] { return server_.Requests().size() == 500; });
  EXPECT_EQ(server_.max_in_flight(), 500);
  server_.Release("go");
  RunUntil(io_, [&] { return remaining == 0; });
  for (const FetchResponse& r : results) {
    EXPECT_TRUE(r.ok()) << r.error_message;
    EXPECT_EQ(r.body, "released");
  }
}

TEST_F(FetcherLimitsTest, SelfSignedHttpsIsRefusedUnlessItsCertificateIsTrusted) {
  TestServer tls({.tls = true});
  tls.Route("/", Reply{.body = "secure"});
  FetchResponse refused = FetchOne(io_, *Make(), Trusted(tls.Url("/")));
  EXPECT_EQ(refused.error, FetchError::kTls) << refused.error_message;
  EXPECT_TRUE(tls.Requests().empty());
  FetcherOptions options = TestOptions();
  options.ca_bundle = TestServer::CertificatePath();
  FetchResponse accepted = FetchOne(io_, *Make(options), Trusted(tls.Url("/")));
  ASSERT_TRUE(accepted.ok()) << accepted.error_message;
  EXPECT_EQ(accepted.body, "secure");
  FetcherOptions unverified = TestOptions();
  unverified.verify_tls = false;  // the config's escape hatch, off by default
  EXPECT_TRUE(FetchOne(io_, *Make(unverified), Trusted(tls.Url("/"))).ok());
}

TEST_F(FetcherLimitsTest, CancelAllAnswersEveryRequest) {
  server_.Route("/hold", Reply{.body = "x", .hold = "never"});
  FetcherOptions options = TestOptions();
  options.per_host = 3;
  auto fetcher = Make(options);
  std::vector<FetchError> errors;
  for (int i = 0; i < 8; ++i) {  // 3 running, 5 queued
    fetcher->Fetch(Trusted(server_.Url("/hold?i=" + std::to_string(i))),
                   [&errors](FetchResponse r) { errors.push_back(r.error); });
  }
  RunUntil(io_, [&] { return server_.Requests().size() == 3; });
  fetcher->CancelAll();
  RunUntil(io_, [&] { return errors.size() == 8; });
  for (FetchError e : errors) EXPECT_EQ(e, FetchError::kCancelled);
}

TEST_F(FetcherLimitsTest, DestroyingTheFetcherInFlightCancelsAndLeaksNothing) {
  int fds_before = testing::OpenDescriptors();
  std::vector<FetchError> errors;
  {
    TestServer server;  // its own sockets are counted too: gone with it
    server.Route("/hold", Reply{.body = "x", .hold = "never"});
    boost::asio::io_context io;  // its reactor's descriptors are counted too
    auto fetcher = NewCurlFetcher(io, TestOptions(), nullptr);
    for (int i = 0; i < 4; ++i) {
      fetcher->Fetch(Trusted(server.Url("/hold?i=" + std::to_string(i))),
                     [&errors](FetchResponse r) { errors.push_back(r.error); });
    }
    RunUntil(io, [&] { return server.Requests().size() == 2; });
    fetcher.reset();
    RunUntil(io, [&] { return errors.size() == 4; });
  }
  for (FetchError e : errors) EXPECT_EQ(e, FetchError::kCancelled);
  EXPECT_EQ(testing::OpenDescriptors(), fds_before);
}

}  // namespace
}  // namespace meetleak
