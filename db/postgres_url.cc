// PostgresConninfo: libpq parses, meetleak checks (db/store.h).
#include <libpq-fe.h>

#include <memory>

#include "base/ascii.h"
#include "base/url.h"
#include "db/store.h"

namespace meetleak {

namespace {

// Every host of a (possibly multi-host) "host" value is loopback or a socket.
bool AllLocal(std::string_view hosts) {
  if (hosts.empty()) return true;  // libpq's default: the local socket
  std::size_t start = 0;
  while (start <= hosts.size()) {
    std::size_t comma = hosts.find(',', start);
    if (comma == std::string_view::npos) comma = hosts.size();
    std::string_view h = hosts.substr(start, comma - start);
    if (!h.empty() && h.front() != '/' && h.front() != '@' && !IsLoopbackName(h)) return false;
    start = comma + 1;
  }
  return true;
}

}  // namespace

bool IsPostgresUrl(std::string_view db) {
  return ascii::StartsWithIgnoreCase(db, "postgresql://") ||
         ascii::StartsWithIgnoreCase(db, "postgres://");
}

Result<std::string> PostgresConninfo(std::string_view url) {
  const std::string text(url);
  char* error = nullptr;
  std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options(
      PQconninfoParse(text.c_str(), &error), &PQconninfoFree);
  if (error != nullptr) PQfreemem(error);  // may quote the string: never shown
  if (!options)
    return Status::InvalidInput(
        "not a valid PostgreSQL connection string (see libpq's connection URIs)");
  std::string hosts, hostaddrs;
  bool sslmode_set = false;
  for (const PQconninfoOption* o = options.get(); o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    const std::string_view key = o->keyword, value = o->val;
    if (key == "password" && !value.empty())
      return Status::InvalidInput(
          "a password in the PostgreSQL connection string is refused; give it with "
          "PGPASSWORD, ~/.pgpass or PGSERVICE");
    if (key == "host") hosts = value;
    if (key == "hostaddr") hostaddrs = value;
    if (key == "sslmode" && !value.empty()) sslmode_set = true;
  }
  if (sslmode_set || (AllLocal(hosts) && AllLocal(hostaddrs))) return text;
  if (IsPostgresUrl(text))
    return text + (text.find('?') == std::string::npos ? "?" : "&") + "sslmode=verify-full";
  return text + " sslmode=verify-full";
}

}  // namespace meetleak
