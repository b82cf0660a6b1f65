// Context: what every subcommand needs — global options, the config, the DB
// and the inventory — loaded the same way for all of them. Internal to cli/.
#ifndef MEETLEAK_CLI_CONTEXT_H_
#define MEETLEAK_CLI_CONTEXT_H_

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "cli/config.h"
#include "cli/log.h"
#include "cli/stop_signals.h"
#include "db/leases.h"
#include "db/store.h"
#include "matchers/inventory.h"
#include "report/finding.h"
#include "report/render.h"

namespace meetleak::cli {

struct GlobalOptions {
  std::string config;  // --config ("" = ./meetleak.toml if it exists)
  std::string db;      // --db
  bool quiet = false;
  bool verbose = false;
  LogFormat log_format = LogFormat::kText;  // --log-format text|json
};

class Context {
 public:
  // `signals` is the process's (Main owns it) and outlives the Context.
  Context(GlobalOptions options, StopSignals& signals)
      : options_(std::move(options)),
        signals_(signals),
        log_(
            {.format = options_.log_format, .quiet = options_.quiet, .verbose = options_.verbose}) {
  }

  // Loads the config (the explicit one must exist; the default is optional)
  // and decides the DB path. kInvalidInput names file, line and key.
  Status LoadConfig();
  // Whether OpenStore may create a missing database: the commands that only
  // read (inventory list, sources list, leaks list, report) never do.
  enum class MissingDb { kCreate, kRefuse };
  // Opens the DB. When the config names inventory files, re-imports them if
  // their content changed; a bad configured CSV is kInvalidInput and nothing
  // is imported. With MissingDb::kRefuse, a DB file that does not exist is
  // kInvalidInput naming its path, and nothing is created.
  Status OpenStore(MissingDb missing = MissingDb::kCreate);
  // Takes the DB's run lock (kBusy naming the holder); held while the
  // Context lives, and released only after the store is closed. PostgreSQL:
  // nothing — workers share the database through leases (Leases()).
  Status LockForRun();
  // This process's leases over the open store's database (db/leases.h):
  // a worker id of its own and the config's [storage] lease_s. Opened on
  // first use, after OpenStore.
  Result<Leases*> WorkerLeases();
  // The stored inventory with the config's domains (plus `extra_domains`) and
  // security contact.
  Result<Inventory> LoadInventory(const std::vector<std::string>& extra_domains = {});

  const Config& config() const { return config_; }
  bool has_config() const { return !config_.file.empty(); }
  bool has_store() const { return store_ != nullptr; }  // OpenStore succeeded
  LeakStore& store() { return *store_; }
  const std::filesystem::path& db_path() const { return db_path_; }
  const GlobalOptions& options() const { return options_; }
  StopSignals& signals() { return signals_; }
  const Log& log() const { return log_; }

  void Warn(const std::string& line) const { log_.Warn(line); }   // unless --quiet
  void Info(const std::string& line) const { log_.Debug(line); }  // only with --verbose

 private:
  Status SyncConfiguredInventory();

  GlobalOptions options_;
  StopSignals& signals_;
  Log log_;
  Config config_;
  std::filesystem::path db_path_;
  std::unique_ptr<RunLock> run_lock_;  // before store_: outlives it
  std::unique_ptr<LeakStore> store_;
  std::unique_ptr<Leases> leases_;  // after store_: opened on a database it made
};

// Reads a whole file; kInvalidInput "PATH: cannot read: reason" when it cannot.
Result<std::string> ReadTextFile(const std::filesystem::path& path);
// kInvalidInput naming `path` unless it is a regular file (not a directory,
// a device such as /dev/null, or a FIFO): what the config and the inventory
// CSVs must be.
Status CheckRegularFile(const std::filesystem::path& path);

// The rows of a meetings CSV and/or a personal-links CSV ("" = not given:
// nullopt). Every bad line of both files is listed in one kInvalidInput
// Status (one "file:line: reason" per line); a file that is not a readable
// regular file, or is empty (no header line), is named.
struct InventoryFiles {
  std::optional<std::vector<InventoryMeeting>> meetings;
  std::optional<std::vector<PersonalLink>> links;
};
Result<InventoryFiles> ReadInventoryFiles(const std::filesystem::path& meetings,
                                          const std::filesystem::path& links);

// Fills each stored finding's history (LeakStore::LeakEvents).
Status AddHistory(LeakStore& store, std::vector<Finding>& findings);

// Prints `text` to stdout, or writes it to `output` when non-empty.
Status WriteOutput(const std::string& text, const std::string& output);

}  // namespace meetleak::cli

#endif  // MEETLEAK_CLI_CONTEXT_H_
