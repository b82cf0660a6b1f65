// run: the scheduled scanning job (--once for cron/systemd timers, else a daemon).
#include <iostream>
#include <map>
#include <set>
#include <thread>

#include "cli/pass.h"
#include "cli/subcommands.h"
#include "crawler/asio.h"

namespace meetleak::cli {
namespace {

struct RunArgs {
  bool once = false, all = false, notify = false, allow_private = false;
};

std::vector<CrawlTarget> TargetsFor(const Config& config, const std::set<std::string>& due,
                                    bool allow_private) {
  std::vector<CrawlTarget> targets;
  for (const SourceSpec& s : config.sources) {
    if (!due.count(s.url)) continue;
    CrawlTarget t;
    t.url = s.url;
    t.kind = s.kind;
    t.follow_entries = s.follow_entries;
    t.depth = s.depth;
    t.allow_private_addresses = s.allow_private_addresses || allow_private;
    targets.push_back(std::move(t));
  }
  return targets;
}

Result<std::set<std::string>> DueUrls(LeakStore& store, bool all) {
  Result<std::vector<LeakStore::SourceRow>> rows = all ? store.ListSources() : store.DueSources();
  if (!rows.ok()) return rows.status();
  std::set<std::string> urls;
  for (const auto& r : *rows)
    if (r.active) urls.insert(r.url);
  return urls;
}

// Open company leaks seen since `since`.
Result<int> OpenLeaksSeenSince(LeakStore& store, Clock::TimePoint since) {
  Result<std::vector<LeakStore::LeakRow>> rows = store.ListLeaks({"open", std::nullopt});
  if (!rows.ok()) return rows.status();
  int n = 0;
  for (const auto& r : *rows) n += r.last_seen >= since;
  return n;
}

// Sleeps until the next source is due (at most `max`), or a signal arrives.
void SleepUntilDue(LeakStore& store, std::chrono::seconds max) {
  auto now = SystemClock()->Now();
  auto wake = now + max;
  if (auto rows = store.ListSources(); rows.ok()) {
    for (const auto& r : *rows) {
      if (!r.active) continue;
      auto due = r.next_due.value_or(now);
      if (r.retry_after && *r.retry_after > due) due = *r.retry_after;
      wake = std::min(wake, due);
    }
  }
  if (wake <= now) return;
  boost::asio::io_context io;
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  boost::asio::system_timer timer(io, wake);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (!ec) timer.cancel(), RequestStop();
  });
  timer.async_wait([&](const boost::system::error_code&) { signals.cancel(); });
  io.run();
}

Result<int> Run(Context& ctx, const RunArgs& args) {
  if (!ctx.has_config()) return Status::InvalidInput("run needs a config: --config FILE or ./meetleak.toml");
  if (ctx.config().sources.empty())
    return Status::InvalidInput(ctx.config().file.string() + ": no [[source]] configured");
  Result<std::unique_ptr<RunLock>> lock = RunLock::Acquire(ctx.db_path().string());
  if (!lock.ok()) return lock.status();
  MEETLEAK_RETURN_IF_ERROR(ctx.OpenStore());
  std::vector<LeakStore::SourceConfig> configs;
  std::map<std::string, int> intervals;
  for (const SourceSpec& s : ctx.config().sources) {
    configs.push_back({s.url, s.kind, s.interval_s});
    intervals[s.url] = s.interval_s;
  }
  MEETLEAK_RETURN_IF_ERROR(ctx.store().SyncSources(configs));

  bool saw_open = false, any_pass_read = false, any_pass = false;
  for (bool first = true; first || (!args.once && !StopRequested()); first = false) {
    if (!first) SleepUntilDue(ctx.store(), std::chrono::seconds(3600));
    if (StopRequested()) break;
    Result<Inventory> inventory = ctx.LoadInventory();
    if (!inventory.ok()) return inventory.status();
    Result<std::set<std::string>> due = DueUrls(ctx.store(), args.all && first);
    if (!due.ok()) return due.status();
    std::vector<CrawlTarget> targets = TargetsFor(ctx.config(), *due, args.allow_private);
    if (targets.empty()) {
      if (args.once) ctx.Info("no source is due");
      continue;
    }
    PassOptions options;
    options.fetcher = ctx.config().crawler;
    options.fetcher.wait_for_retry_after = !args.once;
    StoreSink sink(&ctx.store(), ctx.config().allow, intervals, /*collect=*/false);
    sink.set_on_warning([&ctx](const std::string& w) { ctx.Warn(w); });
    const Clock::TimePoint pass_start = SystemClock()->Now() - std::chrono::seconds(1);
    Result<PassSummary> pass = RunPass(ctx, *inventory, targets, options, sink);
    if (!pass.ok()) return pass.status();
    any_pass = true;
    // Exit 3 only when every source of the pass was tried and failed (an
    // interrupted pass leaves some untried: that is not "nothing read").
    any_pass_read = any_pass_read || sink.failed_sources().size() < targets.size();
    Result<int> open = OpenLeaksSeenSince(ctx.store(), pass_start);
    if (!open.ok()) return open.status();
    saw_open = saw_open || *open > 0;
    if (args.notify) MEETLEAK_RETURN_IF_ERROR(NotifyOwners(ctx, /*dry_run=*/false));
    if (!ctx.options().quiet)
      std::cerr << "meetleak: pass done: " << sink.sources_ok() << "/" << targets.size()
                << " sources read, " << pass->stats.documents << " documents, "
                << sink.totals().new_leaks << " new leaks, " << sink.totals().gone << " gone, "
                << *open << " open leaks seen, " << pass->stats.errors << " errors in "
                << static_cast<int>(pass->seconds * 10) / 10.0 << " s"
                << (pass->interrupted ? " (interrupted)" : "") << "\n";
  }
  if (any_pass && !any_pass_read) return Status::Unavailable("every source of the run failed");
  return saw_open ? 1 : 0;
}

}  // namespace

void AddRunCommand(CLI::App& app, Command& command) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* run = app.add_subcommand("run", "the scheduled scanning job");
  run->add_flag("--once", args->once, "one pass over the due sources, then exit");
  run->add_flag("--all", args->all, "treat every source as due");
  run->add_flag("--notify", args->notify, "send owner digests after each pass");
  run->add_flag("--allow-private-addresses", args->allow_private);
  run->callback([&command, args] {
    command = [args](Context& ctx) { return Run(ctx, *args); };
  });
}

}  // namespace meetleak::cli
