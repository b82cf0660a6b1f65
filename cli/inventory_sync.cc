// `inventory sync`: the Zoom-sourced inventory read whole from Zoom's API,
// then stored in one transaction (../shared/DESIGN.md, "Zoom integration").
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "base/terminal.h"
#include "cli/subcommands.h"
#include "zoom/sync.h"

namespace meetleak::cli {
namespace {

using nlohmann::ordered_json;

Status RecordSync(LeakStore& store, bool ok, const std::string& error) {
  ordered_json j{{"time", FormatIso8601(SystemClock()->Now())}, {"ok", ok}, {"error", error}};
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

void PrintDiff(const Context& ctx, const zoom::SyncResult& r, bool dry_run) {
  if (ctx.options().quiet) return;
  const zoom::SyncDiff& d = r.diff;
  std::cout << (dry_run ? "zoom sync (dry run, nothing changed): " : "zoom sync: ") << r.users
            << " users; meetings: " << d.added.size() << " added, " << d.removed.size()
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

Result<int> SyncZoomInventory(Context& ctx, bool dry_run, bool allow_shrink) {
  const ZoomSettings& z = ctx.config().zoom;
  if (!z.configured)
    return Status::InvalidInput((ctx.has_config() ? ctx.config().file.string() : "meetleak.toml") +
                                ": no [zoom] section: nothing to sync from");
  Result<zoom::ClientOptions> options = ClientOptionsFor(ctx.config());
  if (!options.ok()) return options.status();
  Result<LeakStore::InventoryRows> previous = ctx.store().LoadRows(RowSource::kZoom);
  if (!previous.ok()) return previous.status();
  auto http = zoom::NewCurlTransport({});
  Result<std::unique_ptr<zoom::Client>> client =
      zoom::Client::Create(std::move(*options), http.get(), SystemClock());
  if (!client.ok()) return client.status();
  Result<zoom::SyncResult> r =
      zoom::ReadInventory(**client, previous->meetings, previous->links, SystemClock());
  if (!r.ok()) {
    if (!dry_run) (void)RecordSync(ctx.store(), false, r.status().message());
    return Status(r.status().code(),
                  "inventory sync failed, the inventory is unchanged: " + r.status().message());
  }
  for (const std::string& w : r->warnings) ctx.Warn(w);
  ReportConflicts(ctx, *r);
  PrintDiff(ctx, *r, dry_run);
  if (r->diff.ShrinksTooMuch() && !allow_shrink) {
    const std::string why =
        "the sync would remove " +
        std::to_string(r->diff.removed.size() + r->diff.links_removed.size()) + " of " +
        std::to_string(r->diff.previous_live) +
        " Zoom rows (more than a fifth); nothing changed. A revoked scope or a "
        "half-empty answer looks like this: check, then rerun with --allow-shrink";
    if (!dry_run) (void)RecordSync(ctx.store(), false, why);
    return Status::InvalidInput(why);
  }
  if (dry_run) return 0;
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
  Result<int> r = SyncZoomInventory(ctx, /*dry_run=*/false, /*allow_shrink=*/false);
  if (!r.ok())  // said even with -q: the scan goes on against the old inventory
    std::cerr << "meetleak: error: " << TerminalSafe(r.status().message())
              << " (the pass uses the inventory stored before)\n";
}

void AddInventorySyncCommand(CLI::App& inventory, Command& command) {
  auto* sync =
      inventory.add_subcommand("sync", "replace the Zoom-sourced inventory from Zoom's API");
  auto dry_run = std::make_shared<bool>(false);
  auto allow_shrink = std::make_shared<bool>(false);
  sync->add_flag("--dry-run", *dry_run, "read Zoom and print what would change; change nothing");
  sync->add_flag("--allow-shrink", *allow_shrink,
                 "let the sync remove more than a fifth of the Zoom rows");
  sync->callback([&command, dry_run, allow_shrink] {
    command = [dry_run, allow_shrink](Context& ctx) -> Result<int> {
      MEETLEAK_RETURN_IF_ERROR(ctx.LockForRun());  // one sync at a time per database
      MEETLEAK_RETURN_IF_ERROR(ctx.OpenStore());
      return SyncZoomInventory(ctx, *dry_run, *allow_shrink);
    };
  });
}

}  // namespace meetleak::cli
