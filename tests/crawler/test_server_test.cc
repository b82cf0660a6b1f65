// The loopback test server other suites rely on: its records must be true.
#include "tests/support/test_server.h"

#include <gtest/gtest.h>

#include "crawler/fetcher.h"
#include "tests/crawler/fetch_helpers.h"

namespace meetleak {
namespace {

using testing::Reply;
using testing::TestServer;

TEST(TestServerTest, GzipForTestRoundTripsThroughLibcurl) {
  TestServer server;
  std::string text(100'000, 'z');
  server.Route("/gz", Reply{.body = text, .gzip = true});
  boost::asio::io_context io;
  auto fetcher = NewCurlFetcher(io, testing::TestOptions(), nullptr);
  FetchResponse r = testing::FetchOne(io, *fetcher, testing::Trusted(server.Url("/gz")));
  ASSERT_TRUE(r.ok()) << r.error_message;
  EXPECT_EQ(r.body, text);
  EXPECT_LT(testing::GzipForTest(text).size(), 1000u);
}

TEST(TestServerTest, RecordsRequestsAndRoutesByPathOrFullTarget) {
  TestServer server({.address = "127.0.0.3"});
  server.Route("/a", Reply{.body = "path"});
  server.Route("/a?special=1", Reply{.status = 201, .body = "target"});
  boost::asio::io_context io;
  auto fetcher = NewCurlFetcher(io, testing::TestOptions(), nullptr);
  auto results = testing::FetchAll(
      io, *fetcher,
      {testing::Trusted(server.Url("/a?x=2")), testing::Trusted(server.Url("/a?special=1"))});
  EXPECT_EQ(results[0].body, "path");
  EXPECT_EQ(results[1].status, 201);
  auto reqs = server.Requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].method, "GET");
  EXPECT_EQ(server.RequestsFor("/a").size(), 2u);
  EXPECT_TRUE(server.Url().rfind("http://127.0.0.3:", 0) == 0);
}

}  // namespace
}  // namespace meetleak
