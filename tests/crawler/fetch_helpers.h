// Helpers shared by the crawler tests: run an io_context until handlers are
// done, a counting resolver, a raised descriptor limit, open-fd counting.
#ifndef MEETLEAK_TESTS_CRAWLER_FETCH_HELPERS_H_
#define MEETLEAK_TESTS_CRAWLER_FETCH_HELPERS_H_

#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "base/asio.h"
#include "crawler/address_guard.h"
#include "crawler/fetcher.h"

namespace meetleak::testing {

// Runs `io` until `done()` is true or `timeout` passes (then a test failure).
template <typename Pred>
void RunUntil(boost::asio::io_context& io, Pred done,
              std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    if (io.stopped()) io.restart();
    io.run_one_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(done()) << "timed out waiting on the io_context";
}

inline std::vector<FetchResponse> FetchAll(boost::asio::io_context& io, Fetcher& fetcher,
                                           const std::vector<FetchRequest>& requests) {
  std::vector<FetchResponse> results(requests.size());
  std::size_t remaining = requests.size();
  for (std::size_t i = 0; i < requests.size(); ++i) {
    fetcher.Fetch(requests[i], [&results, &remaining, i](FetchResponse r) {
      results[i] = std::move(r);
      --remaining;
    });
  }
  RunUntil(io, [&] { return remaining == 0; });
  return results;
}

inline FetchResponse FetchOne(boost::asio::io_context& io, Fetcher& fetcher, FetchRequest request) {
  return FetchAll(io, fetcher, {std::move(request)})[0];
}

inline FetchRequest Trusted(std::string url) {
  FetchRequest r;
  r.url = std::move(url);
  r.trusted = true;
  return r;
}

inline FetchRequest Discovered(std::string url, bool allow_private = false) {
  FetchRequest r;
  r.url = std::move(url);
  r.allow_private_addresses = allow_private;
  return r;
}

// Answers from a table; counts calls (the Zoom rule must come before any).
class CountingResolver : public Resolver {
 public:
  explicit CountingResolver(boost::asio::io_context& io) : io_(io) {}
  void Resolve(const std::string& host, Callback done) override {
    ++calls;
    hosts.push_back(host);
    auto it = answers.find(host);
    Result<std::vector<std::string>> r =
        it == answers.end()
            ? Result<std::vector<std::string>>(Status::Unavailable("no such host " + host))
            : Result<std::vector<std::string>>(it->second);
    boost::asio::post(io_, [done = std::move(done), r]() mutable { done(std::move(r)); });
  }
  std::map<std::string, std::vector<std::string>> answers;
  int calls = 0;
  std::vector<std::string> hosts;

 private:
  boost::asio::io_context& io_;
};

// Options for loopback tests: no politeness delay, no robots, short limits.
inline FetcherOptions TestOptions() {
  FetcherOptions o;
  o.delay_ms = 0;
  o.respect_robots = false;
  o.timeout_s = 20;
  o.max_retries = 0;
  return o;
}

inline int OpenDescriptors() {
  int n = 0;
  if (DIR* d = opendir("/proc/self/fd")) {
    while (readdir(d)) ++n;
    closedir(d);
  }
  return n;
}

inline bool RaiseDescriptorLimit(rlim_t wanted) {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return false;
  if (lim.rlim_cur >= wanted) return true;
  lim.rlim_cur = std::min(wanted, lim.rlim_max);
  return setrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur >= wanted;
}

}  // namespace meetleak::testing

#endif  // MEETLEAK_TESTS_CRAWLER_FETCH_HELPERS_H_
