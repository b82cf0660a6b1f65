#include "cli/config.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <iomanip>
#include <map>
#include <sstream>

#include "base/ascii.h"
#include "base/email.h"
#include "base/suggest.h"
#include "db/store.h"
#include "matchers/matcher.h"
#include "zoom/client.h"

namespace meetleak::cli {
namespace {

namespace fs = std::filesystem;

// "unknown key", with the closest known key when one is a likely typo.
std::string UnknownKey(std::string_view key, std::initializer_list<std::string_view> known) {
  const std::string_view best = ClosestWord(key, known);
  if (best.empty()) return "unknown key";
  return "unknown key (did you mean \"" + std::string(best) + "\"?)";
}

// Collects "file:line: key: what" errors while walking the TOML tree.
class ConfigReader {
 public:
  explicit ConfigReader(fs::path file) : file_(std::move(file)) {}

  void Error(const toml::source_region& where, std::string_view key, std::string_view what) {
    std::ostringstream line;
    line << file_.string() << ":" << where.begin.line << ": " << key << ": " << what;
    errors_.push_back(line.str());
  }

  // Reports every key of `table` that is not in `known`.
  void CheckKeys(const toml::table& table, std::string_view prefix,
                 std::initializer_list<std::string_view> known) {
    for (auto&& [key, node] : table) {
      bool ok = false;
      for (std::string_view k : known) ok = ok || key.str() == k;
      if (!ok) Error(key.source(), Join(prefix, key.str()), UnknownKey(key.str(), known));
    }
  }

  void String(const toml::table& t, std::string_view prefix, std::string_view key,
              std::string* out) {
    const toml::node* n = t.get(key);
    if (n == nullptr) return;
    if (auto v = n->value<std::string>())
      *out = *v;
    else
      Error(n->source(), Join(prefix, key), "must be a string");
  }

  void Path(const toml::table& t, std::string_view prefix, std::string_view key, fs::path* out) {
    std::string s;
    String(t, prefix, key, &s);
    if (!s.empty()) *out = fs::path(s).is_absolute() ? fs::path(s) : file_.parent_path() / s;
  }

  // `database`: a SQLite file (relative to the config's folder) or a
  // PostgreSQL URL, checked here so that its error names the line.
  void Database(const toml::table& t, fs::path* out) {
    std::string s;
    String(t, "", "database", &s);
    if (!IsPostgresUrl(s)) return Path(t, "", "database", out);
    Result<std::string> conninfo = PostgresConninfo(s);
    if (!conninfo.ok())
      return Error(t.get("database")->source(), "database", conninfo.status().message());
    *out = s;
  }

  void Bool(const toml::table& t, std::string_view prefix, std::string_view key, bool* out) {
    const toml::node* n = t.get(key);
    if (n == nullptr) return;
    if (auto v = n->value<bool>())
      *out = *v;
    else
      Error(n->source(), Join(prefix, key), "must be true or false");
  }

