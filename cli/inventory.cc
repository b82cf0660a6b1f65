// The inventory commands: `inventory import` (CSV), `inventory list`, and
// `inventory sync`: the Zoom-sourced inventory read whole from Zoom's API,
// then stored in one transaction (docs/cli.md).
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "base/terminal.h"
#include "cli/subcommands.h"
#include "cli/worker.h"
#include "report/render.h"
#include "zoom/sync.h"

namespace meetleak::cli {
namespace {

using nlohmann::ordered_json;

// The job lease of the inventory sync: one worker of a database syncs at
// a time (the others skip, saying so).
constexpr std::string_view kSyncJob = "inventory_sync";

Status RecordSync(LeakStore& store, bool ok, const std::string& error) {
  const Clock::TimePoint now = SystemClock()->Now();
  ordered_json j{{"time", FormatIso8601(now)}, {"ok", ok}, {"error", error}};
  if (ok)  // the metrics' last_sync_success_timestamp_seconds outlives a failed sync
    MEETLEAK_RETURN_IF_ERROR(store.SetMeta(
        kLastSyncSuccessKey,
        std::to_string(
            std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count())));
  return store.SetMeta("last_sync", j.dump());
}

Result<zoom::ClientOptions> ClientOptionsFor(const Config& c) {
  const ZoomSettings& z = c.zoom;
  std::optional<std::string> secret = SecretFromEnv(z.client_secret_env);
  if (!secret || secret->empty())
    return Status::InvalidInput(
        UnsetSecretMessage(c, "zoom.client_secret_env", z.client_secret_env));
  zoom::ClientOptions o;
  o.account_id = z.account_id;
  o.client_id = z.client_id;
  o.client_secret = std::move(*secret);
  o.api_url = z.api_url;
  o.oauth_url = z.oauth_url;
  o.requests_per_second = z.requests_per_second;
  return o;
}

std::string Row(char sign, const InventoryMeeting& m) {
  std::string line = std::string(1, sign) + " " + m.meeting_id + "  " +
                     std::string(ToString(m.kind)) + "  " + m.owner_email + "  " + m.topic;
  return TerminalSafe(line);
}

void PrintDiff(const Context& ctx, const zoom::SyncResult& r, const SyncOptions& options) {
  if (ctx.options().quiet) return;
  const zoom::SyncDiff& d = r.diff;
  std::cout << (options.dry_run ? "zoom sync (dry run, nothing changed): " : "zoom sync: ")
            << r.users << " users; meetings: " << d.added.size() << " added, " << d.removed.size()
            << " removed, " << d.changed.size()
            << " changed; personal links: " << d.links_added.size() << " added, "
            << d.links_removed.size() << " removed, " << d.links_changed.size() << " changed; "
            << r.api_requests << " API requests (" << r.fewest_requests
            << " the fewest the paging allows)\n";
  if (!ctx.options().verbose) return;
  for (const auto& m : d.added) std::cout << Row('+', m) << "\n";
  for (const auto& m : d.removed) std::cout << Row('-', m) << "\n";
  for (const auto& m : d.changed) std::cout << Row('~', m) << "\n";
  for (const auto& l : d.links_added)
    std::cout << TerminalSafe("+ /my/" + l.vanity + "  " + l.owner_email) << "\n";
  for (const auto& l : d.links_removed)
    std::cout << TerminalSafe("- /my/" + l.vanity + "  " + l.owner_email) << "\n";
  for (const auto& l : d.links_changed)
    std::cout << TerminalSafe("~ /my/" + l.vanity + "  " + l.owner_email) << "\n";
}

// A meeting in the CSV and in Zoom with different owners: Zoom's wins, said.
void ReportConflicts(Context& ctx, const zoom::SyncResult& r) {
  Result<LeakStore::InventoryRows> csv = ctx.store().LoadRows(RowSource::kCsv);
  if (!csv.ok()) return;
  std::map<std::string, std::string> owners;
  for (const auto& m : csv->meetings) owners[m.meeting_id] = m.owner_email;
  for (const auto& m : r.meetings) {
    auto it = owners.find(m.meeting_id);
    if (it != owners.end() && !m.expired_at && it->second != m.owner_email)
      ctx.Warn("meeting " + m.meeting_id + ": the CSV says " + it->second + ", Zoom says " +
               m.owner_email + "; Zoom's owner wins");
  }
}

}  // namespace

Result<int> SyncZoomInventory(Context& ctx, const SyncOptions& options) {
  const ZoomSettings& z = ctx.config().zoom;
  if (!z.configured)
    return Status::InvalidInput((ctx.has_config() ? ctx.config().file.string() : "meetleak.toml") +
                                ": no [zoom] section: nothing to sync from");
  Result<zoom::ClientOptions> client_options = ClientOptionsFor(ctx.config());
  if (!client_options.ok()) return client_options.status();
  Result<LeakStore::InventoryRows> previous = ctx.store().LoadRows(RowSource::kZoom);
  if (!previous.ok()) return previous.status();
  auto http = zoom::NewCurlTransport({});
  Result<std::unique_ptr<zoom::Client>> client =
      zoom::Client::Create(std::move(*client_options), http.get(), SystemClock());
  if (!client.ok()) return client.status();
  Result<zoom::SyncResult> r =
      zoom::ReadInventory(**client, previous->meetings, previous->links, SystemClock());
  if (!r.ok()) {
    if (!options.dry_run) (void)RecordSync(ctx.store(), false, r.status().message());
    return Status(r.status().code(),
                  "inventory sync failed, the inventory is unchanged: " + r.status().message());
  }
  for (const std::string& w : r->warnings) ctx.Warn(w);
  ReportConflicts(ctx, *r);
  PrintDiff(ctx, *r, options);
  if (r->diff.ShrinksTooMuch() && !options.allow_shrink) {
    const std::string why =
        "the sync would remove " +
        std::to_string(r->diff.removed.size() + r->diff.links_removed.size()) + " of " +
        std::to_string(r->diff.previous_live) +
        " Zoom rows (more than a fifth); nothing changed. A revoked scope or a "
        "half-empty answer looks like this: check, then rerun with --allow-shrink";
    if (!options.dry_run) (void)RecordSync(ctx.store(), false, why);
    return Status::InvalidInput(why);
  }
  if (options.dry_run) return 0;
  MEETLEAK_RETURN_IF_ERROR(ctx.store().ReplaceZoomInventory({r->meetings, r->links}));
  MEETLEAK_RETURN_IF_ERROR(RecordSync(ctx.store(), true, ""));
  return 0;
}

void SyncIfDue(Context& ctx) {
  const ZoomSettings& z = ctx.config().zoom;
  if (!z.configured) return;
  const std::int64_t now = std::chrono::system_clock::to_time_t(SystemClock()->Now());
  Result<std::optional<std::string>> last = ctx.store().GetMeta("last_sync_attempt");
  if (last.ok() && last->has_value() && now - std::atoll((*last)->c_str()) < z.sync_interval_s)
    return;
  (void)ctx.store().SetMeta("last_sync_attempt", std::to_string(now));
  Result<bool> ran = RunAsJob(ctx, kSyncJob, [&ctx] {
    Result<int> r = SyncZoomInventory(ctx, SyncOptions{});
    return r.ok() ? Status::OK() : r.status();
  });
  if (!ran.ok())  // said even with -q: the scan goes on against the old inventory
    std::cerr << "meetleak: error: " << TerminalSafe(ran.status().message())
              << " (the pass uses the inventory stored before)\n";
}

namespace {

struct ImportArgs {
  std::string meetings;  // MEETINGS.csv
  std::string links;     // --personal-links ("" = keep the stored ones)
  bool allow_empty = false;
};

// kInvalidInput when the import would leave a part of a non-empty
// inventory empty and --allow-empty was not given: a header-only CSV is
// more often a broken export than an intent.
Status CheckNotEmptied(LeakStore& store, const InventoryFiles& files, const ImportArgs& args) {
  if (args.allow_empty) return Status::OK();
  const bool no_meetings = files.meetings && files.meetings->empty();
  const bool no_links = files.links && files.links->empty();
  if (!no_meetings && !no_links) return Status::OK();
  Result<Inventory> stored = store.LoadInventory();
  if (!stored.ok()) return stored.status();
  if (no_meetings && !stored->meetings().empty())
    return Status::InvalidInput(
        args.meetings + ": holds no meeting: importing it would empty the " +
        std::to_string(stored->meetings().size()) + " stored meetings (--allow-empty to do so)");
  if (no_links && !stored->personal_links().empty())
    return Status::InvalidInput(args.links +
                                ": holds no personal link: importing it would empty the " +
                                std::to_string(stored->personal_links().size()) +
                                " stored personal links (--allow-empty to do so)");
  return Status::OK();
}

Result<int> ImportInventory(Context& ctx, const ImportArgs& args) {
  const Config& c = ctx.config();
  if (c.zoom.configured)
    return Status::InvalidInput(c.file.string() +
                                ": the config has a [zoom] section: the inventory comes from "
                                "`meetleak inventory sync` (and the configured CSV files, if any)");
  if (!c.inventory.empty() || !c.personal_links.empty())
    return Status::InvalidInput(
        c.file.string() + ": the config names the inventory (" +
        (c.inventory.empty() ? c.personal_links : c.inventory).string() +
        "): it is re-imported when it changes; edit that file instead of importing another");
  Result<InventoryFiles> files = ReadInventoryFiles(args.meetings, args.links);
  if (!files.ok()) return Status::InvalidInput(files.status().message() + "\nnothing was imported");
  MEETLEAK_RETURN_IF_ERROR(ctx.OpenStore());
  MEETLEAK_RETURN_IF_ERROR(CheckNotEmptied(ctx.store(), *files, args));
  std::optional<std::vector<InventoryMeeting>> meetings = std::move(files->meetings);
  std::optional<std::vector<PersonalLink>> links = std::move(files->links);
  size_t nm = meetings->size(), nl = links ? links->size() : 0;
  MEETLEAK_RETURN_IF_ERROR(ctx.store().ReplaceInventory(std::move(meetings), std::move(links)));
  if (!ctx.options().quiet) {
    std::cerr << "meetleak: imported " << nm << " meetings";
    if (!args.links.empty()) std::cerr << " and " << nl << " personal links";
    std::cerr << " into " << ctx.db_path().string() << "\n";
  }
  return 0;
}

Result<int> ListInventory(Context& ctx, const std::string& format) {
  Result<ReportFormat> f = ParseListFormat(format);
  if (!f.ok()) return f.status();
  MEETLEAK_RETURN_IF_ERROR(ctx.OpenStore(Context::MissingDb::kRefuse));
  Result<Inventory> inv = ctx.LoadInventory();
  if (!inv.ok()) return inv.status();
  std::cout << RenderInventory(*inv, *f);
  return 0;
}

void AddInventorySyncCommand(CLI::App& inventory, Command& command) {
  auto* sync =
      inventory.add_subcommand("sync", "replace the Zoom-sourced inventory from Zoom's API");
  auto options = std::make_shared<SyncOptions>();
  sync->add_flag("--dry-run", options->dry_run,
                 "read Zoom and print what would change; change nothing");
  sync->add_flag("--allow-shrink", options->allow_shrink,
                 "let the sync remove more than a fifth of the Zoom rows");
  sync->callback([&command, options] {
    command = [options](Context& ctx) -> Result<int> {
      MEETLEAK_RETURN_IF_ERROR(ctx.LockForRun());  // one sync at a time per database
      MEETLEAK_RETURN_IF_ERROR(ctx.OpenStore());
      int code = 0;
      Result<bool> ran = RunAsJob(ctx, kSyncJob, [&] {
        Result<int> r = SyncZoomInventory(ctx, *options);
        if (r.ok()) code = *r;
        return r.ok() ? Status::OK() : r.status();
      });
      if (!ran.ok()) return ran.status();
      return code;
    };
  });
}

}  // namespace

void AddInventoryCommands(CLI::App& app, Command& command) {
  CLI::App* inv = app.add_subcommand("inventory", "the company's meetings and personal links");
  inv->require_subcommand(1);
  auto* import_cmd = inv->add_subcommand("import", "replace the meetings (and personal links)");
  auto args = std::make_shared<ImportArgs>();
  import_cmd
      ->add_option("MEETINGS.csv", args->meetings,
                   "meetings CSV: meeting_id,owner_email,topic,kind")
      ->required();
  import_cmd->add_option("--personal-links", args->links,
                         "personal links CSV (vanity,owner_email); kept when not given");
  import_cmd->add_flag("--allow-empty", args->allow_empty,
                       "let the import empty a non-empty inventory");
  import_cmd->callback(
      [&command, args] { command = [args](Context& ctx) { return ImportInventory(ctx, *args); }; });
  AddInventorySyncCommand(*inv, command);
  auto* list = inv->add_subcommand("list", "print the inventory");
  auto format = std::make_shared<std::string>("text");
  list->add_option("--format", *format, "text or json");
  list->callback([&command, format] {
    command = [format](Context& ctx) { return ListInventory(ctx, *format); };
  });
}

}  // namespace meetleak::cli
