// Internal to db/: the SQL connection the store is written against, with one
// implementation per backend — SQLite (db/sqlite.h) and PostgreSQL
// (db/postgres.h). The store's logic (sql_store.h) is written once over it.
//
//   Connection: a cache of prepared statements keyed by their SQL text, each
//   prepared once. SQL is written in the dialect both backends share:
//   parameters `?N` (PostgreSQL's connection makes them `$N`), `ON CONFLICT`
//   upserts, `RETURNING`, `CASE` (not iif), integers for flags. The few
//   fragments that cannot be shared come from dialect().
//   Query: a borrowed cached statement; binds, steps, reads columns, and
//   resets itself (clearing bindings and results) when it goes out of scope.
//   Transaction: BEGIN … COMMIT, rolled back unless committed.
//
// Every failure becomes a Status naming the database (the file, or the
// PostgreSQL server and database — never a password).
#ifndef MEETLEAK_DB_SQL_H_
#define MEETLEAK_DB_SQL_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "base/status.h"

namespace meetleak::db {

// One prepared statement, owned by its connection's cache.
class Statement {
 public:
  virtual ~Statement() = default;
  // Parameters are 1-based; an unbound one is NULL.
  virtual void Bind(int index, std::int64_t value) = 0;
  virtual void Bind(int index, std::string_view value) = 0;  // copied
  virtual void BindNull(int index) = 0;
  virtual void BindBlob(int index, std::string_view bytes) = 0;  // copied
  // true: a row is ready; false: done. The first call executes.
  virtual Result<bool> Step() = 0;
  // Query::Defer.
  virtual Status Defer(std::string_view must_change) = 0;
  // Query::Prefetch.
  virtual void Prefetch() = 0;
  // Ready for the next use: bindings cleared, results dropped.
  virtual void Reset() = 0;
  virtual bool IsNull(int col) const = 0;
  virtual std::int64_t Int(int col) const = 0;  // a boolean column: 0 or 1
  virtual std::string Text(int col) const = 0;  // also a blob's bytes
};

class Query {
 public:
  explicit Query(Statement* stmt) : stmt_(stmt) {}
  ~Query() {
    if (stmt_ != nullptr) stmt_->Reset();
  }
  Query(Query&& other) noexcept : stmt_(std::exchange(other.stmt_, nullptr)) {}
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;
  Query& operator=(Query&&) = delete;

  Query& Bind(int index, std::int64_t value) {
    stmt_->Bind(index, value);
    return *this;
  }
  Query& Bind(int index, int value) { return Bind(index, static_cast<std::int64_t>(value)); }
  Query& Bind(int index, bool value) { return Bind(index, static_cast<std::int64_t>(value)); }
  Query& Bind(int index, std::string_view value) {
    stmt_->Bind(index, value);
    return *this;
  }
  Query& Bind(int index, const char* value) { return Bind(index, std::string_view(value)); }
  Query& Bind(int index, const std::string& value) { return Bind(index, std::string_view(value)); }
  Query& Bind(int index, std::optional<std::int64_t> value) {  // nullopt → NULL
    return value ? Bind(index, *value) : BindNull(index);
  }
  Query& BindNull(int index) {
    stmt_->BindNull(index);
    return *this;
  }
  Query& BindBlob(int index, std::string_view bytes) {  // "" binds an empty blob
    stmt_->BindBlob(index, bytes);
    return *this;
  }

  Result<bool> Step() { return stmt_->Step(); }
  // Steps to the end (for statements without rows).
  Status Run();
  // Runs a statement without rows (an INSERT, UPDATE or DELETE) whose
  // outcome the caller does not wait for. SQLite runs it now. PostgreSQL,
  // inside a transaction, queues it in the connection's pipeline (libpq's
  // pipeline mode): it goes to the server with the next statement that
  // returns rows, or the COMMIT, in one round trip, in order, and its
  // failure is that statement's (the transaction then fails as a whole).
  // `must_change` (when not empty): changing no row is a failure too,
  // kBusy "<db>: <must_change>" — another writer got there first; the
  // caller rolls back and may retry the transaction. The query is ready
  // for the next use when this returns.
  Status Defer(std::string_view must_change = {}) { return stmt_->Defer(must_change); }
  // Starts a statement whose rows the caller reads later, so that those
  // started after it share its round trip: SQLite runs it to its first
  // row now; PostgreSQL, inside a transaction, sends it into the pipeline.
  // Step() then reads its rows as usual (the first Step() waits for them)
  // and reports its failure. Binding comes before.
  void Prefetch() { stmt_->Prefetch(); }

  bool IsNull(int col) const { return stmt_->IsNull(col); }
  std::int64_t Int(int col) const { return stmt_->Int(col); }
  std::optional<std::int64_t> OptInt(int col) const {
    if (IsNull(col)) return std::nullopt;
    return Int(col);
  }
  std::string Text(int col) const { return stmt_->Text(col); }

