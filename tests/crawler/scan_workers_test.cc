// ScanWorkers: scans run off the fetcher's thread at the lowest priority,
// and their continuations back on it; io.run() ends only after Release().
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <thread>
#include <vector>

#include "crawler/crawler.h"

namespace meetleak {
namespace {

TEST(ScanWorkersTest, WorkRunsAtNiceNineteenOffTheIoThreadAndThenComesBack) {
  boost::asio::io_context io;
  ScanWorkers workers(io, 2);
  Crawler::Offload offload = workers.offload();
  const std::thread::id io_thread = std::this_thread::get_id();
  std::vector<int> nice_seen;
  std::vector<std::thread::id> work_threads, then_threads;
  std::mutex mu;
  int done = 0;
  for (int i = 0; i < 8; ++i) {
    offload(
        [&] {
          std::lock_guard<std::mutex> l(mu);
          errno = 0;
          nice_seen.push_back(getpriority(PRIO_PROCESS, static_cast<id_t>(gettid())));
          work_threads.push_back(std::this_thread::get_id());
        },
        [&] {
          then_threads.push_back(std::this_thread::get_id());
          if (++done == 8) workers.Release();
        });
  }
  io.run();  // returns once every continuation ran and the workers let go
  ASSERT_EQ(done, 8);
  for (int n : nice_seen) EXPECT_EQ(n, 19);
  for (std::thread::id t : work_threads) EXPECT_NE(t, io_thread);
  for (std::thread::id t : then_threads) EXPECT_EQ(t, io_thread);
}

}  // namespace
}  // namespace meetleak
