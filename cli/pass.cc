#include "cli/pass.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "base/asio.h"
#include "crawler/crawler.h"
#include "crawler/fetcher.h"

namespace meetleak::cli {
namespace {

std::string ProgressLine(const CrawlStats& s, const LeakStore::WriteResult& w, double secs) {
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "sources %d/%d  pages %d  leaks new %d/seen %d  errors %d  %.1f pages/s",
                s.sources_done, s.sources_total, s.documents, w.new_leaks, s.company_refs, s.errors,
                secs > 0 ? s.documents / secs : 0.0);
  return buf;
}

// How long documents in flight may still be matched after a stop signal.
constexpr std::chrono::milliseconds kScanGrace{800};

// A worker's next batch of sources (PassOptions::more_targets), taken on a
// thread of its own while the crawl goes on — a take is a few database
// round trips, 15 ms on an idle loopback server and several times that
// when workers contend, which would stall every transfer on the io thread
// — and handed to the crawler on the io thread. One take at a time.
class NextBatch {
 public:
  using Take = std::function<Result<std::vector<CrawlTarget>>()>;
  NextBatch(boost::asio::io_context& io, Crawler& crawler, Take take, std::size_t low_water)
      : io_(io),
        crawler_(crawler),
        take_(std::move(take)),
        asking_(take_ != nullptr),
        low_water_(low_water) {}
  ~NextBatch() {
    if (thread_.joinable()) thread_.join();
  }
  NextBatch(const NextBatch&) = delete;
  NextBatch& operator=(const NextBatch&) = delete;

  // On the io thread: a take starts when fewer URLs wait than `low_water`
  // and none is under way (true: one started); `done` (io thread) gets the
  // sources it added.
  bool MaybeTake(std::function<void(std::size_t)> done) {
    if (!asking_ || in_flight_ || crawler_.stopping() || crawler_.queued() >= low_water_)
      return false;
    in_flight_ = true;
    if (thread_.joinable()) thread_.join();  // the last take's thread, already handed over
    thread_ = std::thread(
        [this, done = std::move(done), guard = boost::asio::make_work_guard(io_)]() mutable {
          auto more = std::make_shared<Result<std::vector<CrawlTarget>>>(take_());
          boost::asio::post(io_, [this, more, done] { done(HandOver(std::move(*more))); });
          guard.reset();
        });
    return true;
  }
  bool busy() const { return in_flight_; }
  // A take that failed: the crawler was stopped, and this is the pass's error.
  const Status& error() const { return error_; }

 private:
  std::size_t HandOver(Result<std::vector<CrawlTarget>> more) {
    in_flight_ = false;
    if (!more.ok()) {
      error_ = more.status();
      asking_ = false;
      crawler_.Stop();
      return 0;
    }
    if (more->empty()) asking_ = false;
    if (more->empty() || crawler_.stopping()) return 0;  // what was taken goes back at the end
    const std::size_t n = more->size();
    crawler_.Start(std::move(*more));
    return n;
  }

  boost::asio::io_context& io_;
  Crawler& crawler_;
  Take take_;
  bool asking_, in_flight_ = false;
  std::size_t low_water_;
  Status error_;
  std::thread thread_;
};

}  // namespace

