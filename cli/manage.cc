// inventory, config, sources and leaks subcommands.
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/terminal.h"
#include "cli/subcommands.h"
#include "matchers/matcher.h"

namespace meetleak::cli {
namespace {

using nlohmann::ordered_json;

Status CheckFormat(const std::string& format, std::initializer_list<const char*> allowed) {
  for (const char* a : allowed)
    if (format == a) return Status::OK();
  return Status::InvalidInput("--format: '" + format + "' is not offered here");
}

// kInvalidInput when the import would leave a part of a non-empty
// inventory empty and `allow_empty` was not given: a header-only CSV is
// more often a broken export than an intent.
Status CheckNotEmptied(LeakStore& store, const InventoryFiles& files,
                       const std::string& meetings_path, const std::string& links_path,
                       bool allow_empty) {
  if (allow_empty) return Status::OK();
  const bool no_meetings = files.meetings && files.meetings->empty();
  const bool no_links = files.links && files.links->empty();
  if (!no_meetings && !no_links) return Status::OK();
  Result<Inventory> stored = store.LoadInventory();
  if (!stored.ok()) return stored.status();
  if (no_meetings && !stored->meetings().empty())
    return Status::InvalidInput(
        meetings_path + ": holds no meeting: importing it would empty the " +
        std::to_string(stored->meetings().size()) + " stored meetings (--allow-empty to do so)");
  if (no_links && !stored->personal_links().empty())
    return Status::InvalidInput(links_path +
                                ": holds no personal link: importing it would empty the " +
                                std::to_string(stored->personal_links().size()) +
                                " stored personal links (--allow-empty to do so)");
  return Status::OK();
}

Result<int> ImportInventory(Context& ctx, const std::string& meetings_path,
                            const std::string& links_path, bool allow_empty) {
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
  Result<InventoryFiles> files = ReadInventoryFiles(meetings_path, links_path);
  if (!files.ok()) return Status::InvalidInput(files.status().message() + "\nnothing was imported");
  MEETLEAK_RETURN_IF_ERROR(ctx.OpenStore());
  MEETLEAK_RETURN_IF_ERROR(
      CheckNotEmptied(ctx.store(), *files, meetings_path, links_path, allow_empty));
  std::optional<std::vector<InventoryMeeting>> meetings = std::move(files->meetings);
  std::optional<std::vector<PersonalLink>> links = std::move(files->links);
  size_t nm = meetings->size(), nl = links ? links->size() : 0;
  MEETLEAK_RETURN_IF_ERROR(ctx.store().ReplaceInventory(std::move(meetings), std::move(links)));
  if (!ctx.options().quiet) {
    std::cerr << "meetleak: imported " << nm << " meetings";
    if (!links_path.empty()) std::cerr << " and " << nl << " personal links";
    std::cerr << " into " << ctx.db_path().string() << "\n";
  }
  return 0;
}

// What Zoom said of a meeting (nothing for a CSV row): "unknown" where it
// did not say.
ordered_json MeetingJson(const InventoryMeeting& m) {
  auto flag = [](std::optional<bool> b) { return b ? ordered_json(*b) : ordered_json(nullptr); };
  auto time = [](std::optional<std::int64_t> t) {
    return t ? ordered_json(FormatIso8601(Clock::TimePoint(std::chrono::seconds(*t))))
             : ordered_json(nullptr);
  };
  return {{"meeting_id", m.meeting_id},
          {"owner_email", m.owner_email},
          {"topic", m.topic},
          {"kind", ToString(m.kind)},
          {"source", ToString(m.source)},
          {"start_time", time(m.start_time)},
          {"recurrence_end", time(m.recurrence_end)},
          {"expired_at", time(m.expired_at)},
          {"passcode_set", flag(m.passcode_set)},
          {"waiting_room", flag(m.waiting_room)},
          {"join_before_host", flag(m.join_before_host)},
          {"embed_password_in_join_link", flag(m.embed_password_in_join_link)}};
}

std::string SettingsText(const InventoryMeeting& m) {
  if (m.source == RowSource::kCsv) return "";
  auto flag = [](const char* name, std::optional<bool> b) {
    return std::string(" ") + name + "=" + (b ? (*b ? "yes" : "no") : "?");
  };
  std::string s = "  " + flag("passcode", m.passcode_set).substr(1) +
                  flag("waiting_room", m.waiting_room) +
                  flag("join_before_host", m.join_before_host) +
                  flag("passcode_in_link", m.embed_password_in_join_link);
  if (m.expired_at)
    s += " expired=" + FormatIso8601(Clock::TimePoint(std::chrono::seconds(*m.expired_at)));
  return s;
}

Result<int> ListInventory(Context& ctx, const std::string& format) {
  MEETLEAK_RETURN_IF_ERROR(CheckFormat(format, {"text", "json"}));
  MEETLEAK_RETURN_IF_ERROR(ctx.OpenStore(Context::MissingDb::kRefuse));
  Result<Inventory> inv = ctx.LoadInventory();
  if (!inv.ok()) return inv.status();
  if (format == "json") {
    ordered_json j{{"meetings", ordered_json::array()}, {"personal_links", ordered_json::array()}};
    for (const InventoryMeeting& m : inv->meetings()) j["meetings"].push_back(MeetingJson(m));
    for (const PersonalLink& l : inv->personal_links())
      j["personal_links"].push_back(
          {{"vanity", l.vanity}, {"owner_email", l.owner_email}, {"source", ToString(l.source)}});
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::cout << inv->meetings().size() << " meetings, " << inv->personal_links().size()
            << " personal links\n";
  for (const InventoryMeeting& m : inv->meetings())
    std::cout << TerminalSafe(m.meeting_id) << "  " << ToString(m.kind) << "  "
              << TerminalSafe(m.owner_email) << "  " << ToString(m.source) << SettingsText(m)
              << "  " << TerminalSafe(m.topic) << "\n";
  for (const PersonalLink& l : inv->personal_links())
    std::cout << "/my/" << TerminalSafe(l.vanity) << "  personal  " << TerminalSafe(l.owner_email)
              << "  " << ToString(l.source) << "\n";
  return 0;
}

Result<int> CheckConfig(Context& ctx) {
  if (!ctx.has_config())
    return Status::InvalidInput("no config: pass --config FILE or create ./meetleak.toml");
  const Config& c = ctx.config();
  Result<InventoryFiles> files = ReadInventoryFiles(c.inventory, c.personal_links);
  if (!files.ok()) return files.status();
  std::cout << TerminalSafe(c.file.string()) << ": OK\n"
            << "database: " << TerminalSafe(ctx.db_path().string()) << "\n"
            << "company domains: " << c.zoom_domains.size() << ", allow entries: " << c.allow.size()
            << "\n"
            << c.sources.size() << " sources:\n";
  for (const SourceSpec& s : c.sources)
    if (s.interval_s < 60)
      ctx.Warn(c.file.string() + ":" + std::to_string(s.line) +
               ": source.interval: under a minute (" + std::to_string(s.interval_s) +
               "s): the source will be polled that often");
  const std::pair<std::string_view, const std::string*> secret_variables[] = {
      {"notify.smtp_password_env", &c.notify.smtp_password_env},
      {"zoom.client_secret_env", &c.zoom.client_secret_env},
      {"zoom.fix_client_secret_env", &c.zoom.fix_client_secret_env}};
  for (const auto& [key, variable] : secret_variables)
    if (!variable->empty() && !SecretFromEnv(*variable))
      ctx.Warn(UnsetSecretMessage(c, key, *variable) + ": commands that need it will fail");
  for (const SourceSpec& s : c.sources)
    std::cout << "  " << TerminalSafe(RedactSecrets(s.url)) << "  every " << s.interval_s
              << "s  kind " << s.kind << (s.follow_entries ? "" : "  no-entries")
              << (s.depth > 0 ? "  depth " + std::to_string(s.depth) : "") << "\n";
  return 0;
}

std::string TimeOrDash(const std::optional<Clock::TimePoint>& t) {
  return t ? FormatIso8601(*t) : "-";
}

Result<int> ListSources(Context& ctx, const std::string& format) {
  MEETLEAK_RETURN_IF_ERROR(CheckFormat(format, {"text", "json"}));
  MEETLEAK_RETURN_IF_ERROR(ctx.OpenStore(Context::MissingDb::kRefuse));
  Result<std::vector<LeakStore::SourceRow>> rows = ctx.store().ListSources();
  if (!rows.ok()) return rows.status();
  if (format == "json") {
    ordered_json j = ordered_json::array();
    auto opt = [](const std::optional<Clock::TimePoint>& t) {
      return t ? ordered_json(FormatIso8601(*t)) : ordered_json(nullptr);
    };
    for (const auto& s : *rows)
      j.push_back({{"url", RedactSecrets(s.url)},
                   {"kind", s.kind},
                   {"interval_s", s.interval_s},
                   {"active", s.active},
                   {"last_fetched", opt(s.last_fetched)},
                   {"next_due", opt(s.next_due)},
                   {"retry_after", opt(s.retry_after)},
                   {"last_status", s.last_status},
                   {"last_error", s.last_error},
                   {"consecutive_failures", s.consecutive_failures},
                   {"open_leaks", s.open_leaks},
                   {"non_company_refs", s.non_company_refs}});
    std::cout << ordered_json{{"sources", j}}.dump(2) << "\n";
    return 0;
  }
  for (const auto& s : *rows) {
    std::cout << TerminalSafe(RedactSecrets(s.url)) << (s.active ? "" : "  (no longer configured)")
              << "\n"
              << "  last fetched " << TimeOrDash(s.last_fetched) << "  status " << s.last_status
              << "  next due " << (s.next_due || !s.active ? TimeOrDash(s.next_due) : "now")
              << "  open leaks " << s.open_leaks << "  non-company refs " << s.non_company_refs
              << "\n";
    if (s.retry_after && *s.retry_after > SystemClock()->Now())
      std::cout << "  retry after " << FormatIso8601(*s.retry_after)
                << " (the server's Retry-After, at most [crawler] retry_after_max)\n";
    if (!s.last_error.empty())
      std::cout << "  last error (" << s.consecutive_failures
                << " in a row): " << TerminalSafe(s.last_error) << "\n";
  }
  return 0;
}

}  // namespace

Result<std::vector<Finding>> StoredFindings(Context& ctx, const std::string& status,
                                            const std::string& owner) {
  LeakStore::LeakFilter filter;
  if (status != "all") filter.status = status;
  if (!owner.empty()) filter.owner = owner;
  Result<std::vector<LeakStore::LeakRow>> rows = ctx.store().ListLeaks(filter);
  if (!rows.ok()) return rows.status();
  std::vector<Finding> findings;
  for (const auto& row : *rows) findings.push_back(FindingFromLeak(row));
  return findings;
}

void AddInventoryCommands(CLI::App& app, Command& command) {
  CLI::App* inv = app.add_subcommand("inventory", "the company's meetings and personal links");
  inv->require_subcommand(1);
  auto* import = inv->add_subcommand("import", "replace the meetings (and personal links)");
  auto meetings = std::make_shared<std::string>();
  auto links = std::make_shared<std::string>();
  import->add_option("MEETINGS.csv", *meetings)->required();
  auto allow_empty = std::make_shared<bool>(false);
  import->add_option("--personal-links", *links);
  import->add_flag("--allow-empty", *allow_empty, "let the import empty a non-empty inventory");
  import->callback([&command, meetings, links, allow_empty] {
    command = [meetings, links, allow_empty](Context& ctx) {
      return ImportInventory(ctx, *meetings, *links, *allow_empty);
};
}  // namespace meetleak::cli
);
AddInventorySyncCommand(*inv, command);
auto* list = inv->add_subcommand("list", "print the inventory");
auto format = std::make_shared<std::string>("text");
list->add_option("--format", *format);
list->callback([&command, format] {
  command = [format](Context& ctx) { return ListInventory(ctx, *format); };
});
}

void AddConfigCommands(CLI::App& app, Command& command) {
  CLI::App* config = app.add_subcommand("config", "the configuration");
  config->require_subcommand(1);
  config->add_subcommand("check", "validate the config and its files, print the sources")
      ->callback([&command] { command = CheckConfig; });
}

void AddSourcesCommands(CLI::App& app, Command& command) {
  CLI::App* sources = app.add_subcommand("sources", "the configured sources");
  sources->require_subcommand(1);
  auto format = std::make_shared<std::string>("text");
  auto* list = sources->add_subcommand("list", "each source's state");
  list->add_option("--format", *format);
  list->callback([&command, format] {
    command = [format](Context& ctx) { return ListSources(ctx, *format); };
  });
}

}  // namespace meetleak::cli
