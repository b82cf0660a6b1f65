// ScanWorkers: the threads a Crawler hands parsing and matching to (its
// Offload), one per core, at the lowest priority.
//
//   boost::asio::io_context io;
//   ScanWorkers workers(io);
//   crawler.set_offload(workers.offload());
//   crawler.set_progress([&](const CrawlStats&) { if (crawler.idle()) workers.Release(); });
//   io.run();
//
// The workers run at niceness 19: they take the CPU the fetching thread
// leaves, so transfers never wait on parsing (measured on the 2-core bench
// box: nice 19 beat 10 and 0 on scripts/bench-crawl --mode full). Nothing
// waits on a worker: a backlog of scans only pauses new fetches
// (Crawler::kHeldFactor). Each scan's `then` is posted back to `io`, which
// the workers keep running (a work guard) until Release(). Threads start
// with SIGINT/SIGTERM blocked as their creator has them (the process's
// signal thread takes those). Destruction stops and joins the threads.
#ifndef MEETLEAK_CRAWLER_SCAN_WORKERS_H_
#define MEETLEAK_CRAWLER_SCAN_WORKERS_H_

#include <memory>

#include "crawler/asio.h"
#include "crawler/crawler.h"

namespace meetleak {

class ScanWorkers {
 public:
  // `io` is the fetcher's and outlives the workers; `threads` 0 is one per core.
  explicit ScanWorkers(boost::asio::io_context& io, unsigned threads = 0);
  ScanWorkers(const ScanWorkers&) = delete;
  ScanWorkers& operator=(const ScanWorkers&) = delete;

  // Runs `work` on a worker, then `then` on `io`'s thread.
  Crawler::Offload offload();
  // Lets `io.run()` return once its other work is done (the pass is idle).
  void Release();

 private:
  using Guard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  boost::asio::io_context& io_;
  boost::asio::thread_pool pool_;
  std::unique_ptr<Guard> guard_;
};

}  // namespace meetleak

#endif  // MEETLEAK_CRAWLER_SCAN_WORKERS_H_
