#include "cli/pass.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <thread>

#include "crawler/asio.h"
#include "crawler/curl_fetcher.h"

namespace meetleak::cli {
namespace {

std::atomic<bool> g_stop{false};

std::string ProgressLine(const CrawlStats& s, const LeakStore::WriteResult& w, double secs) {
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "sources %d/%d  pages %d  leaks new %d/seen %d  errors %d  %.1f pages/s",
                s.sources_done, s.sources_total, s.documents, w.new_leaks, s.company_refs,
                s.errors, secs > 0 ? s.documents / secs : 0.0);
  return buf;
}

}  // namespace

bool StopRequested() { return g_stop.load(); }
void RequestStop() { g_stop = true; }

Result<PassSummary> RunPass(Context& ctx, const Inventory& inventory,
                            std::vector<CrawlTarget> targets, const PassOptions& options,
                            StoreSink& sink) {
  boost::asio::io_context io;
  Matcher matcher;
  std::unique_ptr<Fetcher> fetcher = NewCurlFetcher(
      io, options.fetcher, [&matcher](std::string_view url) { return matcher.IsMeetingUrl(url); });
  Crawler crawler(*fetcher, matcher, inventory, sink, options.fetcher.concurrency);
  // Parsing and matching run on worker threads while this thread keeps the
  // transfers and the DB writes going.
  boost::asio::thread_pool workers(std::max(1u, std::thread::hardware_concurrency()));
  auto work_guard = std::make_shared<decltype(boost::asio::make_work_guard(io))>(
      boost::asio::make_work_guard(io));
  crawler.set_offload([&](std::function<void()> work, std::function<void()> then) {
    boost::asio::post(workers, [&io, work = std::move(work), then = std::move(then), work_guard] {
      work();
      boost::asio::post(io, then);
    });
  });
  PassSummary summary;
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };

  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  int signals_seen = 0;
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& ec, int) {
        if (ec) return;
        g_stop = true;
        if (++signals_seen >= 2) {
          // Second signal: leave now. Committed transactions are durable and
          // SQLite rolls back the rest, so the DB stays intact.
          std::cerr << "\nmeetleak: second signal: exiting now\n";
          std::_Exit(crawler.stats().company_refs > 0 ? 1 : 0);
        }
        std::cerr << "\nmeetleak: stopping: finishing the documents in flight "
                     "(signal again to exit at once)\n";
        summary.interrupted = true;
        crawler.Stop();
        signals.async_wait(on_signal);
      };
  signals.async_wait(on_signal);
  sink.set_on_error([&] { crawler.Stop(); });

  const bool tty = options.progress && !ctx.options().quiet && isatty(2);
  boost::asio::steady_timer ticker(io);
  std::function<void(const boost::system::error_code&)> tick = [&](const boost::system::error_code& ec) {
    if (ec) return;
    std::cerr << "\r" << ProgressLine(crawler.stats(), sink.totals(), elapsed()) << "\033[K"
              << std::flush;
    ticker.expires_after(std::chrono::milliseconds(250));
    ticker.async_wait(tick);
  };
  if (tty) tick({});
  int sources_logged = 0;
  auto stop_when_idle = [&] {
    if (!crawler.idle()) return;
    work_guard->reset();
    signals.cancel();
    ticker.cancel();
  };
  crawler.set_progress([&](const CrawlStats& s) {
    stop_when_idle();
    if (!tty && options.progress && !ctx.options().quiet && s.sources_done > sources_logged) {
      sources_logged = s.sources_done;
      std::cerr << "meetleak: " << ProgressLine(s, sink.totals(), elapsed()) << "\n";
    }
  });

  crawler.Start(std::move(targets));
  stop_when_idle();
  io.run();
  if (tty) std::cerr << "\r" << ProgressLine(crawler.stats(), sink.totals(), elapsed()) << "\033[K\n";
  MEETLEAK_RETURN_IF_ERROR(sink.Flush());
  MEETLEAK_RETURN_IF_ERROR(sink.error());
  summary.stats = crawler.stats();
  summary.seconds = elapsed();
  return summary;
}

}  // namespace meetleak::cli