Result<PassSummary> RunPass(Context& ctx, StopSignals& signals, const Inventory& inventory,
                            std::vector<CrawlTarget> targets, const PassOptions& options,
                            StoreSink& sink) {
  boost::asio::io_context io;
  std::optional<Matcher> own_matcher;
  const Matcher& matcher = options.matcher != nullptr ? *options.matcher : own_matcher.emplace();
  std::unique_ptr<Fetcher> fetcher = NewCurlFetcher(
      io, options.fetcher, [&matcher](std::string_view url) { return matcher.IsMeetingUrl(url); },
      nullptr, nullptr, options.host_gate);
  Crawler crawler(*fetcher, matcher, inventory, sink, options.fetcher.concurrency);
  crawler.set_max_urls_per_document(options.fetcher.max_urls_per_document);
  crawler.set_passcode_digest(options.passcode_digest);
  // Parsing and matching run on worker threads, at a lower priority than
  // this one, which keeps the transfers and the DB writes going.
  ScanWorkers workers(io);
  crawler.set_offload(workers.offload());
  PassSummary summary;
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };

  // A stop finishes the documents in flight, but a scan still matching
  // kScanGrace after the signal (a huge page) is abandoned: the signal is
  // honoured within about a second whatever the pages hold.
  boost::asio::steady_timer scan_grace(io);
  signals.OnStop(&io, [&] {
    summary.interrupted = true;
    crawler.Stop();
    scan_grace.expires_after(kScanGrace);
    scan_grace.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) crawler.CancelScans();
    });
  });
  sink.set_on_error([&] { crawler.Stop(); });
  // A lease renewal that fails stops the pass like a signal: what is in
  // flight finishes, and the store writes no state of a source whose lease
  // another worker took (LeakStore::SourceResult::lease_holder).
  Status lease_lost;
  if (options.leases != nullptr)
    options.leases->StartRenewing([&](const Status& failure) {
      boost::asio::post(io, [&, failure] {
        lease_lost = Status::IOError("leases of this worker not renewed: " + failure.message());
        summary.interrupted = true;
        crawler.Stop();
      });
    });

  // Without a terminal (cron, journald) the running counts are per-source
  // lines, printed only with -v; a JSON log has no progress line.
  const bool tty = options.progress && !ctx.options().quiet && isatty(2) &&
                   ctx.log().format() == LogFormat::kText;
  const bool lines = !tty && options.progress && ctx.log().Enabled(LogLevel::kDebug);
  boost::asio::steady_timer ticker(io);
  std::function<void(const boost::system::error_code&)> tick =
      [&](const boost::system::error_code& ec) {
        if (ec) return;
        std::cerr << "\r" << ProgressLine(crawler.stats(), sink.totals(), elapsed()) << "\033[K"
                  << std::flush;
        ticker.expires_after(std::chrono::milliseconds(250));
        ticker.async_wait(tick);
      };
  if (tty) tick({});
  // A source's line is printed once its writes are committed, so that
  // "leaks new" counts them: the last one after the final flush.
  int sources_logged = 0;
  // A worker keeps its fetch slots busy: it takes its next batch of
  // sources while the last one's final fetches run, not after.
  NextBatch next(io, crawler, options.more_targets,
                 2 * static_cast<std::size_t>(options.fetcher.concurrency));
  auto stop_when_idle = [&] {
    if (!crawler.idle() || next.busy()) return;
    workers.Release();
    ticker.cancel();
    scan_grace.cancel();
  };
  auto took = [&](std::size_t n) {
    if (n > 0) ctx.log().Debug("took " + std::to_string(n) + " more sources");
    stop_when_idle();
  };
  crawler.set_progress([&](const CrawlStats& s) {
    signals.set_exit_code(s.company_refs > 0 ? 1 : 0);
    if (next.MaybeTake(took)) sink.Commit();  // a killed worker loses a batch at most
    stop_when_idle();
    if (lines && s.sources_done > sources_logged && s.sources_done < s.sources_total) {
      sources_logged = s.sources_done;
      ctx.log().Debug(ProgressLine(s, sink.totals(), elapsed()));
    }
  });

  crawler.Start(std::move(targets));
  stop_when_idle();
  io.run();
  if (options.leases != nullptr) options.leases->StopRenewing();
  signals.Clear();
  Status flushed = sink.Flush();
  if (tty)
    std::cerr << "\r" << ProgressLine(crawler.stats(), sink.totals(), elapsed()) << "\033[K\n";
  else if (lines && crawler.stats().sources_done > sources_logged)
    ctx.log().Debug(ProgressLine(crawler.stats(), sink.totals(), elapsed()));
  MEETLEAK_RETURN_IF_ERROR(flushed);
  MEETLEAK_RETURN_IF_ERROR(sink.error());
  MEETLEAK_RETURN_IF_ERROR(lease_lost);
  MEETLEAK_RETURN_IF_ERROR(next.error());
  const CrawlStats& stats = crawler.stats();
  for (const std::string& refused : crawler.refused_examples()) ctx.Warn(refused);
  if (stats.refused_urls > 0)
    ctx.Warn(std::to_string(stats.refused_urls) +
             " discovered URLs refused (address guard or Zoom-host rule): not fetched, not stored");
  if (stats.capped_urls > 0)
    ctx.Warn(std::to_string(stats.capped_urls) +
             " URLs not followed: over max_urls_per_document (" +
             std::to_string(options.fetcher.max_urls_per_document) + ")");
  summary.stats = crawler.stats();
  summary.seconds = elapsed();
  return summary;
}

}  // namespace meetleak::cli
