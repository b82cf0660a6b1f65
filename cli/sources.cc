// `sources list`: each source's state, from the store; `sources unwatch URL`.
#include <iostream>

#include "base/terminal.h"
#include "cli/subcommands.h"

namespace meetleak::cli {
namespace {

Result<int> ListSources(Context& ctx, const std::string& format) {
  Result<ReportFormat> f = ParseListFormat(format);
  if (!f.ok()) return f.status();
  MEETLEAK_RETURN_IF_ERROR(ctx.OpenStore(Context::MissingDb::kRefuse));
  Result<std::vector<LeakStore::SourceRow>> rows = ctx.store().ListSources();
  if (!rows.ok()) return rows.status();
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
