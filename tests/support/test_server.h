// TestServer: a loopback HTTP or HTTPS server for tests (Boost.Beast, its own
// thread). Routes are set by the test; every request is recorded.
//
//   TestServer server;                                   // http://127.0.0.1:<ephemeral>
//   server.Route("/feed.xml", {.body = "<rss>…</rss>",
//                              .headers = {{"Content-Type", "application/rss+xml"}}});
//   server.Route("/slow", {.body = big, .drip_bytes = 10, .drip_every = 100ms});
//   Fetch(server.Url("/feed.xml"));
//   EXPECT_EQ(server.Requests().size(), 1u);
//
//   TestServer tls({.tls = true});                       // self-signed; CA file:
//   TestServer::CertificatePath()                        // pass as ca_bundle
//
// Binds `address` (any 127.x.y.z) on `port` (0: ephemeral). Keep-alive
// connections are served; unrouted paths answer 404. Routes match the
// request target's path (query ignored) unless a route for the full target
// exists. The certificate is made once per process with the `openssl`
// command (subjectAltName IP:127.0.0.1, IP:127.0.0.2, DNS:localhost).
// Thread-safe: Route/Release/Requests may be called while serving. The
// constructor throws std::runtime_error when it cannot listen (tests only).
#ifndef MEETLEAK_TESTS_SUPPORT_TEST_SERVER_H_
#define MEETLEAK_TESTS_SUPPORT_TEST_SERVER_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace meetleak::testing {

struct Reply {
  int status = 200;
  std::string body{};
  std::vector<std::pair<std::string, std::string>> headers{};  // besides Content-Length
  std::chrono::milliseconds delay{0};                          // wait before answering
  std::size_t drip_bytes = 0;               // > 0: body sent this many bytes at a time …
  std::chrono::milliseconds drip_every{0};  // … with this pause between pieces
  bool close_mid_body = false;              // announce the whole length, send half, close
  bool gzip = false;                        // body sent gzip-compressed (Content-Encoding)
  std::string hold{};                       // non-empty: answer only after Release(hold)
};

struct RecordedRequest {
  std::string method;
  std::string target;                                        // as sent: path and query
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  std::chrono::steady_clock::time_point arrival;
  int in_flight = 0;   // requests being handled at arrival, this one included
  int connection = 0;  // 1, 2, … in order of acceptance
  std::string body;    // the request body (POSTs)
  std::string Header(std::string_view lower_name) const;  // "" when absent
};

class TestServer {
 public:
  struct Options {
    std::string address = "127.0.0.1";
    std::uint16_t port = 0;
    bool tls = false;
    // TCP_NODELAY on accepted sockets: head and body are two writes, and
    // without it each keep-alive answer waits for the client's delayed ACK
    // (~40 ms). Off by default: the CurlAsio tests count socket events of
    // the slower exchange.
    bool no_delay = false;
  };
  using Handler = std::function<Reply(const RecordedRequest&)>;

  TestServer();
  explicit TestServer(Options options);
  ~TestServer();  // releases every hold, stops and joins the thread
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  std::uint16_t port() const;
  // "http://127.0.0.1:PORT" + target ("https://…" with tls).
  std::string Url(std::string_view target = "/") const;

  void Route(const std::string& path, Reply reply);
  void Route(const std::string& path, Handler handler);
  // Answers every request that no Route names (instead of 404): a handler
  // that dispatches on the path itself (e.g. the Zoom API stand-in).
  void RouteAll(Handler handler);
  void Release(const std::string& hold);

  std::vector<RecordedRequest> Requests() const;
  std::vector<RecordedRequest> RequestsFor(std::string_view path) const;
  int max_in_flight() const;  // most requests ever handled at once
  int connections() const;    // connections accepted so far

  // PEM file of the self-signed certificate every TLS TestServer uses.
  static std::string CertificatePath();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// `data` compressed as a gzip member (for tests that build bodies by hand).
std::string GzipForTest(std::string_view data);

}  // namespace meetleak::testing

#endif  // MEETLEAK_TESTS_SUPPORT_TEST_SERVER_H_
