#include "cli/pass.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>

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
  auto stop_when_idle = [&] {
    if (!crawler.idle()) return;
    workers.Release();
    ticker.cancel();
    scan_grace.cancel();
  };
  // A worker keeps its fetch slots busy: it takes its next batch of
  // sources while the last one's final fetches run, not after.
  bool asking = static_cast<bool>(options.more_targets);
  Status more_failed;
  auto take_more = [&] {
    if (!asking || crawler.stopping() ||
        crawler.queued() >= static_cast<std::size_t>(options.fetcher.concurrency))
      return;
    Result<std::vector<CrawlTarget>> more = options.more_targets();
    if (!more.ok()) {
      more_failed = more.status();
      asking = false;
      crawler.Stop();
      return;
    }
    if (more->empty()) asking = false;
    if (!more->empty()) crawler.Start(std::move(*more));
  };
  crawler.set_progress([&](const CrawlStats& s) {
    signals.set_exit_code(s.company_refs > 0 ? 1 : 0);
    take_more();
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
  MEETLEAK_RETURN_IF_ERROR(more_failed);
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
