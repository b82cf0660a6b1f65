#include "cli/context.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

namespace meetleak::cli {

namespace fs = std::filesystem;

Result<std::string> ReadTextFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::InvalidInput(path.string() + ": cannot read: " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Status::InvalidInput(path.string() + ": read error");
  return ss.str();
}

Status CheckRegularFile(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return Status::InvalidInput(path.string() + ": cannot read: " + std::strerror(errno));
  if (S_ISDIR(st.st_mode))
    return Status::InvalidInput(path.string() + ": is a directory, not a file");
  if (!S_ISREG(st.st_mode)) return Status::InvalidInput(path.string() + ": not a regular file");
  return Status::OK();
}

namespace {

// An inventory CSV's text, or why it is none: not a readable regular file
// (a directory or /dev/null would be an empty inventory), or no header line.
Result<std::string> ReadInventoryCsv(const fs::path& path) {
  MEETLEAK_RETURN_IF_ERROR(CheckRegularFile(path));
  Result<std::string> text = ReadTextFile(path);
  if (!text.ok()) return text.status();
  if (text->find_first_not_of(" \t\r\n\xEF\xBB\xBF") == std::string::npos)
    return Status::InvalidInput(path.string() + ": empty: a CSV needs its header line");
  return text;
}

}  // namespace

Result<InventoryFiles> ReadInventoryFiles(const fs::path& meetings, const fs::path& links) {
  InventoryFiles files;
  std::string errors;
  // Reads and parses one file into `out`, or adds its errors to `errors`.
  auto read = [&errors](const fs::path& path, auto parse, auto& out) {
    if (path.empty()) return;
    Result<std::string> text = ReadInventoryCsv(path);
    Status status = text.status();
    if (text.ok()) {
      auto rows = parse(*text, path.string());
      if (rows.ok()) return void(out = std::move(*rows));
      status = rows.status();
    }
    errors += (errors.empty() ? "" : "\n") + status.message();
  };
  read(meetings, Inventory::ParseMeetingsCsv, files.meetings);
  read(links, Inventory::ParseLinksCsv, files.links);
  if (!errors.empty()) return Status::InvalidInput(errors);
  return files;
}

Status WriteOutput(const std::string& text, const std::string& output) {
  if (output.empty()) {
    std::cout << text;
    std::cout.flush();
    return std::cout ? Status::OK() : Status::IOError("stdout: write failed");
  }
  std::ofstream out(output, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return Status::IOError(output + ": cannot write: " + std::strerror(errno));
  return Status::OK();
}

Status AddHistory(LeakStore& store, std::vector<Finding>& findings) {
  for (Finding& f : findings) {
    if (!f.leak_id) continue;
    Result<std::vector<LeakStore::LeakEvent>> events = store.LeakEvents(*f.leak_id);
    if (!events.ok()) return events.status();
    for (const auto& e : *events)
      f.history.push_back({e.at ? FormatIso8601(*e.at) : "", e.kind, e.actor, e.note});
  }
  return Status::OK();
}

Status Context::LoadConfig() {
  fs::path file = options_.config;
  if (file.empty() && fs::exists("meetleak.toml")) file = "meetleak.toml";
  if (!options_.config.empty() && !fs::exists(file))
    return Status::InvalidInput(file.string() + ": config file not found");
  if (!file.empty()) {
    MEETLEAK_RETURN_IF_ERROR(CheckRegularFile(file));
    Result<Config> c = cli::LoadConfig(file);
    if (!c.ok()) return c.status();
    config_ = std::move(*c);
  }
  if (!options_.db.empty())
    db_path_ = options_.db;
  else if (!config_.database.empty())
    db_path_ = config_.database;
  else
    db_path_ = "meetleak.db";
  // Before any lock or connection is made of it: a password in the URL is
  // refused (exit 2), never echoed.
  if (IsPostgresUrl(db_path_.string())) {
    Result<std::string> conninfo = PostgresConninfo(db_path_.string());
    if (!conninfo.ok())
      return Status::InvalidInput((options_.db.empty() ? "database: " : "--db: ") +
                                  conninfo.status().message());
  }
  return Status::OK();
}

Status Context::LockForRun() {
  if (IsPostgresUrl(db_path_.string())) return Status::OK();  // leases instead
  Result<std::unique_ptr<RunLock>> lock = RunLock::Acquire(db_path_.string());
  if (!lock.ok()) return lock.status();
  run_lock_ = std::move(*lock);
  return Status::OK();
}

Result<Leases*> Context::WorkerLeases() {
  if (leases_ != nullptr) return leases_.get();
  Leases::Options options;
  options.worker = Leases::NewWorkerId(&options.host);
  options.lease = std::chrono::seconds(config_.storage.lease_s);
  Result<std::unique_ptr<Leases>> leases =
      Leases::Open(db_path_.string(), std::move(options), SystemClock());
  if (!leases.ok()) return leases.status();
  leases_ = std::move(*leases);
  return leases_.get();
}

Status Context::OpenStore(MissingDb missing) {
  std::error_code ec;
  // A PostgreSQL database is the server's to create (an empty one is
  // migrated like a new file).
  if (missing == MissingDb::kRefuse && !IsPostgresUrl(db_path_.string()) &&
      !fs::exists(db_path_, ec))
    return Status::InvalidInput(db_path_.string() +
                                ": no database here (run `meetleak run` or `meetleak scan` first, "
                                "or name one with --db)");
  Result<std::unique_ptr<LeakStore>> s = LeakStore::Open(db_path_.string(), SystemClock());
  if (!s.ok()) return s.status();
  store_ = std::move(*s);
  return SyncConfiguredInventory();
}

namespace {

std::string ContentHash(std::string_view bytes) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ULL;
  return std::to_string(h) + ":" + std::to_string(bytes.size());
}

}  // namespace

Status Context::SyncConfiguredInventory() {
  std::optional<std::vector<InventoryMeeting>> meetings;
  std::optional<std::vector<PersonalLink>> links;
  std::vector<std::pair<std::string, std::string>> hashes;
  std::string errors;
  auto check = [&](const fs::path& file, const char* meta_key, auto parse, auto& out) -> Status {
    if (file.empty()) return Status::OK();
    Result<std::string> text = ReadInventoryCsv(file);
    if (!text.ok()) return text.status();
    std::string hash = ContentHash(*text);
    Result<std::optional<std::string>> stored = store_->GetMeta(meta_key);
    if (!stored.ok()) return stored.status();
    if (stored->has_value() && **stored == hash) return Status::OK();
    auto rows = parse(*text, file.string());
    if (!rows.ok()) {
      errors += (errors.empty() ? "" : "\n") + rows.status().message();
      return Status::OK();
    }
    out = std::move(*rows);
    hashes.emplace_back(meta_key, hash);
    return Status::OK();
  };
  MEETLEAK_RETURN_IF_ERROR(
      check(config_.inventory, "inventory_hash", Inventory::ParseMeetingsCsv, meetings));
  MEETLEAK_RETURN_IF_ERROR(
      check(config_.personal_links, "personal_links_hash", Inventory::ParseLinksCsv, links));
  if (!errors.empty()) return Status::InvalidInput(errors);
  if (!meetings && !links) return Status::OK();
  MEETLEAK_RETURN_IF_ERROR(store_->ReplaceInventory(std::move(meetings), std::move(links)));
  for (const auto& [key, hash] : hashes) MEETLEAK_RETURN_IF_ERROR(store_->SetMeta(key, hash));
  Info("re-imported the configured inventory");
  return Status::OK();
}

Result<Inventory> Context::LoadInventory(const std::vector<std::string>& extra_domains) {
  Result<Inventory> inv = store_->LoadInventory();
  if (!inv.ok()) return inv.status();
  std::vector<std::string> domains = config_.zoom_domains;
  domains.insert(domains.end(), extra_domains.begin(), extra_domains.end());
  inv->set_company_domains(std::move(domains));
  inv->set_security_contact(config_.security_contact);
  return inv;
}

}  // namespace meetleak::cli
