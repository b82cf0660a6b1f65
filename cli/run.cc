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
  bool once = false, all = false, notify = false, allow_private = false, refetch = false;
};

std::vector<CrawlTarget> TargetsFor(const Config& config, const std::set<std::string>& due,
                                    const RunArgs& args) {
  std::vector<CrawlTarget> targets;
  for (const SourceSpec& s : config.sources) {
    if (!due.count(RedactSecrets(s.url))) continue;  // the store keeps URLs redacted
    CrawlTarget t;
    t.url = s.url;
    t.kind = s.kind;
    t.follow_entries = s.follow_entries;
    t.depth = s.depth;
    t.allow_private_addresses = s.allow_private_addresses || args.allow_private;
    t.conditional = !args.refetch;
    targets.push_back(std::move(t));
  }
  return targets;
}

// The sources this pass polls, by the store's one due rule (db/due.h): the
// due ones, or with `all` every active one.
Result<std::set<std::string>> DueUrls(LeakStore& store, bool all) {
  Result<std::vector<LeakStore::SourceRow>> rows = all ? store.ListSources() : store.DueSources();
  if (!rows.ok()) return rows.status();
  std::set<std::string> urls;
  for (const auto& r : *rows)
    if (r.active) urls.insert(r.url);
  return urls;
}

// When the next source is due, as `sources list` shows it (a source never
// polled: now); none when no source is active.
Result<std::optional<Clock::TimePoint>> EarliestDue(LeakStore& store) {
  Result<std::vector<LeakStore::SourceRow>> rows = store.ListSources();
  if (!rows.ok()) return rows.status();
  std::optional<Clock::TimePoint> earliest;
  for (const auto& r : *rows) {
    if (!r.active) continue;
    Clock::TimePoint due = r.next_due.value_or(SystemClock()->Now());
    if (!earliest || due < *earliest) earliest = due;
  }
  return earliest;
}

// Open company leaks seen since `since`.
Result<int> OpenLeaksSeenSince(LeakStore& store, Clock::TimePoint since) {
  Result<std::vector<LeakStore::LeakRow>> rows = store.ListLeaks({"open", std::nullopt});
  if (!rows.ok()) return rows.status();
  int n = 0;
  for (const auto& r : *rows) n += r.last_seen >= since;
  return n;
}

// Sleeps until `wake` (at most an hour, to pick up clock jumps), or a signal.
void SleepUntil(StopSignals& signals, Clock::TimePoint wake) {
  auto now = SystemClock()->Now();
  wake = std::min(wake, now + std::chrono::hours(1));
  if (wake <= now || signals.stop_requested()) return;
  boost::asio::io_context io;
  boost::asio::system_timer timer(io, wake);
  signals.OnStop(&io, [&] { timer.cancel(); });
  timer.async_wait([](const boost::system::error_code&) {});
  io.run();
  signals.Clear();
}

Result<int> Run(Context& ctx, const RunArgs& args) {
  if (!ctx.has_config())
    return Status::InvalidInput("run needs a config: --config FILE or ./meetleak.toml");
  if (ctx.config().sources.empty())
    return Status::InvalidInput(ctx.config().file.string() + ": no [[source]] configured");
  StopSignals& signals = ctx.signals();
  signals.StopGracefully();  // a signal ends the pass, not the process
  MEETLEAK_RETURN_IF_ERROR(ctx.LockForRun());
  MEETLEAK_RETURN_IF_ERROR(ctx.OpenStore());
  std::vector<LeakStore::SourceConfig> configs;
  std::map<std::string, int> intervals;
  for (const SourceSpec& s : ctx.config().sources) {
    configs.push_back({s.url, s.kind, s.interval_s});
    intervals[s.url] = s.interval_s;
  }
  MEETLEAK_RETURN_IF_ERROR(ctx.store().SyncSources(configs));

  bool saw_open = false, any_pass_read = false, any_pass = false;
  std::optional<Clock::TimePoint> next_due;
  for (bool first = true; first || (!args.once && !signals.stop_requested()); first = false) {
    if (!first)
      SleepUntil(signals, next_due.value_or(SystemClock()->Now() + std::chrono::hours(1)));
    if (signals.stop_requested()) break;
    SyncIfDue(ctx);
    Result<Inventory> inventory = ctx.LoadInventory();
    if (!inventory.ok()) return inventory.status();
    Result<std::set<std::string>> due = DueUrls(ctx.store(), args.all && first);
    if (!due.ok()) return due.status();
    std::vector<CrawlTarget> targets = TargetsFor(ctx.config(), *due, args);
    if (targets.empty()) {
      Result<std::optional<Clock::TimePoint>> earliest = EarliestDue(ctx.store());
      if (!earliest.ok()) return earliest.status();
      next_due = *earliest;
      if (args.once) ctx.Info("no source is due");
      continue;
    }
    PassOptions options;
    options.fetcher = ctx.config().crawler;
    options.fetcher.wait_for_retry_after = !args.once;
    Result<std::unique_ptr<LeakStore>> reader = LeakStore::Open(ctx.db_path(), SystemClock());
    if (!reader.ok()) return reader.status();
    StoreSink sink(&ctx.store(), ctx.config().allow, intervals, /*collect=*/false);
    sink.set_reader(reader->get());
    sink.set_on_warning([&ctx](const std::string& w) { ctx.Warn(w); });
    const Clock::TimePoint pass_start = SystemClock()->Now() - std::chrono::seconds(1);
    Result<PassSummary> pass = RunPass(ctx, signals, *inventory, targets, options, sink);
    if (!pass.ok()) return pass.status();
    any_pass = true;
    // Exit 3 only when every source of the pass was tried and failed (an
    // interrupted pass leaves some untried: that is not "nothing read").
    any_pass_read = any_pass_read || sink.failed_sources().size() < targets.size();
    Result<std::optional<Clock::TimePoint>> earliest = EarliestDue(ctx.store());
    if (!earliest.ok()) return earliest.status();
    next_due = *earliest;
    Result<int> open = OpenLeaksSeenSince(ctx.store(), pass_start);
    if (!open.ok()) return open.status();
    saw_open = saw_open || *open > 0;
    signals.set_exit_code(saw_open ? 1 : 0);
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
  run->add_flag("--refetch", args->refetch, "no conditional GET in this pass: read every document");
  run->add_flag("--allow-private-addresses", args->allow_private,
                "lift the address guard for every source");
  run->callback([&command, args] { command = [args](Context& ctx) { return Run(ctx, *args); }; });
}

}  // namespace meetleak::cli
