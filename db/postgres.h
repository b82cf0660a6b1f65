// Internal to db/: the PostgreSQL connection (db/sql.h) over libpq.
//
//   PgConnection: one PGconn* (finished on destruction); each statement is
//   prepared once on the server (PQprepare) under a name of its own. SQL is
//   written as for SQLite: parameters `?N` (or bare `?`, numbered in order)
//   become `$N`. The first Step() of a query executes it (PQexecPrepared)
//   and walks its rows. Results come as text; a bytea column is unescaped
//   by Text(), a boolean reads as 0 or 1.
//   Pipeline (Query::Defer): inside a transaction the connection enters
//   libpq's pipeline mode at the first deferred statement; deferred ones are
//   only sent, and the next Step() (or the COMMIT) sends itself and a sync
//   point, then reads the queued statements' results in order before its
//   own: one round trip for all. Anything that needs the connection idle
//   (preparing a new statement, Exec, the end of the transaction) first
//   syncs and leaves pipeline mode.
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

  // A prepared statement's parameters, as PQexecPrepared takes them.
  struct Params {
    int count = 0;
    const char* const* values = nullptr;
    const int* lengths = nullptr;
    const int* formats = nullptr;
  };
  // Runs prepared statement `name` (through the pipeline when one is
  // open): its result, which the caller clears; or the failure, also that
  // of a statement queued before it. Sets Changes().
  Result<PGresult*> RunPrepared(const std::string& name, const Params& params);
  // Query::Defer: queues `name` inside a transaction, else runs it now.
  Status DeferPrepared(const std::string& name, const Params& params, std::string_view must_change);
  // Where a prefetched statement's result arrives.
  struct Slot {
    bool waiting = false;        // sent, its result not read yet
    PGresult* result = nullptr;  // arrived (the statement takes it)
    Status error;                // or its failure
  };
  // Query::Prefetch: inside a transaction sends `name` into the pipeline,
  // its result to arrive in *slot at the next sync (Collect); else runs it
  // now, into *slot.
  void PrefetchPrepared(const std::string& name, const Params& params, Slot* slot);
  // Reads the results of everything sent: the first failure, if any.
  Status Collect() { return queued_.empty() ? failed_ : Sync(); }

  PGconn* handle() const { return conn_; }
  // A Status for a failed `what` with the server's message and SQLSTATE:
  // kBusy for a serialization failure, a deadlock or a lock not available
  // (the caller may retry the transaction), kUnavailable when the
  // connection is lost, else kIOError.
  Status Error(std::string_view what, const PGresult* result) const;

 protected:
  Result<std::unique_ptr<Statement>> NewStatement(std::string_view sql) override;

 private:
  // A statement sent whose result is not read yet.
  struct Queued {
    std::string name;
    std::string must_change;  // Query::Defer's
    Slot* slot = nullptr;     // where its result goes; nullptr: dropped
  };

  PgConnection(PGconn* conn, std::string name) : Connection(std::move(name)), conn_(conn) {}
  // Sends a sync point and reads every queued statement's result into its
  // slot: the first failure among them, which stays the transaction's
  // (failed_).
  Status Sync();
  // Sends `name` and queues it.
  Status Send(const std::string& name, const Params& params, std::string_view must_change,
              Slot* slot);
  // Syncs and leaves pipeline mode (nothing to do outside it).
  Status LeavePipeline();

  PGconn* conn_;
  int statements_ = 0;
  std::int64_t changes_ = 0;
  bool in_transaction_ = false;
  std::vector<Queued> queued_;
  // The first failure in the pipeline: every later statement of the
  // transaction, and its COMMIT, fail with it (a COMMIT would otherwise
  // answer an aborted transaction with a silent rollback).
  Status failed_;
};

// `values` as a PostgreSQL array literal, to bind as one `?::text[]` (or
// `?::bigint[]`) parameter: each element quoted, its quotes and
// backslashes escaped; text holds any other character as it is.
std::string PgArrayLiteral(const std::vector<std::string>& values);

namespace postgres_internal {
// `sql` with SQLite's `?N` and `?` parameters as PostgreSQL's `$N`
// (quoted strings, quoted names and comments left alone); `*params` gets
// the highest parameter number, `*used` (when given) which numbers occur.
std::string PgPlaceholders(std::string_view sql, int* params, std::vector<bool>* used = nullptr);
}  // namespace postgres_internal

}  // namespace meetleak::db

#endif  // MEETLEAK_DB_POSTGRES_H_
