// Internal to db/: the SQLite connection (db/sql.h) over SQLite's C API.
//
// Every failure becomes a Status naming the DB file and SQLite's message.
#ifndef MEETLEAK_DB_SQLITE_H_
#define MEETLEAK_DB_SQLITE_H_

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "db/sql.h"

namespace meetleak::db {

class SqliteConnection : public Connection {
 public:
  // Opens `path` read-write, creating it if absent (the caller sets its
  // mode first). Extended result codes are enabled.
  static Result<std::unique_ptr<SqliteConnection>> Open(const std::string& path);
  ~SqliteConnection() override;

  Backend backend() const override { return Backend::kSqlite; }
  Status Exec(const std::string& sql) override;
  // Not cached: for pragmas.
  Result<std::int64_t> QueryInt(const std::string& sql) override;
  std::int64_t Changes() const override { return sqlite3_changes(db_); }
  std::int64_t LastInsertRowId() const override { return sqlite3_last_insert_rowid(db_); }
  Status Begin() override;
  Status Commit() override;
  void Rollback() override;

  sqlite3* handle() const { return db_; }
  // A Status for SQLite result code `rc`, with `what` and the DB's message.
  Status Error(int rc, std::string_view what) const;

 protected:
  Result<std::unique_ptr<Statement>> NewStatement(std::string_view sql) override;

 private:
  SqliteConnection(sqlite3* db, std::string path) : Connection(std::move(path)), db_(db) {}
  sqlite3* db_;
};

}  // namespace meetleak::db

#endif  // MEETLEAK_DB_SQLITE_H_
