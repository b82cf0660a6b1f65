#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <latch>
#include <thread>

#include "crawler/crawler.h"

namespace meetleak {
namespace {

constexpr int kWorkerNice = 19;  // the lowest priority

unsigned ThreadsFor(unsigned asked) {
  return asked > 0 ? asked : std::max(1u, std::thread::hardware_concurrency());
}

void LowerPriority(boost::asio::thread_pool& pool, unsigned threads) {
  // Each job holds its thread until every thread has one. Shared: a waiter
  // may still be inside wait() after this function has returned.
  auto arrived = std::make_shared<std::latch>(threads);
  for (unsigned i = 0; i < threads; ++i) {
    boost::asio::post(pool, [arrived] {
      (void)setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), kWorkerNice);
      arrived->arrive_and_wait();
    });
  }
  arrived->wait();
}

}  // namespace

ScanWorkers::ScanWorkers(boost::asio::io_context& io, unsigned threads)
    : io_(io),
      pool_(ThreadsFor(threads)),
      guard_(std::make_unique<Guard>(boost::asio::make_work_guard(io))) {
  LowerPriority(pool_, ThreadsFor(threads));
}

Crawler::Offload ScanWorkers::offload() {
  return [this](std::function<void()> work, std::function<void()> then) {
    boost::asio::post(pool_, [io = &io_, work = std::move(work), then = std::move(then)] {
      work();
      boost::asio::post(*io, then);
    });
  };
}

void ScanWorkers::Release() { guard_->reset(); }

}  // namespace meetleak
