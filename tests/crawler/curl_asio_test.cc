// The curl↔Asio glue, one test per trap (see crawler/curl_asio.h).
#include "crawler/curl_asio.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "tests/crawler/fetch_helpers.h"
#include "tests/support/test_server.h"

namespace meetleak::crawler_internal {
namespace {

using std::chrono::milliseconds;
using testing::Reply;
using testing::RunUntil;
using testing::TestServer;

struct Easy {
  explicit Easy(const std::string& url, long timeout_ms = 20'000) : handle(curl_easy_init()) {
    curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
    curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, &Easy::Write);
    curl_easy_setopt(handle, CURLOPT_WRITEDATA, this);
  }
  ~Easy() { curl_easy_cleanup(handle); }
  static size_t Write(char* d, size_t s, size_t n, void* p) {
    static_cast<Easy*>(p)->body.append(d, s * n);
    return s * n;
  }
  CURL* handle;
  std::string body;
  std::optional<CURLcode> result;
};

void Start(CurlAsio& driver, Easy& easy) {
  ASSERT_TRUE(driver.Add(easy.handle, [&easy](CURLcode rc) { easy.result = rc; }).ok());
}

TEST(CurlAsioTest, ReArmsTheSocketWaitAfterEveryEvent) {
  TestServer server;
  server.Route(
      "/drip",
      Reply{.body = std::string(40, 'x'), .drip_bytes = 2, .drip_every = milliseconds(10)});
  boost::asio::io_context io;
  CurlAsio driver(io);
  Easy easy(server.Url("/drip"));
  Start(driver, easy);
  RunUntil(io, [&] { return easy.result.has_value(); });
  EXPECT_EQ(*easy.result, CURLE_OK);
  EXPECT_EQ(easy.body, std::string(40, 'x'));
  EXPECT_GE(driver.stats().socket_events, 20) << "one wait would have seen only the first piece";
  EXPECT_EQ(driver.stats().multi_errors, 0);
}

TEST(CurlAsioTest, ZeroMillisecondTimerIsPostedNotCalledInside) {
  TestServer server;
  server.Route("/", Reply{.body = "hello"});
  boost::asio::io_context io;
  CurlAsio driver(io);
  Easy easy(server.Url("/"));
  Start(driver, easy);
  // libcurl asks for a 0 ms timeout from inside curl_multi_add_handle; acting
  // on it there would be a recursive API call (CURLM_RECURSIVE_API_CALL).
  EXPECT_GE(driver.stats().zero_ms_timers, 1);
  EXPECT_FALSE(easy.result.has_value()) << "done must not run inside Add()";
  RunUntil(io, [&] { return easy.result.has_value(); });
  EXPECT_EQ(*easy.result, CURLE_OK);
  EXPECT_EQ(easy.body, "hello");
  EXPECT_EQ(driver.stats().multi_errors, 0);
}

// A name that resolves from /etc/hosts to loopback without DNS and that
// libcurl does not special-case (it answers "localhost" itself).
std::string LoopbackNameFromHosts() {
  std::ifstream hosts("/etc/hosts");
  std::string line;
  while (std::getline(hosts, line)) {
    std::istringstream fields(line.substr(0, line.find('#')));
    std::string address, name;
    if (!(fields >> address) || address.rfind("127.", 0) != 0) continue;
    while (fields >> name) {
      if (name.find("localhost") == std::string::npos) return name;
    }
  }
  return "";
}

TEST(CurlAsioTest, WatchesDescriptorsLibcurlOpensItselfWithoutClosingThem) {
  std::string name = LoopbackNameFromHosts();
  if (name.empty()) GTEST_SKIP() << "/etc/hosts names no loopback host besides localhost";
  int fds_before = testing::OpenDescriptors();
  {
    TestServer server;  // its own sockets are counted too: gone with it
    server.Route("/", Reply{.body = "via resolver"});
    boost::asio::io_context io;
    CurlAsio driver(io);
    // The resolver thread may finish before libcurl asks to watch its
    // socketpair; a few fresh lookups make that race irrelevant.
    for (int attempt = 0; attempt < 20 && driver.stats().foreign_sockets == 0; ++attempt) {
      Easy easy("http://" + name + ":" + std::to_string(server.port()) + "/");
      curl_easy_setopt(easy.handle, CURLOPT_DNS_CACHE_TIMEOUT, 0L);
      curl_easy_setopt(easy.handle, CURLOPT_FRESH_CONNECT,
                       1L);  // a reused connection skips the lookup
      Start(driver, easy);
      RunUntil(io, [&] { return easy.result.has_value(); });
      EXPECT_EQ(*easy.result, CURLE_OK);
      EXPECT_EQ(easy.body, "via resolver");
    }
    // The threaded resolver's socketpair reached the socket callback.
    EXPECT_GE(driver.stats().foreign_sockets, 1);
    EXPECT_GE(driver.stats().sockets_opened, 1);
  }
  EXPECT_EQ(testing::OpenDescriptors(), fds_before) << "a descriptor leaked or was closed twice";
}

TEST(CurlAsioTest, OwnsSocketsAndClosesEachExactlyOnce) {
  int fds_before = testing::OpenDescriptors();
  std::int64_t opened = 0;
  {
    TestServer server;  // its own sockets are counted too: gone with it
    server.Route("/", Reply{.body = "x"});
    boost::asio::io_context io;
    CurlAsio driver(io);
    std::vector<std::unique_ptr<Easy>> easies;
    for (int i = 0; i < 8; ++i) {
      easies.push_back(std::make_unique<Easy>(server.Url("/")));
      Start(driver, *easies.back());
    }
    RunUntil(io, [&] {
      return std::all_of(easies.begin(), easies.end(),
                         [](auto& e) { return e->result.has_value(); });
    });
    opened = driver.stats().sockets_opened;
    EXPECT_GE(opened, 1);
    // Finished transfers leave their connections cached, not closed.
    EXPECT_LT(driver.stats().sockets_closed, opened);
  }
  EXPECT_EQ(testing::OpenDescriptors(), fds_before);
}

TEST(CurlAsioTest, RemovedSocketIsReAddedWhenTheConnectionIsReused) {
  TestServer server;
  server.Route("/", Reply{.body = "again"});
  boost::asio::io_context io;
  CurlAsio driver(io);
  for (int i = 0; i < 3; ++i) {
    Easy easy(server.Url("/"));
    Start(driver, easy);
    RunUntil(io, [&] { return easy.result.has_value(); });
    EXPECT_EQ(*easy.result, CURLE_OK);
    EXPECT_EQ(easy.body, "again");
  }
  EXPECT_EQ(server.connections(), 1) << "the three requests share one kept-alive connection";
  EXPECT_GE(driver.stats().readds, 2);
  EXPECT_EQ(driver.stats().sockets_opened, 1);
}

// Runs `n` transfers of `url` at once to the end.
void RunBatch(boost::asio::io_context& io, CurlAsio& driver, const std::string& url, int n) {
  std::vector<std::unique_ptr<Easy>> easies;
  for (int i = 0; i < n; ++i) {
    easies.push_back(std::make_unique<Easy>(url));
    Start(driver, *easies.back());
  }
  RunUntil(io, [&] {
    return std::all_of(easies.begin(), easies.end(), [](auto& e) { return e->result.has_value(); });
  });
  for (auto& e : easies) EXPECT_EQ(e->result.value_or(CURLE_COULDNT_CONNECT), CURLE_OK);
}

TEST(CurlAsioTest, KeepsAConnectionPerTransferThatMayRunWhenFewerRun) {
  // libcurl's default keeps four connections per handle added at the time:
  // as a batch ends with few handles left, it closes the others, and the
  // next batch connects again.
  TestServer server;
  server.Route("/", Reply{.body = "page", .delay = milliseconds(50)});
  boost::asio::io_context io;
  CurlAsio driver(io, /*max_connections=*/8);
  for (int round = 0; round < 3; ++round) {
    RunBatch(io, driver, server.Url("/"), 8);
    RunBatch(io, driver, server.Url("/"), 1);
  }
  EXPECT_EQ(server.connections(), 8);
  EXPECT_EQ(driver.stats().sockets_opened, 8);
}

TEST(CurlAsioTest, DrainsEveryCompletionOfOneAction) {
  TestServer server;
  server.Route("/hold", Reply{.body = "late", .hold = "never"});
  boost::asio::io_context io;
  CurlAsio driver(io);
  std::vector<std::unique_ptr<Easy>> easies;
  for (int i = 0; i < 20; ++i) {
    easies.push_back(std::make_unique<Easy>(server.Url("/hold"), 400));
    Start(driver, *easies.back());
  }
  // They time out together: one timer action completes many transfers, and
  // every one must be read from curl_multi_info_read, not just the first.
  RunUntil(
      io,
      [&] {
        return std::all_of(easies.begin(), easies.end(),
                           [](auto& e) { return e->result.has_value(); });
      },
      std::chrono::seconds(10));
  for (auto& e : easies) EXPECT_EQ(e->result.value_or(CURLE_OK), CURLE_OPERATION_TIMEDOUT);
  EXPECT_EQ(driver.stats().completed, 20);
  EXPECT_EQ(driver.active(), 0u);
}

TEST(CurlAsioTest, ShutsDownCleanlyWithTransfersInFlight) {
  int fds_before = testing::OpenDescriptors();
  std::vector<std::unique_ptr<Easy>> easies;
  {
    TestServer server;  // its own sockets are counted too: gone with it
    server.Route("/hold", Reply{.body = "late", .hold = "never"});
    boost::asio::io_context io;
    auto driver = std::make_unique<CurlAsio>(io);
    for (int i = 0; i < 20; ++i) {
      easies.push_back(std::make_unique<Easy>(server.Url("/hold")));
      Start(*driver, *easies.back());
    }
    RunUntil(io, [&] { return server.Requests().size() == 20; });
    EXPECT_EQ(driver->active(), 20u);
    driver.reset();  // in flight: sockets closed once, no callback runs
    io.restart();
    io.poll();  // handlers of cancelled waits must find nothing to touch
  }
  for (auto& e : easies) EXPECT_FALSE(e->result.has_value());
  easies.clear();
  EXPECT_EQ(testing::OpenDescriptors(), fds_before);
}

TEST(CurlAsioTest, RemoveStopsATransferWithoutCallingDone) {
  TestServer server;
  server.Route("/hold", Reply{.body = "late", .hold = "never"});
  server.Route("/", Reply{.body = "ok"});
  boost::asio::io_context io;
  CurlAsio driver(io);
  Easy held(server.Url("/hold"));
  Start(driver, held);
  RunUntil(io, [&] { return server.Requests().size() == 1; });
  driver.Remove(held.handle);
  EXPECT_EQ(driver.active(), 0u);
  Easy next(server.Url("/"));
  Start(driver, next);
  RunUntil(io, [&] { return next.result.has_value(); });
  EXPECT_EQ(*next.result, CURLE_OK);
  EXPECT_FALSE(held.result.has_value());
}

// The armed timer is kept when libcurl moves its deadline later (re-arming
// costs a timerfd write); when it then fires early it must re-arm for the
// deadline libcurl wants, because libcurl does not repeat an unchanged one.
TEST(CurlAsioTest, TimerFiringEarlyReArmsForTheLaterDeadline) {
  TestServer server;
  server.Route("/hold", Reply{.body = "late", .hold = "never"});
  boost::asio::io_context io;
  CurlAsio driver(io);
  Easy soon(server.Url("/hold"), 300);
  Easy later(server.Url("/hold"), 1500);
  Start(driver, soon);
  Start(driver, later);
  RunUntil(io, [&] { return server.Requests().size() == 2; });
  driver.Remove(soon.handle);  // libcurl's next deadline is now later's, ~1.2 s after the armed one
  auto removed_at = std::chrono::steady_clock::now();
  RunUntil(
      io, [&] { return later.result.has_value(); }, std::chrono::seconds(10));
  EXPECT_EQ(later.result.value_or(CURLE_OK), CURLE_OPERATION_TIMEDOUT);
  EXPECT_GE(std::chrono::steady_clock::now() - removed_at, milliseconds(900))
      << "not acted on early";
  EXPECT_FALSE(soon.result.has_value());
}

}  // namespace
}  // namespace meetleak::crawler_internal
