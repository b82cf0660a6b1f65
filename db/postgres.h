// Internal to db/: the PostgreSQL connection (db/sql.h) over libpq.
//
//   PgConnection: one PGconn* (finished on destruction); each statement is
//   prepared once on the server (PQprepare) under a name of its own. SQL is
//   written as for SQLite: parameters `?N` (or bare `?`, numbered in order)
//   become `$N`. The first Step() of a query executes it (PQexecPrepared)
//   and walks its rows. Results come as text; a bytea column is unescaped
//   by Text(), a boolean reads as 0 or 1.
//
// Every failure becomes a Status naming the server (host, port, database —
// never a password: meetleak refuses one in the URL, db/store.h) and
// PostgreSQL's own message and SQLSTATE.
#ifndef MEETLEAK_DB_POSTGRES_H_
#define MEETLEAK_DB_POSTGRES_H_

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "db/sql.h"

namespace meetleak::db {

class PgConnection : public Connection {
 public:
  // Connects with a libpq conninfo string (db/store.h's PostgresConninfo
  // makes one from a postgresql:// URL).
  static Result<std::unique_ptr<PgConnection>> Open(const std::string& conninfo);
  ~PgConnection() override;

  Backend backend() const override { return Backend::kPostgres; }
  // Not prepared: for DDL and migrations.
  Status Exec(const std::string& sql) override;
  Result<std::int64_t> QueryInt(const std::string& sql) override;
  std::int64_t Changes() const override { return changes_; }
  std::int64_t LastInsertRowId() const override { return 0; }
  Status Begin() override;
  Status Commit() override;
  void Rollback() override;

  PGconn* handle() const { return conn_; }
  // A Status for a failed `what` with the server's message and SQLSTATE:
  // kBusy for a serialization failure, a deadlock or a lock not available
  // (the caller may retry the transaction), kUnavailable when the
  // connection is lost, else kIOError.
  Status Error(std::string_view what, const PGresult* result) const;
  void set_changes(std::int64_t n) { changes_ = n; }

 protected:
  Result<std::unique_ptr<Statement>> NewStatement(std::string_view sql) override;

 private:
  PgConnection(PGconn* conn, std::string name) : Connection(std::move(name)), conn_(conn) {}
  PGconn* conn_;
  int statements_ = 0;
  std::int64_t changes_ = 0;
};

namespace postgres_internal {
// `sql` with SQLite's `?N` and `?` parameters as PostgreSQL's `$N`
// (quoted strings, quoted names and comments left alone); `*params` gets
// the highest parameter number, `*used` (when given) which numbers occur.
std::string PgPlaceholders(std::string_view sql, int* params, std::vector<bool>* used = nullptr);
}  // namespace postgres_internal

}  // namespace meetleak::db

#endif  // MEETLEAK_DB_POSTGRES_H_
