// RunPass: one crawl pass over `targets` — an io_context, the real fetcher,
// the Crawler and `sink` — and, on a terminal, a live progress line on stderr.
//
// StopSignals: SIGINT/SIGTERM for the whole command, so that no signal is
// lost between phases. Construct it first, before any thread starts: it
// blocks both signals and waits for them on a thread of its own (sigwait).
// The first signal asks the current phase to stop (a pass finishes the
// documents in flight; a daemon's sleep ends); the second exits at once with
// the phase's exit code (committed transactions are durable: the DB stays
// intact).
#ifndef MEETLEAK_CLI_PASS_H_
#define MEETLEAK_CLI_PASS_H_

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "cli/context.h"
#include "cli/store_sink.h"
#include "crawler/asio.h"
#include "crawler/crawler.h"
#include "crawler/fetcher.h"

namespace meetleak::cli {

class StopSignals {
 public:
  StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;
  // The current phase: `stop` is posted to `io` on the first signal (at once
  // if one already came). Clear(): the phase is over.
  void OnStop(boost::asio::io_context* io, std::function<void()> stop);
  void Clear() { OnStop(nullptr, nullptr); }
  void set_exit_code(int code) { exit_code_ = code; }
  bool stop_requested() const { return signals_seen_ > 0; }
  // Cancelled by the first signal: work that runs outside any io_context (a
  // local document's matching) polls it.
  const CancelToken& stop_token() const { return stop_token_; }

 private:
  void WaitLoop();
  std::mutex mu_;
  boost::asio::io_context* io_ = nullptr;
  std::shared_ptr<std::function<void()>> stop_;
  std::atomic<int> signals_seen_{0};
  std::atomic<int> exit_code_{0};
  CancelToken stop_token_;
};

struct PassOptions {
  FetcherOptions fetcher;
  bool progress = true;  // progress line / per-source log lines
};

struct PassSummary {
  CrawlStats stats;
  double seconds = 0;
  bool interrupted = false;  // a signal stopped it
};

Result<PassSummary> RunPass(Context& ctx, StopSignals& signals, const Inventory& inventory,
                            std::vector<CrawlTarget> targets, const PassOptions& options,
                            StoreSink& sink);

}  // namespace meetleak::cli

#endif  // MEETLEAK_CLI_PASS_H_
