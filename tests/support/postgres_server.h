// PostgresServer: a PostgreSQL 15 server of the test's own, never a system
// cluster. `initdb` and `pg_ctl` (in /usr/lib/postgresql/15/bin, not on PATH)
// run as the `postgres` user (`runuser -u postgres`): initdb once per machine
// into a template under /tmp, copied into a fresh temporary directory for
// each server, which listens on 127.0.0.1 at a free port, with its Unix
// socket in that directory too; the destructor stops it (`pg_ctl stop -m immediate`)
// and removes the directory, also when a test failed. Start() fails with
// the tools' own output when PostgreSQL is not installed or does not come
// up: a test that needs it fails, it does not skip.
//
// Shared() starts one server per test program on first use and stops it at
// exit; each test takes a database of its own from it (NewDatabase), so
// tests stay independent without paying for initdb each time.
#ifndef MEETLEAK_TESTS_SUPPORT_POSTGRES_SERVER_H_
#define MEETLEAK_TESTS_SUPPORT_POSTGRES_SERVER_H_

#include <filesystem>
#include <memory>
#include <string>

#include "base/status.h"

namespace meetleak::testing {

class PostgresServer {
 public:
  static Result<std::unique_ptr<PostgresServer>> Start();
  // The program's shared server (started on first call); null after a
  // failed start, with the reason in *error.
  static PostgresServer* Shared(std::string* error);
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  int port() const { return port_; }
  // A libpq conninfo for `dbname` as the server's superuser over TCP.
  std::string Conninfo(const std::string& dbname = "postgres") const;
  // A postgresql:// URL for `dbname` (what `--db` takes).
  std::string Url(const std::string& dbname = "postgres") const;
  // Creates a database with a fresh name and returns the name.
  Result<std::string> NewDatabase();
  // Runs SQL as the superuser in `dbname` through psql; its output.
  Result<std::string> Psql(const std::string& dbname, const std::string& sql) const;

 private:
  PostgresServer() = default;
  std::filesystem::path dir_;  // owned by postgres: data/, the socket, the log
  int port_ = 0;
  int databases_ = 0;
  bool running_ = false;
};

}  // namespace meetleak::testing

#endif  // MEETLEAK_TESTS_SUPPORT_POSTGRES_SERVER_H_