  template <typename Int>
  void Integer(const toml::table& t, std::string_view prefix, std::string_view key, Int* out,
               long long min, long long max) {
    const toml::node* n = t.get(key);
    if (n == nullptr) return;
    auto v = n->is_integer() ? n->value<long long>() : std::nullopt;
    if (!v || *v < min || *v > max) {
      Error(n->source(), Join(prefix, key),
            "must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
      return;
    }
    *out = static_cast<Int>(*v);
  }

  static std::string Join(std::string_view prefix, std::string_view key) {
    return prefix.empty() ? std::string(key) : std::string(prefix) + "." + std::string(key);
  }

  const fs::path& file() const { return file_; }
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  fs::path file_;
  std::vector<std::string> errors_;
};

bool ValidDate(const std::string& s) {
  std::tm tm{};
  std::istringstream in(s);
  in >> std::get_time(&tm, "%Y-%m-%d");
  return !in.fail() && s.size() == 10 && in.peek() == EOF;
}

void ReadCompany(ConfigReader& r, const toml::table& t, Config* c) {
  r.CheckKeys(t, "company", {"zoom_domains", "inventory", "personal_links", "security_contact"});
  if (const toml::node* n = t.get("zoom_domains")) {
    const toml::array* arr = n->as_array();
    if (arr == nullptr) r.Error(n->source(), "company.zoom_domains", "must be an array of hosts");
    for (size_t i = 0; arr != nullptr && i < arr->size(); ++i) {
      auto v = (*arr)[i].value<std::string>();
      if (!v || v->empty() || v->find_first_of("/: ") != std::string::npos)
        r.Error((*arr)[i].source(), "company.zoom_domains", "each entry must be a bare host name");
      else
        c->zoom_domains.push_back(*v);
    }
  }
  r.Path(t, "company", "inventory", &c->inventory);
  r.Path(t, "company", "personal_links", &c->personal_links);
  r.String(t, "company", "security_contact", &c->security_contact);
  if (!c->security_contact.empty() && !IsEmailAddress(c->security_contact))
    r.Error(t.get("security_contact")->source(), "company.security_contact",
            "not an e-mail address");
}

void ReadCrawler(ConfigReader& r, const toml::table& t, FetcherOptions* o) {
  r.CheckKeys(
      t, "crawler",
      {"concurrency", "per_host", "delay_ms", "timeout_s", "low_speed_bytes", "low_speed_s",
       "max_body_bytes", "max_redirects", "max_retries", "retry_after_max", "max_urls_per_document",
       "respect_robots", "verify_tls", "ca_bundle", "proxy", "user_agent"});
  r.Integer(t, "crawler", "concurrency", &o->concurrency, 1, 10000);
  r.Integer(t, "crawler", "per_host", &o->per_host, 1, 1000);
  r.Integer(t, "crawler", "delay_ms", &o->delay_ms, 0, 3600000);
  r.Integer(t, "crawler", "timeout_s", &o->timeout_s, 1, 86400);
  r.Integer(t, "crawler", "low_speed_bytes", &o->low_speed_bytes, 0, 1LL << 40);
  r.Integer(t, "crawler", "low_speed_s", &o->low_speed_s, 0, 86400);
  r.Integer(t, "crawler", "max_body_bytes", &o->max_body_bytes, 1024, 1LL << 40);
  r.Integer(t, "crawler", "max_redirects", &o->max_redirects, 0, 50);
  r.Integer(t, "crawler", "max_retries", &o->max_retries, 0, 20);
  if (const toml::node* n = t.get("retry_after_max")) {
    auto v = n->value<std::string>();
    auto secs = v ? ParseInterval(*v) : std::nullopt;
    if (!secs)
      r.Error(n->source(), "crawler.retry_after_max", "must look like 90s, 15m, 6h or 1d");
    else
      o->retry_after_max = std::chrono::seconds(*secs);
  }
  r.Integer(t, "crawler", "max_urls_per_document", &o->max_urls_per_document, 1, 10'000'000);
  r.Bool(t, "crawler", "respect_robots", &o->respect_robots);
  r.Bool(t, "crawler", "verify_tls", &o->verify_tls);
  fs::path ca;
  r.Path(t, "crawler", "ca_bundle", &ca);
  o->ca_bundle = ca.string();
  r.String(t, "crawler", "proxy", &o->proxy);
  r.String(t, "crawler", "user_agent", &o->user_agent);
}

// Sources are one when their URLs are equal after redaction: the database
// keeps only that form, so it could not tell them apart (their pages, their
// leaks). The message shows the redacted form and names the first one's line.
void ReadSource(ConfigReader& r, const toml::table& t, std::map<std::string, int>* seen,
                Config* c) {
  r.CheckKeys(t, "source",
              {"url", "interval", "kind", "follow_entries", "depth", "allow_private_addresses"});
  SourceSpec s;
  s.line = t.source().begin.line;
  r.String(t, "source", "url", &s.url);
  if (s.url.rfind("http://", 0) != 0 && s.url.rfind("https://", 0) != 0) {
    r.Error(t.source(), "source.url", "required, an http:// or https:// URL");
  } else if (auto [it, added] = seen->emplace(RedactSecrets(s.url), s.line); !added) {
    r.Error(t.get("url")->source(), "source.url",
            "duplicate source " + it->first + " (line " + std::to_string(it->second) +
                (it->first == s.url ? ")" : "; the same once its secrets are redacted)"));
  }
  if (const toml::node* n = t.get("interval")) {
    auto v = n->value<std::string>();
    auto secs = v ? ParseInterval(*v) : std::nullopt;
    if (!secs)
      r.Error(n->source(), "source.interval", "must look like 90s, 15m, 6h or 1d");
    else
      s.interval_s = *secs;
  }
  std::string kind(ToString(s.kind));
  r.String(t, "source", "kind", &kind);
  if (std::optional<SourceKind> k = ParseSourceKind(kind))
    s.kind = *k;
  else
    r.Error(t.get("kind")->source(), "source.kind", "must be auto, page, feed or sitemap");
  r.Bool(t, "source", "follow_entries", &s.follow_entries);
  r.Integer(t, "source", "depth", &s.depth, 0, 5);
  r.Bool(t, "source", "allow_private_addresses", &s.allow_private_addresses);
  c->sources.push_back(std::move(s));
}

void ReadAllow(ConfigReader& r, const toml::table& t, Config* c) {
  r.CheckKeys(t, "allow", {"meeting_id", "vanity", "url_prefix", "reason", "expires"});
  AllowEntry a;
  a.line = t.source().begin.line;
  r.String(t, "allow", "meeting_id", &a.meeting_id);
  r.String(t, "allow", "vanity", &a.vanity);
  r.String(t, "allow", "url_prefix", &a.url_prefix);
  a.url_prefix = RedactSecrets(a.url_prefix);  // it is compared with stored, redacted page URLs
  r.String(t, "allow", "reason", &a.reason);
  std::string digits;
  for (char ch : a.meeting_id)
    if (ascii::IsDigit(ch))
      digits += ch;
    else if (ch != ' ' && ch != '-')
      digits = "x";
  if (!a.meeting_id.empty() && (digits.size() < 9 || digits.size() > 11))
    r.Error(t.get("meeting_id")->source(), "allow.meeting_id", "must be 9-11 digits");
  a.meeting_id = digits;
  a.vanity = ascii::Lower(a.vanity);
  int keys = !a.meeting_id.empty() + !a.vanity.empty() + !a.url_prefix.empty();
  if (keys != 1)
    r.Error(t.source(), "allow", "needs exactly one of meeting_id, vanity, url_prefix");
  if (a.reason.empty()) r.Error(t.source(), "allow.reason", "required: say why it may be public");
  if (const toml::node* n = t.get("expires")) {
    std::string e;
    if (auto d = n->as_date()) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d->get().year, d->get().month, d->get().day);
      e = buf;
    } else if (auto v = n->value<std::string>()) {
      e = *v;
    }
    if (!ValidDate(e))
      r.Error(n->source(), "allow.expires", "must be a date like 2027-03-31");
    else
      a.expires = e;
  }
  c->allow.push_back(std::move(a));
}

void ReadNotify(ConfigReader& r, const toml::table& t, NotifySettings* n) {
  r.CheckKeys(t, "notify", {"smtp_url", "smtp_user", "smtp_password_env", "from", "webhook_url"});
  r.String(t, "notify", "smtp_url", &n->smtp_url);
  r.String(t, "notify", "smtp_user", &n->smtp_user);
  r.String(t, "notify", "smtp_password_env", &n->smtp_password_env);
  r.String(t, "notify", "from", &n->from);
  r.String(t, "notify", "webhook_url", &n->webhook_url);
  if (!n->smtp_url.empty() && n->smtp_url.rfind("smtp://", 0) != 0 &&
      n->smtp_url.rfind("smtps://", 0) != 0)
    r.Error(t.get("smtp_url")->source(), "notify.smtp_url", "must be smtp:// or smtps://");
  if (!n->smtp_url.empty() && !IsEmailAddress(n->from))
    r.Error(t.source(), "notify.from", "required with smtp_url: an e-mail address");
  if (!n->webhook_url.empty() && n->webhook_url.rfind("https://", 0) != 0 &&
      n->webhook_url.rfind("http://", 0) != 0)
    r.Error(t.get("webhook_url")->source(), "notify.webhook_url", "must be an http(s) URL");
}

void ReadZoom(ConfigReader& r, const toml::table& t, ZoomSettings* z) {
  z->configured = true;
  r.CheckKeys(t, "zoom",
              {"account_id", "client_id", "client_secret_env", "api_url", "oauth_url",
               "sync_interval", "requests_per_second", "fix_client_id", "fix_client_secret_env"});
  r.String(t, "zoom", "account_id", &z->account_id);
  r.String(t, "zoom", "client_id", &z->client_id);
  r.String(t, "zoom", "client_secret_env", &z->client_secret_env);
  r.String(t, "zoom", "api_url", &z->api_url);
  r.String(t, "zoom", "oauth_url", &z->oauth_url);
  r.String(t, "zoom", "fix_client_id", &z->fix_client_id);
  r.String(t, "zoom", "fix_client_secret_env", &z->fix_client_secret_env);
  for (const char* key : {"account_id", "client_id", "client_secret_env"})
    if (t.get(key) == nullptr)
      r.Error(t.source(), std::string("zoom.") + key, "required in [zoom]");
  // The fix app comes whole: an ID without its secret (or the reverse)
  // would send the sync app's secret under another app's ID.
  if (z->fix_client_id.empty() != z->fix_client_secret_env.empty()) {
    const char* missing = z->fix_client_id.empty() ? "fix_client_id" : "fix_client_secret_env";
    const char* given = z->fix_client_id.empty() ? "fix_client_secret_env" : "fix_client_id";
    r.Error(t.get(given)->source(), std::string("zoom.") + missing,
            std::string("required with zoom.") + given);
  }
  for (const char* key : {"api_url", "oauth_url"}) {
    const std::string full = std::string("zoom.") + key;
    const std::string& url = std::string_view(key) == "api_url" ? z->api_url : z->oauth_url;
    if (const toml::node* n = t.get(key); n != nullptr && n->is_string()) {
      Status s = zoom::CheckApiUrl(url, full);
      if (!s.ok()) r.Error(n->source(), full, s.message().substr(full.size() + 2));
    }
  }
  if (const toml::node* n = t.get("sync_interval")) {
    auto v = n->value<std::string>();
    auto secs = v ? ParseInterval(*v) : std::nullopt;
    if (!secs)
      r.Error(n->source(), "zoom.sync_interval", "must look like 90s, 15m, 6h or 1d");
    else
      z->sync_interval_s = *secs;
  }
  if (const toml::node* n = t.get("requests_per_second")) {
    auto v = n->value<double>();
    if (!v || *v <= 0 || *v > 1000)
      r.Error(n->source(), "zoom.requests_per_second", "must be a number above 0, at most 1000");
    else
      z->requests_per_second = *v;
  }
}

// [storage]: the leases of workers over one PostgreSQL (db/leases.h).
void ReadStorage(ConfigReader& r, const toml::table& t, StorageSettings* s) {
  r.CheckKeys(t, "storage", {"lease_s"});
  r.Integer(t, "storage", "lease_s", &s->lease_s, 1, 3600);
}

// Calls `read` for the table at `key`, or for each table of an array of tables.
template <typename F>
void ForTables(ConfigReader& r, const toml::table& root, std::string_view key, bool many, F read) {
  const toml::node* n = root.get(key);
  if (n == nullptr) return;
  if (!many) {
    if (const toml::table* t = n->as_table())
      read(*t);
    else
      r.Error(n->source(), key, "must be a table [" + std::string(key) + "]");
    return;
  }
  const toml::array* arr = n->as_array();
  if (arr == nullptr || !arr->is_array_of_tables()) {
    r.Error(n->source(), key, "must be an array of tables [[" + std::string(key) + "]]");
    return;
  }
  for (const toml::node& e : *arr) read(*e.as_table());
}

}  // namespace

