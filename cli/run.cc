// run: the scheduled scanning job (--once for cron/systemd timers, else a daemon).
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <thread>

#include "base/asio.h"
#include "cli/pass.h"
#include "cli/subcommands.h"
#include "cli/worker.h"

namespace meetleak::cli {
namespace {

struct RunArgs {
  bool once = false, all = false, notify = false, allow_private = false, refetch = false;
  std::string metrics_file;
};

std::vector<CrawlTarget> TargetsFor(const Config& config,
                                    const std::map<std::string, std::string>& due,
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
  // A page `sweep --watch` added: an archive's URL is content, not
  // configuration, so it stays under the address guard whatever the flags.
  for (const auto& [url, kind] : due) {
    if (kind != LeakStore::kWatchKind) continue;
    CrawlTarget t;
    t.url = url;
    t.kind = SourceKind::kPage;
    t.trusted = false;
    t.conditional = !args.refetch;
    targets.push_back(std::move(t));
  }
  return targets;
}

// Each leak's status before a pass, to log what the pass changed.
using LeakStatuses = std::map<std::int64_t, LeakStatus>;

Result<LeakStatuses> SnapshotLeaks(Context& ctx) {
  LeakStatuses statuses;
  if (!ctx.log().Enabled(LogLevel::kDetail)) return statuses;
  Result<std::vector<LeakStore::LeakRow>> rows = ctx.store().ListLeaks({});
  if (!rows.ok()) return rows.status();
  for (const auto& r : *rows) statuses[r.id] = r.status;
  return statuses;
}

// leak_new, leak_reopened and leak_gone, one line per leak the pass changed.
// Meeting IDs and vanity names are no secrets; other keys (tokens) are not
// named, and URLs are stored redacted.
Status LogLeakEvents(Context& ctx, const LeakStatuses& before) {
  if (!ctx.log().Enabled(LogLevel::kDetail)) return Status::OK();
  Result<std::vector<LeakStore::LeakRow>> rows = ctx.store().ListLeaks({});
  if (!rows.ok()) return rows.status();
  for (const auto& r : *rows) {
    auto was = before.find(r.id);
    const char* event = nullptr;
    if (was == before.end())
      event = "leak_new";
    else if (r.status == LeakStatus::kOpen && was->second != LeakStatus::kOpen)
      event = "leak_reopened";
    else if (r.status == LeakStatus::kGone && was->second != LeakStatus::kGone)
      event = "leak_gone";
    if (event == nullptr) continue;
    std::string what = std::string(event + 5) + " leak " + std::to_string(r.id) + ": " +
                       std::string(ToString(r.severity)) + " " + std::string(ToString(r.key_kind));
    if (r.key_kind == KeyKind::kMeetingId || r.key_kind == KeyKind::kVanity) what += " " + r.key;
    what += " on " + r.page_url + (r.owner.empty() ? "" : " (owner " + r.owner + ")");
    ctx.log().Write(LogLevel::kDetail, event, r.page_url, what);
  }
  return Status::OK();
}

// The pass's one summary line; its "failed" count is the number of sources
// that `sources list` shows with this pass's error. A document answering 404
// or 410 is gone, not failed (its leaks go `gone`); a source that does is
// both failed and counted in "gone".
std::string Summary(const StoreSink& sink, const PassSummary& pass, size_t sources, int open) {
  const LeakStore::WriteResult totals = sink.totals();
  std::ostringstream line;
  line << "pass done: " << sink.sources_ok() << "/" << sources << " sources read, "
       << sink.failed_sources().size() << " failed; " << pass.stats.documents << " documents ("
       << pass.stats.errors << " failed, " << pass.stats.gone << " gone); " << totals.new_leaks
       << " new leaks, " << totals.reopened << " reopened, " << totals.gone << " gone, " << open
       << " open leaks seen; in " << static_cast<int>(pass.seconds * 10) / 10.0 << " s"
       << (pass.interrupted ? " (interrupted)" : "");
  return line.str();
}

// One error line per failed source, also with -q: it names the source
// (redacted, as sources list shows it) and says what failed in the words of
// its cause. The error names the hop that failed, which after a redirect is
// not the source, and a Zoom-host refusal names no URL: the source is added.
void LogSourceDone(const Log& log, const CrawledDocument& doc, bool failed) {
  if (failed) {
    const std::string& source = doc.source_url;
    const bool named = doc.error.rfind(source + ": ", 0) == 0;
    log.Write(LogLevel::kError, "source_error", source,
              "source failed: " + (named ? doc.error : source + ": " + doc.error));
    return;
  }
  log.Write(LogLevel::kDebug, "source_done", doc.page_url,
            "source " + doc.page_url + ": " +
                (doc.outcome == DocumentOutcome::kNotModified
                     ? "not modified"
                     : "HTTP status " + std::to_string(doc.status)) +
                ", " + std::to_string(doc.linked_urls.size()) + " linked documents");
}

// The figures of the pass just ended, for --metrics-file.
Result<PassMetrics> MetricsOf(LeakStore& store, const StoreSink& sink, const PassSummary& pass,
                              const PassRecord& record, const NotifyCounts& notified) {
  PassMetrics m;
  using std::chrono::duration;
  m.start = duration<double>(record.start.time_since_epoch()).count();
  m.end = duration<double>(record.end.time_since_epoch()).count();
  m.duration = pass.seconds;
  std::map<std::string, std::int64_t> documents = {
      {"fetched", 0},    {"not_modified", 0},   {"failed_dns", 0},  {"failed_connect", 0},
      {"failed_tls", 0}, {"failed_timeout", 0}, {"failed_http", 0}, {"failed_other", 0},
      {"robots", 0},     {"guard", 0},          {"zoom_host", 0}};
  for (const auto& [outcome, n] : sink.outcomes()) documents[outcome] += n;
  // Discovered URLs refused before any fetch are no documents of the sink.
  documents["guard"] += pass.stats.refused_guard;
  documents["zoom_host"] += pass.stats.refused_zoom + pass.stats.skipped_meeting_urls;
  m.documents.assign(documents.begin(), documents.end());
  m.bytes = pass.stats.bytes;
  m.new_leaks = sink.totals().new_leaks;
  Result<OpenLeakCounts> open = CountOpenLeaks(store);
  if (!open.ok()) return open.status();
  for (Severity s : {Severity::kCritical, Severity::kHigh, Severity::kMedium, Severity::kLow})
    m.leaks_open.emplace_back(std::string(ToString(s)), open->by_severity[s]);
  m.notify_sent = notified.sent;
  m.notify_failed = notified.failed;
  Result<std::optional<std::string>> sync = store.GetMeta(kLastSyncSuccessKey);
  if (!sync.ok()) return sync.status();
  if (sync->has_value()) m.last_sync_success = std::atof((*sync)->c_str());
  Result<std::vector<LeakStore::SourceRow>> sources = store.ListSources();
  if (!sources.ok()) return sources.status();
  for (const auto& s : *sources) m.sources_failing += s.active && !s.last_error.empty();
  return m;
}

// Sources per batch of a worker over PostgreSQL: enough to keep its
// transfers busy, few enough that other workers get their share.
int BatchSize(const FetcherOptions& crawler) { return std::max(32, 4 * crawler.concurrency); }
// Hosts a batch's sources may be on: as many as its transfers can keep
// busy at per_host each (a host is one worker's at a time).
int MaxHosts(const FetcherOptions& crawler) {
  return std::max(1, (crawler.concurrency + crawler.per_host - 1) / std::max(1, crawler.per_host));
}

// The next batch's targets (none: the pass is over), from the taker's
// Next() (between batches, may wait) or More() (while one runs, never
// waits). A taken source that this worker's config lacks is skipped (every
// worker should share one config): it goes back with the pass's other
// leases.
Result<std::vector<CrawlTarget>> NextTargets(Context& ctx, SourceTaker& taker, const RunArgs& args,
                                             bool while_running = false) {
  while (true) {
    Result<std::map<std::string, std::string>> due = while_running ? taker.More() : taker.Next();
    if (!due.ok()) return due.status();
    if (due->empty()) return std::vector<CrawlTarget>();
    std::vector<CrawlTarget> targets = TargetsFor(ctx.config(), *due, args);
    if (!targets.empty()) return targets;
  }
}

void AddStats(CrawlStats& to, const CrawlStats& from) {
  to.sources_total += from.sources_total;
  to.sources_done += from.sources_done;
  to.documents += from.documents;
  to.errors += from.errors;
  to.skipped_meeting_urls += from.skipped_meeting_urls;
  to.gone += from.gone;
  to.company_refs += from.company_refs;
  to.refused_urls += from.refused_urls;
  to.refused_guard += from.refused_guard;
  to.refused_zoom += from.refused_zoom;
  to.bytes += from.bytes;
  to.capped_urls += from.capped_urls;
}

// Crawls `targets`, then each batch the taker gives, into one sink: one
// pass. A batch takes the next while it runs; when none is free then, the
// batch ends and the taker is asked again (it may wait for a gone worker's
// leases). `*polled` gets the number of sources polled.
Result<PassSummary> RunBatches(Context& ctx, SourceTaker& taker, const RunArgs& args,
                               const Inventory& inventory, std::vector<CrawlTarget> targets,
                               PassOptions options, StoreSink& sink, std::size_t* polled) {
  // Called on a thread of its own while a batch runs (RunPass), never at
  // the same time as the rest of this loop.
  options.more_targets = [&]() -> Result<std::vector<CrawlTarget>> {
    Result<std::vector<CrawlTarget>> more = NextTargets(ctx, taker, args, true);
    if (more.ok()) *polled += more->size();
    return more;
  };
  PassSummary total;
  while (!targets.empty()) {
    *polled += targets.size();
    Result<PassSummary> batch =
        RunPass(ctx, ctx.signals(), inventory, std::move(targets), options, sink);
    if (!batch.ok()) return batch.status();
    AddStats(total.stats, batch->stats);
    total.seconds += batch->seconds;
    total.interrupted = total.interrupted || batch->interrupted;
    if (batch->interrupted) break;
    Result<std::vector<CrawlTarget>> next = NextTargets(ctx, taker, args);
    if (!next.ok()) return next.status();
    targets = std::move(*next);
    if (!targets.empty())
      ctx.log().Debug("took " + std::to_string(targets.size()) + " more sources");
  }
  return total;
}

// glibc gives the top of the heap back to the kernel once 128 KiB of it is
// free, and serves blocks from 128 KiB up with their own mmap; a pass frees
// and allocates each page's body (and its decoded text) again and again, so
// each one was faulted in afresh: half the page faults of a pass over 3000
// pages of 30 KB, ~10 % of its CPU. Freed memory up to 16 MiB now stays for
// the next page, and blocks up to 4 MiB come from the heap (a pass's peak
// RSS is the same; a daemon gives what is free back between passes).
void KeepFreedMemoryForThePass() {
  ::mallopt(M_MMAP_THRESHOLD, 4 << 20);
  ::mallopt(M_TRIM_THRESHOLD, 16 << 20);
}

Result<int> Run(Context& ctx, const RunArgs& args) {
  if (!ctx.has_config())
    return Status::InvalidInput("run needs a config: --config FILE or ./meetleak.toml");
  // Sources come from the config, or from sweep --watch (in the DB).
  const Status no_source =
      Status::InvalidInput(ctx.config().file.string() + ": no [[source]] configured");
  if (ctx.config().sources.empty() && !std::filesystem::exists(ctx.db_path())) return no_source;
  // Owners must hear of what the pass finds: a [notify] that cannot send is
  // found now, before anything is fetched.
  if (args.notify) MEETLEAK_RETURN_IF_ERROR(NotifyOptionsFor(ctx.config(), NotifyMode{}).status());
  if (!args.metrics_file.empty()) {  // a typo in the path is found before the pass, not after
    const std::filesystem::path dir = std::filesystem::path(args.metrics_file).parent_path().empty()
                                          ? std::filesystem::path(".")
                                          : std::filesystem::path(args.metrics_file).parent_path();
    if (!std::filesystem::is_directory(dir) || ::access(dir.c_str(), W_OK) != 0)
      return Status::InvalidInput("--metrics-file " + args.metrics_file + ": the folder " +
                                  dir.string() + " does not exist or is not writable");
  }
  KeepFreedMemoryForThePass();
  // The matcher's patterns compile on a thread of their own while the store
  // opens and the sources sync: a few ms less before the first request.
  std::future<std::unique_ptr<Matcher>> compiling =
      std::async(std::launch::async, [] { return std::make_unique<Matcher>(); });
  std::unique_ptr<Matcher> matcher;
  StopSignals& signals = ctx.signals();
  signals.StopGracefully();  // a signal ends the pass, not the process
  MEETLEAK_RETURN_IF_ERROR(ctx.LockForRun());
  MEETLEAK_RETURN_IF_ERROR(ctx.OpenStore());
  if (ctx.config().sources.empty()) {
    Result<std::vector<LeakStore::SourceRow>> stored = ctx.store().ListSources();
    if (!stored.ok()) return stored.status();
    if (std::none_of(stored->begin(), stored->end(),
                     [](const auto& r) { return r.kind == LeakStore::kWatchKind; }))
      return no_source;
  }
  std::vector<LeakStore::SourceConfig> configs;
  std::map<std::string, int> intervals;
  for (const SourceSpec& s : ctx.config().sources) {
    configs.push_back({s.url, std::string(ToString(s.kind)), s.interval_s});
    intervals[s.url] = s.interval_s;
  }
  MEETLEAK_RETURN_IF_ERROR(ctx.store().SyncSources(configs));

  Result<Leases*> leases = ctx.WorkerLeases();
  if (!leases.ok()) return leases.status();
  if ((*leases)->shared()) ctx.store().set_lease_holder((*leases)->options().worker);
  bool saw_open = false, any_pass_read = false, any_pass = false;
  std::optional<Clock::TimePoint> next_due;
  for (bool first = true; first || (!args.once && !signals.stop_requested()); first = false) {
    if (!first) {
      ::malloc_trim(0);  // what the pass freed goes back while the daemon sleeps
      SleepUntil(signals, next_due.value_or(SystemClock()->Now() + std::chrono::hours(1)));
    }
    if (signals.stop_requested()) break;
    SyncIfDue(ctx);
    Result<Inventory> inventory = ctx.LoadInventory();
    if (!inventory.ok()) return inventory.status();
    MEETLEAK_RETURN_IF_ERROR((*leases)->Heartbeat());
    SourceTaker taker(**leases, signals,
                      {.all = args.all && first,
                       .batch = BatchSize(ctx.config().crawler),
                       .max_hosts = MaxHosts(ctx.config().crawler),
                       .wait_for_others = args.once,
                       .info = [&ctx](const std::string& line) { ctx.log().Info(line); }});
    Result<std::vector<CrawlTarget>> targets = NextTargets(ctx, taker, args);
    if (!targets.ok()) return targets.status();
    if (targets->empty()) {
      Result<std::optional<Clock::TimePoint>> wake = (*leases)->NextWake();
      if (!wake.ok()) return wake.status();
      next_due = *wake;
      if (args.once) ctx.log().Info("no source is due");
      continue;
    }
    const Log& log = ctx.log();
    log.Write(LogLevel::kInfo, "pass_start", "",
              "pass start: " + std::to_string(targets->size()) + " of " +
                  std::to_string(ctx.config().sources.size()) + " sources due");
    Result<LeakStatuses> before = SnapshotLeaks(ctx);
    if (!before.ok()) return before.status();
    PassOptions options;
    options.fetcher = ctx.config().crawler;
    options.fetcher.wait_for_retry_after = !args.once;
    options.passcode_digest = ctx.store().PasscodeDigester();
    options.leases = *leases;
    options.host_gate = taker.gate();
    if (matcher == nullptr) matcher = compiling.get();
    options.matcher = matcher.get();
    Result<std::unique_ptr<LeakStore>> reader = LeakStore::Open(ctx.db_path(), SystemClock());
    if (!reader.ok()) return reader.status();
    StoreSink sink(&ctx.store(), ctx.config().allow,
                   {.intervals = intervals, .collect = false, .ad_hoc = false});
    sink.set_reader(reader->get());

    sink.set_on_warning([&ctx](const std::string& w) { ctx.Warn(w); });
    sink.set_on_source_done(
        [&log](const CrawledDocument& doc, bool failed) { LogSourceDone(log, doc, failed); });
    PassRecord record;
    record.start = SystemClock()->Now();
    const Clock::TimePoint pass_start = record.start - std::chrono::seconds(1);
    std::size_t polled = 0;
    Result<PassSummary> pass =
        RunBatches(ctx, taker, args, *inventory, std::move(*targets), options, sink, &polled);
    // What the pass did not write goes back to the other workers now.
    const Status released = taker.Finish();
    if (!pass.ok()) return pass.status();
    MEETLEAK_RETURN_IF_ERROR(released);
    any_pass = true;
    // Exit 3 only when every source of the pass was tried and failed (an
    // interrupted pass leaves some untried: that is not "nothing read").
    any_pass_read = any_pass_read || sink.failed_sources().size() < polled;
    Result<std::optional<Clock::TimePoint>> wake = (*leases)->NextWake();
    if (!wake.ok()) return wake.status();
    next_due = *wake;
    Result<OpenLeakCounts> counted = CountOpenLeaks(ctx.store(), pass_start);
    if (!counted.ok()) return counted.status();
    const auto open = static_cast<int>(counted->seen_since);
    saw_open = saw_open || open > 0;
    signals.set_exit_code(saw_open ? 1 : 0);
    MEETLEAK_RETURN_IF_ERROR(LogLeakEvents(ctx, *before));
    log.Write(LogLevel::kInfo, "pass_end", "", Summary(sink, *pass, polled, open));
    // A digest that could not go out stays due and is named on its own
    // error line; the run still exits by what it saw.
    NotifyCounts notified;
    if (args.notify) {
      Result<NotifyCounts> n = NotifyOwners(ctx, NotifyMode{});
      if (!n.ok()) return n.status();
      notified = *n;
    }
    record.end = SystemClock()->Now();
    const bool all_failed = sink.failed_sources().size() == polled && !pass->interrupted;
    record.exit = all_failed ? 3 : (open > 0 ? 1 : 0);
    MEETLEAK_RETURN_IF_ERROR(RecordPass(ctx.store(), record));
    if (!args.metrics_file.empty()) {
      Result<PassMetrics> metrics = MetricsOf(ctx.store(), sink, *pass, record, notified);
      if (!metrics.ok()) return metrics.status();
      MEETLEAK_RETURN_IF_ERROR(WriteMetricsFile(args.metrics_file, RenderMetrics(*metrics)));
    }
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
  run->add_option("--metrics-file", args->metrics_file,
                  "write the last pass's metrics here (Prometheus text format), after each pass");
  run->callback([&command, args] { command = [args](Context& ctx) { return Run(ctx, *args); }; });
}

}  // namespace meetleak::cli
