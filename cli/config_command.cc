// `config check`: the config and its files validated, the sources printed.
#include <iostream>

#include "base/terminal.h"
#include "cli/subcommands.h"
#include "matchers/matcher.h"

namespace meetleak::cli {
namespace {

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
              << "s  kind " << ToString(s.kind) << (s.follow_entries ? "" : "  no-entries")
              << (s.depth > 0 ? "  depth " + std::to_string(s.depth) : "") << "\n";
  return 0;
}

}  // namespace

void AddConfigCommands(CLI::App& app, Command& command) {
  CLI::App* config = app.add_subcommand("config", "the configuration");
  config->require_subcommand(1);
  config->add_subcommand("check", "validate the config and its files, print the sources")
      ->callback([&command] { command = CheckConfig; });
}

}  // namespace meetleak::cli