std::optional<int> ParseInterval(std::string_view text) {
  if (text.size() < 2) return std::nullopt;
  long long n = 0;
  for (char ch : text.substr(0, text.size() - 1)) {
    if (!ascii::IsDigit(ch) || n > 100000000) return std::nullopt;
    n = n * 10 + (ch - '0');
  }
  static constexpr std::pair<char, int> kUnits[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}};
  for (auto [unit, secs] : kUnits)
    if (text.back() == unit && n > 0 && n * secs <= 366LL * 86400)
      return static_cast<int>(n * secs);
  return std::nullopt;
}

std::optional<std::string> SecretFromEnv(const std::string& variable) {
  const char* value = variable.empty() ? nullptr : std::getenv(variable.c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

std::string UnsetSecretMessage(const Config& config, std::string_view key,
                               const std::string& variable) {
  const std::string file = config.file.empty() ? std::string("config") : config.file.string();
  return file + ": " + std::string(key) + ": the environment variable " + variable + " is not set";
}

Result<Config> LoadConfig(const fs::path& file) {
  Config config;
  config.file = fs::absolute(file);
  toml::table root;
  try {
    root = toml::parse_file(config.file.string());
  } catch (const toml::parse_error& e) {
    std::ostringstream m;
    m << config.file.string() << ":" << e.source().begin.line << ": " << e.description();
    return Status::InvalidInput(m.str());
  }
  ConfigReader r(config.file);
  r.CheckKeys(root, "",
              {"database", "company", "crawler", "source", "allow", "notify", "zoom", "storage"});
  r.Database(root, &config.database);
  ForTables(r, root, "company", false, [&](const toml::table& t) { ReadCompany(r, t, &config); });
  ForTables(r, root, "crawler", false,
            [&](const toml::table& t) { ReadCrawler(r, t, &config.crawler); });
  std::map<std::string, int> seen;
  ForTables(r, root, "source", true,
            [&](const toml::table& t) { ReadSource(r, t, &seen, &config); });
  ForTables(r, root, "allow", true, [&](const toml::table& t) { ReadAllow(r, t, &config); });
  ForTables(r, root, "notify", false,
            [&](const toml::table& t) { ReadNotify(r, t, &config.notify); });
  ForTables(r, root, "zoom", false, [&](const toml::table& t) { ReadZoom(r, t, &config.zoom); });
  ForTables(r, root, "storage", false,
            [&](const toml::table& t) { ReadStorage(r, t, &config.storage); });
  if (!r.errors().empty()) {
    std::string m;
    for (const std::string& e : r.errors()) m += (m.empty() ? "" : "\n") + e;
    return Status::InvalidInput(m);
  }
  return config;
}

}  // namespace meetleak::cli
