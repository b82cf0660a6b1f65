// Internal to db/: a small RAII wrapper over SQLite's C API.
//
//   Connection: one sqlite3* (closed on destruction) plus a cache of prepared
//   statements keyed by their SQL text, each prepared once (persistent).
//   Query: a borrowed cached statement; binds, steps, reads columns, and
//   resets itself (clearing bindings) when it goes out of scope.
//   Transaction: BEGIN IMMEDIATE … COMMIT, rolled back unless committed.
//
// Every failure becomes a Status naming the DB file and SQLite's message.
#ifndef MEETLEAK_DB_SQLITE_H_
#define MEETLEAK_DB_SQLITE_H_

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/status.h"

namespace meetleak::db {

class Connection;

class Query {
 public:
  Query(Connection* conn, sqlite3_stmt* stmt) : conn_(conn), stmt_(stmt) {}
  ~Query();
  Query(Query&& other) noexcept : conn_(other.conn_), stmt_(other.stmt_) { other.stmt_ = nullptr; }
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;
  Query& operator=(Query&&) = delete;

  // Parameters are 1-based, as in SQLite.
  Query& Bind(int index, std::int64_t value);
  Query& Bind(int index, int value) { return Bind(index, static_cast<std::int64_t>(value)); }
  Query& Bind(int index, bool value) { return Bind(index, static_cast<std::int64_t>(value)); }
  Query& Bind(int index, std::string_view value);  // copied (SQLITE_TRANSIENT)
  Query& Bind(int index, const char* value) { return Bind(index, std::string_view(value)); }
  Query& Bind(int index, const std::string& value) { return Bind(index, std::string_view(value)); }
  Query& Bind(int index, std::optional<std::int64_t> value);  // nullopt → NULL
  Query& BindNull(int index);
  Query& BindBlob(int index, std::string_view bytes);  // copied; "" binds an empty blob

  // true: a row is ready; false: done.
  Result<bool> Step();
  // Steps to the end (for statements without rows).
  Status Run();

  bool IsNull(int col) const;
  std::int64_t Int(int col) const;
  std::optional<std::int64_t> OptInt(int col) const;
  std::string Text(int col) const;  // also a blob's bytes

 private:
  Connection* conn_;
  sqlite3_stmt* stmt_;
  Status bind_error_;
};

class Connection {
 public:
  // Opens `path` read-write, creating it if absent (the caller sets its
  // mode first). Extended result codes are enabled.
  static Result<std::unique_ptr<Connection>> Open(const std::string& path);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // A cached prepared statement for `sql` (prepared on first use).
  Result<Query> Prepare(std::string_view sql);
  // Runs one cached statement without parameters or results.
  Status Run(std::string_view sql);
  // Runs one or more statements without results (not cached: for DDL and
  // pragmas at open).
  Status Exec(const std::string& sql);
  // The first column of the first row of `sql` as an integer (pragmas).
  Result<std::int64_t> QueryInt(const std::string& sql);

  std::int64_t LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }
  int Changes() const { return sqlite3_changes(db_); }
  std::int64_t LastInsertId() const { return sqlite3_last_insert_rowid(db_); }
  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }

  // A Status for SQLite result code `rc`, with `what` and the DB's message.
  Status Error(int rc, std::string_view what) const;

 private:
  Connection(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_;
  std::string path_;
  // Looked up by string_view without building a key string (C++20
  // heterogeneous lookup): a cached statement costs no allocation.
  struct SqlHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view sql) const {
      return std::hash<std::string_view>{}(sql);
    }
  };
  std::unordered_map<std::string, sqlite3_stmt*, SqlHash, std::equal_to<>> cache_;
};

class Transaction {
 public:
  // BEGIN IMMEDIATE: takes the write lock now (waiting up to busy_timeout),
  // so a transaction never fails half way for want of it.
  static Result<std::unique_ptr<Transaction>> Begin(Connection* conn);
  ~Transaction();  // ROLLBACK unless committed
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Status Commit();

 private:
  explicit Transaction(Connection* conn) : conn_(conn) {}
  Connection* conn_;
  bool done_ = false;
};

}  // namespace meetleak::db

#endif  // MEETLEAK_DB_SQLITE_H_
