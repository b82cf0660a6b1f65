// The subcommands. Each Add… registers its CLI11 subcommand on `app` and,
// when it is chosen, sets `command` to the function that runs it. A command
// returns its exit code (scan/run: 0, 1 when an open company leak was seen, 3
// when nothing could be read) or a failed Status (→ exit 2/3/4 by its code).
#ifndef MEETLEAK_CLI_SUBCOMMANDS_H_
#define MEETLEAK_CLI_SUBCOMMANDS_H_

#include <CLI/CLI.hpp>
#include <functional>

#include "cli/context.h"
#include "report/notify.h"

namespace meetleak::cli {

using Command = std::function<Result<int>(Context&)>;

void AddInventoryCommands(CLI::App& app, Command& command);
void AddScanCommand(CLI::App& app, Command& command);
void AddRunCommand(CLI::App& app, Command& command);
void AddConfigCommands(CLI::App& app, Command& command);
void AddSourcesCommands(CLI::App& app, Command& command);
void AddLeaksCommands(CLI::App& app, Command& command);
void AddReportCommands(CLI::App& app, Command& command);
void AddNotifyCommand(CLI::App& app, Command& command);
void AddStatusCommand(CLI::App& app, Command& command);
void AddSweepCommand(CLI::App& app, Command& command);
void AddFixCommand(CLI::App& app, Command& command);
void AddDbCommands(CLI::App& app, Command& command);

// The meta key of the last successful Zoom sync's time (unix seconds).
inline constexpr std::string_view kLastSyncSuccessKey = "last_sync_success";

// `status`'s exit code when the job is unhealthy.
inline constexpr int kUnhealthyExit = 5;

// One pass of `run`, recorded in the DB's meta at its end (`status`, the
// report's header): start, end, and its exit (0, 1 open leaks seen, 3 every
// source failed).
struct PassRecord {
  Clock::TimePoint start, end;
  int exit = 0;
};
Status RecordPass(LeakStore& store, const PassRecord& pass);
Result<std::optional<PassRecord>> ReadLastPass(LeakStore& store);
// The owners' report's header: now, the scope, the DB's active sources, the
// last pass and the config's security contact. The store must be open.
Result<ReportHeader> ReportHeaderFor(Context& ctx, const std::string& owner,
                                     std::optional<LeakStatus> status);
// Writes `text` to a temporary file beside `path` (a name not ending in
// .prom), then renames it over `path`.
Status WriteMetricsFile(const std::string& path, const std::string& text);

// `inventory sync`'s flags.
struct SyncOptions {
  bool dry_run = false;       // read Zoom and print the change; store nothing
  bool allow_shrink = false;  // let the sync remove more than a fifth of the Zoom rows
};
// Reads Zoom's inventory and, unless `dry_run`, stores it in one transaction
// when every call succeeded and it removes at most a fifth of the Zoom rows
// (any share with `allow_shrink`). The store must be open (and locked).
Result<int> SyncZoomInventory(Context& ctx, const SyncOptions& options);
// `run`: syncs when a [zoom] section exists and the last attempt is
// sync_interval old (or none was made). A failure is printed, and the pass
// goes on with the inventory stored before. The caller holds the run lock:
// one sync at a time per database.
void SyncIfDue(Context& ctx);

// Logs each line of `status`'s message as an error; returns its exit code.
int ReportError(const Log& log, const Status& status);

// `leaks list` and `report`: the stored leaks that match, rendered.
struct LeakListing {
  std::optional<LeakStatus> status = LeakStatus::kOpen;  // --status; nullopt: all
  std::string owner;                                     // --owner ("" = every owner)
  std::string format = "text";                           // --format
  std::string output;                                    // --output ("" = stdout; report only)
  // The owner report: the owners summary and advice; html and sarif too.
  bool report = false;
};
void AddLeakListOptions(CLI::App* cmd, LeakListing* listing);
Result<int> PrintLeaks(Context& ctx, const LeakListing& listing);

// How `notify` (and `run --notify`) deliver.
struct NotifyMode {
  bool dry_run = false;  // print what would be sent; send nothing, mark nothing
};
// The [notify] settings with the SMTP password read from its variable;
// kInvalidInput naming the config when they cannot send (no channel, a bad
// URL, an unset password variable — not checked with `dry_run`).
Result<NotifyOptions> NotifyOptionsFor(const Config& config, const NotifyMode& mode);

// Sends (or with dry_run prints) the owner digests of leaks that are new,
// reopened or escalated since their last notice; marks sent ones notified.
// Each failed digest is an error line (it stays due); the counts say how
// many went out.
struct NotifyCounts {
  int sent = 0, failed = 0;
};
Result<NotifyCounts> NotifyOwners(Context& ctx, const NotifyMode& mode);

}  // namespace meetleak::cli

#endif  // MEETLEAK_CLI_SUBCOMMANDS_H_
