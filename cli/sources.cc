// `sources list`: each source's state, from the store; `sources unwatch URL`.
#include <iostream>
#include <map>

#include "base/terminal.h"
#include "cli/subcommands.h"

namespace meetleak::cli {
namespace {

// A watch source is one page that `sweep --watch` added: its open leaks are
// the open leaks on that page, whichever source last saw them (a sweep's
// sightings name warc:FILE, the scheduled job's the watch source itself).
Status CountWatchedLeaks(LeakStore& store, std::vector<LeakStore::SourceRow>* rows) {
  std::map<std::string, std::int64_t*> watched;
  for (LeakStore::SourceRow& r : *rows)
    if (r.kind == "watch") watched[r.url] = &r.open_leaks;
  if (watched.empty()) return Status::OK();
  Result<std::vector<LeakStore::LeakRow>> open = store.ListLeaks({LeakStatus::kOpen, std::nullopt});
  if (!open.ok()) return open.status();
  for (auto& [url, count] : watched) *count = 0;
  for (const LeakStore::LeakRow& l : *open) {
    auto on_page = watched.find(l.page_url);
    auto from = watched.find(l.source_url);
    if (on_page != watched.end()) ++*on_page->second;
    if (from != watched.end() && from != on_page) ++*from->second;
  }
  return Status::OK();
}

Result<int> ListSources(Context& ctx, const std::string& format) {
  Result<ReportFormat> f = ParseListFormat(format);
  if (!f.ok()) return f.status();
  MEETLEAK_RETURN_IF_ERROR(ctx.OpenStore(Context::MissingDb::kRefuse));
  Result<std::vector<LeakStore::SourceRow>> rows = ctx.store().ListSources();
  if (!rows.ok()) return rows.status();
  MEETLEAK_RETURN_IF_ERROR(CountWatchedLeaks(ctx.store(), &*rows));
  std::vector<SourceState> sources;
  for (const LeakStore::SourceRow& r : *rows)
    sources.push_back({r.url, r.kind, r.interval_s, r.active, r.last_fetched, r.next_due,
                       r.retry_after, r.last_status, r.last_error, r.consecutive_failures,
                       r.open_leaks, r.non_company_refs});
  std::cout << RenderSources(sources, *f, SystemClock()->Now());
  return 0;
}

// `sources unwatch URL`: a watch source that sweep --watch added goes; its
// leaks and their history stay.
Result<int> Unwatch(Context& ctx, const std::string& url) {
  MEETLEAK_RETURN_IF_ERROR(ctx.OpenStore(Context::MissingDb::kRefuse));
  Result<bool> removed = ctx.store().RemoveWatchSource(url);
  if (!removed.ok()) return removed.status();
  if (!*removed)
    return Status::InvalidInput(RedactSecrets(url) +
                                ": no watch source (configured sources live in the config)");
  if (!ctx.options().quiet)
    std::cerr << "meetleak: no longer watching " << TerminalSafe(RedactSecrets(url)) << "\n";
  return 0;
}

}  // namespace

void AddSourcesCommands(CLI::App& app, Command& command) {
  CLI::App* sources = app.add_subcommand("sources", "the configured and watched sources");
  sources->require_subcommand(1);
  auto format = std::make_shared<std::string>("text");
  auto* list = sources->add_subcommand("list", "each source's state");
  list->add_option("--format", *format, "text or json");
  list->callback([&command, format] {
    command = [format](Context& ctx) { return ListSources(ctx, *format); };
  });
  auto url = std::make_shared<std::string>();
  auto* unwatch = sources->add_subcommand("unwatch", "remove a page that sweep --watch added");
  unwatch->add_option("URL", *url, "the watched page's URL, as sources list shows it")->required();
  unwatch->callback(
      [&command, url] { command = [url](Context& ctx) { return Unwatch(ctx, *url); }; });
}

}  // namespace meetleak::cli
