#include "db/sqlite.h"

#include <optional>
#include <utility>

namespace meetleak::db {
namespace {

class SqliteStatement : public Statement {
 public:
  SqliteStatement(SqliteConnection* conn, sqlite3_stmt* stmt) : conn_(conn), stmt_(stmt) {}
  ~SqliteStatement() override { sqlite3_finalize(stmt_); }
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  void Bind(int index, std::int64_t value) override {
    Check(sqlite3_bind_int64(stmt_, index, value));
  }
  void Bind(int index, std::string_view value) override {
    Check(sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT,
                              SQLITE_UTF8));
  }
  void BindNull(int index) override { Check(sqlite3_bind_null(stmt_, index)); }
  void BindBlob(int index, std::string_view bytes) override {
    Check(sqlite3_bind_blob64(stmt_, index, bytes.empty() ? "" : bytes.data(), bytes.size(),
                              SQLITE_TRANSIENT));
  }

  Result<bool> Step() override {
    if (held_) {
      Result<bool> first = std::move(*held_);
      held_.reset();
      return first;
    }
    if (!bind_error_.ok()) return bind_error_;
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return conn_->Error(rc, sqlite3_sql(stmt_));
  }

  // Nothing is queued: SQLite runs it now.
  Status Defer(std::string_view must_change) override {
    while (true) {
      Result<bool> row = Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
    }
    if (!must_change.empty() && conn_->Changes() == 0)
      return Status::Busy(conn_->path() + ": " + std::string(must_change));
    return Status::OK();
  }

  void Prefetch() override { held_ = Step(); }

  void Reset() override {
    held_.reset();
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    bind_error_ = Status::OK();
  }

  bool IsNull(int col) const override { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  std::int64_t Int(int col) const override { return sqlite3_column_int64(stmt_, col); }
  std::string Text(int col) const override {
    if (sqlite3_column_type(stmt_, col) == SQLITE_BLOB) {
      const void* blob = sqlite3_column_blob(stmt_, col);
      if (blob == nullptr) return {};
      return std::string(static_cast<const char*>(blob),
                         static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)));
    }
    const unsigned char* text = sqlite3_column_text(stmt_, col);
    if (text == nullptr) return {};
    return std::string(reinterpret_cast<const char*>(text),
                       static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)));
  }

 private:
  void Check(int rc) {
    if (rc != SQLITE_OK && bind_error_.ok()) bind_error_ = conn_->Error(rc, "bind");
  }

  SqliteConnection* conn_;
  sqlite3_stmt* stmt_;
  Status bind_error_;
  std::optional<Result<bool>> held_;  // Prefetch's first step, for the next Step()
};

}  // namespace

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::Open(const std::string& path) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return Status::IOError(path + ": cannot open database: " + msg);
  }
  sqlite3_extended_result_codes(db, 1);
  return std::unique_ptr<SqliteConnection>(new SqliteConnection(db, path));
}

SqliteConnection::~SqliteConnection() {
  ClearCache();
  sqlite3_close_v2(db_);
}

Result<std::unique_ptr<Statement>> SqliteConnection::NewStatement(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return Error(rc, "prepare " + std::string(sql));
  return std::unique_ptr<Statement>(new SqliteStatement(this, stmt));
}

Status SqliteConnection::Exec(const std::string& sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return Status::OK();
  std::string msg = err ? err : sqlite3_errstr(rc);
  sqlite3_free(err);
  return Error(rc, msg);
}

Result<std::int64_t> SqliteConnection::QueryInt(const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr);
  if (rc != SQLITE_OK) return Error(rc, sql);
  rc = sqlite3_step(stmt);
  std::int64_t value = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
  sqlite3_finalize(stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return Error(rc, sql);
  return value;
}

Status SqliteConnection::Error(int rc, std::string_view what) const {
  std::string msg = path() + ": " + std::string(what) + ": " + sqlite3_errmsg(db_);
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Busy(msg + " (the database is busy: another process holds it too long)");
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return Status::IOError(msg);
    case SQLITE_NOTADB:  // the file's header is not SQLite's: the user named the wrong file
      return Status::InvalidInput(path() + ": not a meetleak database (" + sqlite3_errmsg(db_) +
                                  ")");
    case SQLITE_CORRUPT:
      return Status::Corruption(msg);
    default:
      return Status::Internal(msg);
  }
}

Status SqliteConnection::Begin() { return Run("BEGIN IMMEDIATE"); }

Status SqliteConnection::Commit() { return Run("COMMIT"); }

void SqliteConnection::Rollback() {
  // A failed statement may already have rolled back; ROLLBACK then errs
  // harmlessly.
  if (sqlite3_get_autocommit(db_) == 0) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

}  // namespace meetleak::db
