// Config: meetleak.toml (docs/configuration.md), loaded and checked.
//
//   Result<Config> config = LoadConfig("/etc/meetleak/meetleak.toml");
//
// Relative paths are resolved against the config file's folder. Unknown
// keys, bad values and duplicate sources are errors (kInvalidInput) naming
// "file:line: key: what". A missing [crawler] key takes the design's default
// (FetcherOptions). Nothing here reads the inventory files: the CLI does.
#ifndef MEETLEAK_CLI_CONFIG_H_
#define MEETLEAK_CLI_CONFIG_H_

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "crawler/fetcher.h"
#include "feeds/document.h"
#include "matchers/allow.h"

namespace meetleak::cli {

struct SourceSpec {
  std::string url;
  int interval_s = 3600;                // "1h"
  SourceKind kind = SourceKind::kAuto;  // auto | page | feed | sitemap
  bool follow_entries = true;
  int depth = 0;
  bool allow_private_addresses = false;
  int line = 0;  // where it was declared, for messages
};

struct NotifySettings {
  std::string smtp_url, smtp_user, smtp_password_env, from, webhook_url;
};

// [zoom]: the inventory sync (and remediation) through Zoom's API. Secrets
// only through the environment: the config names the variable.
struct ZoomSettings {
  bool configured = false;  // a [zoom] section exists
  std::string account_id, client_id, client_secret_env;
  std::string api_url = "https://api.zoom.us/v2";
  std::string oauth_url = "https://zoom.us/oauth/token";
  int sync_interval_s = 3600;       // "1h"
  double requests_per_second = 10;  // the client-side budget
  std::string fix_client_id, fix_client_secret_env;
};

// [storage]: PostgreSQL only (SQLite keeps its run lock and takes no lease).
struct StorageSettings {
  int lease_s = 60;  // a lease's life; renewed at a third of it
};

struct Config {
  std::filesystem::path file;      // "" when no config file was used
  std::filesystem::path database;  // "" = not set
  std::vector<std::string> zoom_domains;
  std::filesystem::path inventory;       // "" = none configured
  std::filesystem::path personal_links;  // "" = none configured
  std::string security_contact;
  FetcherOptions crawler;
  std::vector<SourceSpec> sources;
  std::vector<AllowEntry> allow;
  NotifySettings notify;
  ZoomSettings zoom;
  StorageSettings storage;
};

Result<Config> LoadConfig(const std::filesystem::path& file);

// "90s", "15m", "6h", "1d" → seconds; nullopt when malformed or not positive.
std::optional<int> ParseInterval(std::string_view text);

// A `*_env` key's secret: the value of the environment variable it names,
// or nullopt when the key is empty or the variable is unset.
std::optional<std::string> SecretFromEnv(const std::string& variable);
// The one wording of a missing secret variable, for errors and warnings:
// "FILE: KEY: the environment variable VAR is not set".
std::string UnsetSecretMessage(const Config& config, std::string_view key,
                               const std::string& variable);

}  // namespace meetleak::cli

#endif  // MEETLEAK_CLI_CONFIG_H_
