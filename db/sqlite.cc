#include "db/sqlite.h"

#include <utility>

namespace meetleak::db {

Query::~Query() {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Query& Query::Bind(int index, std::int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK && bind_error_.ok()) bind_error_ = conn_->Error(rc, "bind");
  return *this;
}

Query& Query::Bind(int index, std::string_view value) {
  int rc =
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK && bind_error_.ok()) bind_error_ = conn_->Error(rc, "bind");
  return *this;
}

Query& Query::Bind(int index, std::optional<std::int64_t> value) {
  return value ? Bind(index, *value) : BindNull(index);
}

Query& Query::BindNull(int index) {
  int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK && bind_error_.ok()) bind_error_ = conn_->Error(rc, "bind");
  return *this;
}

Query& Query::BindBlob(int index, std::string_view bytes) {
  int rc = sqlite3_bind_blob64(stmt_, index, bytes.empty() ? "" : bytes.data(), bytes.size(),
                               SQLITE_TRANSIENT);
  if (rc != SQLITE_OK && bind_error_.ok()) bind_error_ = conn_->Error(rc, "bind");
  return *this;
}

Result<bool> Query::Step() {
  if (!bind_error_.ok()) return bind_error_;
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return conn_->Error(rc, sqlite3_sql(stmt_));
}

Status Query::Run() {
  while (true) {
    Result<bool> row = Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::OK();
  }
}

bool Query::IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

std::int64_t Query::Int(int col) const { return sqlite3_column_int64(stmt_, col); }

std::optional<std::int64_t> Query::OptInt(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Int(col);
}

std::string Query::Text(int col) const {
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

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return Status::IOError(path + ": cannot open database: " + msg);
  }
  sqlite3_extended_result_codes(db, 1);
  return std::unique_ptr<Connection>(new Connection(db, path));
}

Connection::~Connection() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Result<Query> Connection::Prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return Error(rc, "prepare " + std::string(sql));
    it = cache_.emplace(std::string(sql), stmt).first;
  }
  return Query(this, it->second);
}

Status Connection::Run(std::string_view sql) {
  Result<Query> q = Prepare(sql);
  if (!q.ok()) return q.status();
  return q->Run();
}

Status Connection::Exec(const std::string& sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return Status::OK();
  std::string msg = err ? err : sqlite3_errstr(rc);
  sqlite3_free(err);
  return Error(rc, msg);
}

Result<std::int64_t> Connection::QueryInt(const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr);
  if (rc != SQLITE_OK) return Error(rc, sql);
  rc = sqlite3_step(stmt);
  std::int64_t value = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
  sqlite3_finalize(stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return Error(rc, sql);
  return value;
}

Status Connection::Error(int rc, std::string_view what) const {
  std::string msg = path_ + ": " + std::string(what) + ": " + sqlite3_errmsg(db_);
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
      return Status::InvalidInput(path_ + ": not a meetleak database (" + sqlite3_errmsg(db_) +
                                  ")");
    case SQLITE_CORRUPT:
      return Status::Corruption(msg);
    default:
      return Status::Internal(msg);
  }
}

Result<std::unique_ptr<Transaction>> Transaction::Begin(Connection* conn) {
  Result<Query> begin = conn->Prepare("BEGIN IMMEDIATE");
  if (!begin.ok()) return begin.status();
  MEETLEAK_RETURN_IF_ERROR(begin->Run());
  return std::unique_ptr<Transaction>(new Transaction(conn));
}

Transaction::~Transaction() {
  if (done_) return;
  // A failed statement may already have rolled back; ROLLBACK then errs
  // harmlessly.
  if (sqlite3_get_autocommit(conn_->handle()) == 0)
    sqlite3_exec(conn_->handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

Status Transaction::Commit() {
  Result<Query> commit = conn_->Prepare("COMMIT");
  if (!commit.ok()) return commit.status();
  MEETLEAK_RETURN_IF_ERROR(commit->Run());
  done_ = true;
  return Status::OK();
}

}  // namespace meetleak::db
