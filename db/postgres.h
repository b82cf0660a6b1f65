// Internal to db/: a small RAII wrapper over libpq, the PostgreSQL twin of
// db/sqlite.h, with the same shape so store code reads the same on both.
//
//   PgConnection: one PGconn* (finished on destruction) plus a cache of
//   prepared statements keyed by their SQL text, each prepared once on the
//   server (PQprepare) under a name of its own. SQL is written as for
//   SQLite: parameters `?N` (or bare `?`, numbered in order) become `$N`.
//   PgQuery: a borrowed cached statement; binds, then the first Step()
//   executes it (PQexecPrepared) and walks its rows. Results come as text;
//   a bytea column is unescaped by Text().
//   PgTransaction: BEGIN … COMMIT, rolled back unless committed.
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
#include <unordered_map>
#include <vector>

#include "base/status.h"

namespace meetleak::db {

class PgConnection;

class PgQuery {
 public:
  PgQuery(PgConnection* conn, std::string name, int params);
  ~PgQuery();
  PgQuery(PgQuery&& other) noexcept;
  PgQuery(const PgQuery&) = delete;
  PgQuery& operator=(const PgQuery&) = delete;
  PgQuery& operator=(PgQuery&&) = delete;

  // Parameters are 1-based, as with SQLite; an unbound one is NULL.
  PgQuery& Bind(int index, std::int64_t value);
  PgQuery& Bind(int index, int value) { return Bind(index, static_cast<std::int64_t>(value)); }
  PgQuery& Bind(int index, bool value) { return Bind(index, static_cast<std::int64_t>(value)); }
  PgQuery& Bind(int index, std::string_view value);
  PgQuery& Bind(int index, const char* value) { return Bind(index, std::string_view(value)); }
  PgQuery& Bind(int index, const std::string& value) {
    return Bind(index, std::string_view(value));
  }
  PgQuery& Bind(int index, std::optional<std::int64_t> value);  // nullopt → NULL
  PgQuery& BindNull(int index);
  PgQuery& BindBlob(int index, std::string_view bytes);  // sent as binary (bytea)

  // true: a row is ready; false: done. The first call executes.
  Result<bool> Step();
  // Executes (if not yet) and reads to the end.
  Status Run();
  // Rows changed by the executed statement (INSERT/UPDATE/DELETE).
  std::int64_t Changes() const;

  bool IsNull(int col) const;
  std::int64_t Int(int col) const;
  std::optional<std::int64_t> OptInt(int col) const;
  std::string Text(int col) const;  // a bytea column's bytes, unescaped

 private:
  struct Param {
    std::optional<std::string> value;  // nullopt: NULL
    bool binary = false;
  };
  Status Execute();

  PgConnection* conn_;
  std::string name_;
  std::vector<Param> params_;
  Status bind_error_;
  PGresult* result_ = nullptr;
  int row_ = -1;  // the current row; -1 before the first
};

class PgConnection {
 public:
  // Connects with a libpq conninfo string (db/store.h's PostgresConninfo
  // makes one from a postgresql:// URL).
  static Result<std::unique_ptr<PgConnection>> Open(const std::string& conninfo);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // A cached prepared statement for `sql` (prepared on the server on first use).
  Result<PgQuery> Prepare(std::string_view sql);
  // Runs one cached statement without parameters or results.
  Status Run(std::string_view sql);
  // Runs one or more statements without parameters or results (not
  // prepared: for DDL and migrations).
  Status Exec(const std::string& sql);
  // The first column of the first row of `sql` as an integer.
  Result<std::int64_t> QueryInt(const std::string& sql);

  PGconn* handle() const { return conn_; }
  // "postgresql host:port/dbname", as errors name the server.
  const std::string& name() const { return name_; }
  // A Status for a failed `what` with the server's message and SQLSTATE.
  Status Error(std::string_view what, const PGresult* result) const;

 private:
  PgConnection(PGconn* conn, std::string name) : conn_(conn), name_(std::move(name)) {}
  PGconn* conn_;
  std::string name_;
  struct SqlHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view sql) const {
      return std::hash<std::string_view>{}(sql);
    }
  };
  struct Prepared {
    std::string name;
    int params = 0;
  };
  std::unordered_map<std::string, Prepared, SqlHash, std::equal_to<>> cache_;
};

class PgTransaction {
 public:
  static Result<std::unique_ptr<PgTransaction>> Begin(PgConnection* conn);
  ~PgTransaction();  // ROLLBACK unless committed
  PgTransaction(const PgTransaction&) = delete;
  PgTransaction& operator=(const PgTransaction&) = delete;
  Status Commit();

 private:
  explicit PgTransaction(PgConnection* conn) : conn_(conn) {}
  PgConnection* conn_;
  bool done_ = false;
};

namespace postgres_internal {
// `sql` with SQLite's `?N` and `?` parameters as PostgreSQL's `$N`
// (quoted strings, quoted names and comments left alone); `*params` gets
// the highest parameter number.
std::string PgPlaceholders(std::string_view sql, int* params);
}  // namespace postgres_internal

}  // namespace meetleak::db

#endif  // MEETLEAK_DB_POSTGRES_H_
