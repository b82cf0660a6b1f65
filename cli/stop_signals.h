// StopSignals: SIGINT and SIGTERM belong to the process, and this object owns
// them for the process's whole life. Main constructs the one instance first,
// before any other thread starts, and destroys it last:
//
//   int Main(...) {
//     StopSignals signals;  // blocks both; a thread of its own waits for them
//     ...
//     ctx.signals().StopGracefully();          // run, scan of a URL
//     signals.OnStop(&io, [&] { crawler.Stop(); });   // a phase that can stop
//     io.run();
//     signals.Clear();
//   }
//
// The constructor blocks SIGINT and SIGTERM in the calling thread, so every
// thread started later inherits the block and the kernel hands the signals
// to nobody but the waiting thread (a signalfd). What a signal does:
// - by default (commands that only read or write the DB): the process ends by
//   that signal, as if no handler were installed;
// - after StopGracefully(): the first signal asks the current phase to stop
//   (`stop` is posted to the phase's io_context; if no phase is running, the
//   next OnStop posts it at once, so no signal is lost between phases); the
//   second ends the process with set_exit_code()'s code at once (committed
//   transactions are durable: the DB stays intact).
// The destructor stops and joins the waiting thread and restores the calling
// thread's signal mask. Thread-safe: OnStop, Clear, set_exit_code and
// stop_requested may be called from any thread.
#ifndef MEETLEAK_CLI_STOP_SIGNALS_H_
#define MEETLEAK_CLI_STOP_SIGNALS_H_

#include <signal.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "base/asio.h"
#include "matchers/matcher.h"

namespace meetleak::cli {

class StopSignals {
 public:
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // From now on the first signal asks for a stop instead of ending the process.
  void StopGracefully() { graceful_ = true; }
  // The current phase: `stop` is posted to `io` on the first signal (at once
  // if one already came). Clear(): the phase is over.
  void OnStop(boost::asio::io_context* io, std::function<void()> stop);
  void Clear() { OnStop(nullptr, nullptr); }
  void set_exit_code(int code) { exit_code_ = code; }
  bool stop_requested() const { return signals_seen_ > 0; }
  // Cancelled by the first signal (graceful mode): work that runs outside
  // any io_context (a local document's matching) polls it.
  const CancelToken& stop_token() const { return stop_token_; }

 private:
  void WaitLoop();
  void OnSignal(int signal);

  sigset_t old_mask_;
  int signal_fd_ = -1;
  int wake_fd_ = -1;  // an eventfd the destructor writes to end WaitLoop
  std::thread waiter_;

  std::mutex mu_;
  boost::asio::io_context* io_ = nullptr;
  std::shared_ptr<std::function<void()>> stop_;
  std::atomic<bool> graceful_{false};
  std::atomic<int> signals_seen_{0};
  std::atomic<int> exit_code_{0};
  CancelToken stop_token_;
};

}  // namespace meetleak::cli

#endif  // MEETLEAK_CLI_STOP_SIGNALS_H_