 private:
  Statement* stmt_;
};

enum class Backend { kSqlite, kPostgres };

// A transaction that lost a race with another worker on PostgreSQL (a
// deadlock, a serialization failure, a row another writer stored first)
// ends with kBusy and was rolled back as a whole: `attempt` (a Status or a
// Result) runs again, kRaceAttempts times in all at most. SQLite's kBusy
// (its lock, already waited for) is not retried.
inline constexpr int kRaceAttempts = 4;
inline const Status& StatusOf(const Status& s) { return s; }
template <typename T>
const Status& StatusOf(const Result<T>& r) {
  return r.status();
}
template <typename Attempt>
auto RetryLostRace(Backend backend, Attempt attempt) -> decltype(attempt()) {
  for (int n = 1;; ++n) {
    auto outcome = attempt();
    if (outcome.ok() || StatusOf(outcome).code() != Status::Code::kBusy ||
        backend != Backend::kPostgres || n == kRaceAttempts)
      return outcome;
  }
}

// The SQL that differs between the backends.
struct Dialect {
  // An upsert's extra RETURNING column that is 1 when the row was inserted,
  // 0 when it was updated (PostgreSQL: xmax = 0); "" where the backend tells
  // it through LastInsertRowId instead (SQLite).
  std::string_view inserted;
  // An INSERT's clause that answers the new row's id ("" where
  // LastInsertRowId does: SQLite's RETURNING makes a new leak's insert
  // nearly three times slower).
  std::string_view returning_id;
  // A subquery of the ids in the JSON array bound to ?2.
  std::string_view ids_in_json;
  // A FROM clause: the leaks `l` on page ?1 of the [kind, key] pairs in
  // the JSON array bound to ?2, each one lookup of the unique index —
  // on PostgreSQL whatever the statistics (a join, or `key = ANY(…)`, is
  // planned as a walk of every key of the kind while the table has none).
  std::string_view leaks_by_keys;
  // Names the partial index of leaks awaiting a notice (SQLite's planner,
  // without statistics, would walk every open leak instead).
  std::string_view notify_index;
};

const Dialect& DialectOf(Backend backend);

class Connection {
 public:
  virtual ~Connection() = default;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  virtual Backend backend() const = 0;
  const Dialect& dialect() const { return DialectOf(backend()); }

  // A cached prepared statement for `sql` (prepared on first use).
  Result<Query> Prepare(std::string_view sql);
  // Runs one cached statement without parameters or results.
  Status Run(std::string_view sql);
  // Runs one or more statements without parameters or results (not
  // cached: for DDL and settings at open).
  virtual Status Exec(const std::string& sql) = 0;
  // The first column of the first row of `sql` as an integer.
  virtual Result<std::int64_t> QueryInt(const std::string& sql) = 0;

  // Rows changed by the last INSERT, UPDATE or DELETE.
  virtual std::int64_t Changes() const = 0;
  // SQLite's last_insert_rowid (Dialect::inserted); 0 on PostgreSQL.
  virtual std::int64_t LastInsertRowId() const = 0;

  // The database as errors name it: the file, or "postgresql host:port/db".
  const std::string& path() const { return name_; }
  // kInternal naming the database and `what`.
  Status Internal(std::string_view what) const {
    return Status::Internal(name_ + ": " + std::string(what));
  }

  virtual Status Begin() = 0;
  virtual Status Commit() = 0;
  virtual void Rollback() = 0;

 protected:
  explicit Connection(std::string name) : name_(std::move(name)) {}
  virtual Result<std::unique_ptr<Statement>> NewStatement(std::string_view sql) = 0;
  // Drops every cached statement (a backend's destructor, before it closes).
  void ClearCache() { cache_.clear(); }

 private:
  std::string name_;
  // Looked up by string_view without building a key string (C++20
  // heterogeneous lookup): a cached statement costs no allocation.
  struct SqlHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view sql) const {
      return std::hash<std::string_view>{}(sql);
    }
  };
  std::unordered_map<std::string, std::unique_ptr<Statement>, SqlHash, std::equal_to<>> cache_;
};

class Transaction {
 public:
  // SQLite: BEGIN IMMEDIATE, which takes the write lock now (waiting up to
  // busy_timeout) so a transaction never fails half way for want of it.
  // PostgreSQL: BEGIN (read committed; every write is an upsert or keyed).
  static Result<std::unique_ptr<Transaction>> Begin(Connection* conn);
  ~Transaction() {
    if (!done_) conn_->Rollback();
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Status Commit();

 private:
  explicit Transaction(Connection* conn) : conn_(conn) {}
  Connection* conn_;
  bool done_ = false;
};

}  // namespace meetleak::db

#endif  // MEETLEAK_DB_SQL_H_
