#include "db/postgres.h"

#include <charconv>
#include <optional>
#include <utility>
#include <vector>

namespace meetleak::db {

namespace postgres_internal {

std::string PgPlaceholders(std::string_view sql, int* params, std::vector<bool>* used) {
  std::string out;
  out.reserve(sql.size() + 8);
  int next = 0, highest = 0;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (c == '\'' || c == '"') {  // a quoted string or name, '' and "" escaped inside
      const std::size_t end = sql.find(c, i + 1);
      const std::size_t stop = end == std::string_view::npos ? sql.size() : end + 1;
      out.append(sql.substr(i, stop - i));
      i = stop - 1;
      continue;
    }
    if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {  // a comment to the line's end
      const std::size_t end = sql.find('\n', i);
      const std::size_t stop = end == std::string_view::npos ? sql.size() : end;
      out.append(sql.substr(i, stop - i));
      i = stop - 1;
      continue;
    }
    if (c != '?') {
      out += c;
      continue;
    }
    std::size_t j = i + 1;
    while (j < sql.size() && sql[j] >= '0' && sql[j] <= '9') ++j;
    int n = ++next;
    if (j > i + 1) std::from_chars(sql.data() + i + 1, sql.data() + j, n);
    highest = std::max(highest, n);
    if (used != nullptr) {
      if (used->size() < static_cast<std::size_t>(n)) used->resize(static_cast<std::size_t>(n));
      (*used)[static_cast<std::size_t>(n) - 1] = true;
    }
    out += '$';
    out += std::to_string(n);
    i = j - 1;
  }
  *params = highest;
  return out;
}

}  // namespace postgres_internal

namespace {

// libpq's message on one line: its lines (and tab-indented hints) joined.
std::string Trimmed(const char* message) {
  std::string s = message == nullptr ? "" : message;
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\n') {
      out += s[i];
      continue;
    }
    while (i + 1 < s.size() && (s[i + 1] == '\t' || s[i + 1] == ' ')) ++i;
    out += "; ";
  }
  return out;
}

// "postgresql host:port/dbname" from the live connection (no password: libpq
// keeps it out of these).
std::string ServerName(PGconn* conn) {
  const char* host = PQhost(conn);
  const char* port = PQport(conn);
  const char* db = PQdb(conn);
  return std::string("postgresql ") + (host != nullptr ? host : "") + ":" +
         (port != nullptr ? port : "") + "/" + (db != nullptr ? db : "");
}

class PgStatement : public Statement {
 public:
  PgStatement(PgConnection* conn, std::string name, int params)
      : conn_(conn), name_(std::move(name)), params_(static_cast<std::size_t>(params)) {}
  ~PgStatement() override { Reset(); }
  PgStatement(const PgStatement&) = delete;
  PgStatement& operator=(const PgStatement&) = delete;

  void Bind(int index, std::int64_t value) override { Set(index, std::to_string(value), false); }
  void Bind(int index, std::string_view value) override { Set(index, std::string(value), false); }
  void BindNull(int index) override {
    if (Valid(index)) params_[static_cast<std::size_t>(index) - 1] = Param{};
  }
  void BindBlob(int index, std::string_view bytes) override {  // sent as binary (bytea)
    Set(index, std::string(bytes), true);
  }

  Result<bool> Step() override {
    if (!bind_error_.ok()) return bind_error_;
    if (result_ == nullptr) MEETLEAK_RETURN_IF_ERROR(Execute());
    if (PQresultStatus(result_) != PGRES_TUPLES_OK) return false;
    ++row_;
    return row_ < PQntuples(result_);
  }

  void Reset() override {
    if (result_ != nullptr) PQclear(result_);
    result_ = nullptr;
    row_ = -1;
    for (Param& p : params_) p = Param{};
    bind_error_ = Status::OK();
  }

  bool IsNull(int col) const override { return PQgetisnull(result_, row_, col) != 0; }

  std::int64_t Int(int col) const override {
    const char* v = PQgetvalue(result_, row_, col);
    const int len = PQgetlength(result_, row_, col);
    if (len == 1 && (v[0] == 't' || v[0] == 'f')) return v[0] == 't' ? 1 : 0;  // boolean
    std::int64_t n = 0;
    std::from_chars(v, v + len, n);
    return n;
  }

  std::string Text(int col) const override {
    if (IsNull(col)) return {};
    const char* v = PQgetvalue(result_, row_, col);
    constexpr Oid kByteaOid = 17;
    if (PQftype(result_, col) == kByteaOid) {
      std::size_t n = 0;
      unsigned char* bytes = PQunescapeBytea(reinterpret_cast<const unsigned char*>(v), &n);
      if (bytes == nullptr) return {};
      std::string out(reinterpret_cast<const char*>(bytes), n);
      PQfreemem(bytes);
      return out;
    }
    return std::string(v, static_cast<std::size_t>(PQgetlength(result_, row_, col)));
  }

 private:
  struct Param {
    std::optional<std::string> value;  // nullopt: NULL
    bool binary = false;
  };

  bool Valid(int index) const {
    return index >= 1 && static_cast<std::size_t>(index) <= params_.size();
  }

  void Set(int index, std::string value, bool binary) {
    if (!Valid(index)) {
      if (bind_error_.ok())
        bind_error_ = Status::Internal(conn_->path() + ": bind: no parameter " +
                                       std::to_string(index) + " in statement " + name_);
      return;
    }
    params_[static_cast<std::size_t>(index) - 1] = Param{std::move(value), binary};
  }

  Status Execute() {
    std::vector<const char*> values(params_.size());
    std::vector<int> lengths(params_.size()), formats(params_.size());
    for (std::size_t i = 0; i < params_.size(); ++i) {
      if (!params_[i].value) continue;  // NULL
      values[i] = params_[i].value->data();
      lengths[i] = static_cast<int>(params_[i].value->size());
      formats[i] = params_[i].binary ? 1 : 0;
    }
    result_ = PQexecPrepared(conn_->handle(), name_.c_str(), static_cast<int>(params_.size()),
                             values.data(), lengths.data(), formats.data(), 0);
    const ExecStatusType st = PQresultStatus(result_);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return conn_->Error(name_, result_);
    const char* tuples = PQcmdTuples(result_);
    std::int64_t n = 0;
    std::from_chars(tuples, tuples + std::char_traits<char>::length(tuples), n);
    conn_->set_changes(n);
    return Status::OK();
  }

  PgConnection* conn_;
  std::string name_;
  std::vector<Param> params_;
  Status bind_error_;
  PGresult* result_ = nullptr;
  int row_ = -1;  // the current row; -1 before the first
};

}  // namespace

Result<std::unique_ptr<PgConnection>> PgConnection::Open(const std::string& conninfo) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  if (conn == nullptr) return Status::Unavailable("postgresql: out of memory connecting");
  if (PQstatus(conn) != CONNECTION_OK) {
    Status s = Status::Unavailable(ServerName(conn) +
                                   ": cannot connect: " + Trimmed(PQerrorMessage(conn)));
    PQfinish(conn);
    return s;
  }
  auto c = std::unique_ptr<PgConnection>(new PgConnection(conn, ServerName(conn)));
  // Notices (e.g. "relation already exists, skipping") are not the user's business.
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  return c;
}

PgConnection::~PgConnection() {
  ClearCache();
  PQfinish(conn_);
}

Status PgConnection::Error(std::string_view what, const PGresult* result) const {
  std::string msg = Trimmed(result != nullptr ? PQresultErrorMessage(result) : "");
  if (msg.empty()) msg = Trimmed(PQerrorMessage(conn_));
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string text = path() + ": " + std::string(what) + ": " + msg;
  if (state != nullptr) text += std::string(" (SQLSTATE ") + state + ")";
  if (PQstatus(conn_) != CONNECTION_OK) return Status::Unavailable(text);
  // 40001 serialization failure, 40P01 deadlock, 55P03 lock not available:
  // the caller may retry the transaction.
  if (state != nullptr &&
      (std::string_view(state) == "40001" || std::string_view(state) == "40P01" ||
       std::string_view(state) == "55P03"))
    return Status::Busy(text);
  return Status::IOError(text);
}

Result<std::unique_ptr<Statement>> PgConnection::NewStatement(std::string_view sql) {
  int params = 0;
  std::vector<bool> used;
  const std::string name = "meetleak_" + std::to_string(++statements_);
  const std::string text = postgres_internal::PgPlaceholders(sql, &params, &used);
  // A parameter the SQL skips (one statement text shared by several
  // variants binds them all) has no type to infer: it is text, and NULL.
  constexpr Oid kTextOid = 25;
  std::vector<Oid> types(static_cast<std::size_t>(params), 0);
  for (std::size_t i = 0; i < types.size(); ++i)
    if (i >= used.size() || !used[i]) types[i] = kTextOid;
  PGresult* r = PQprepare(conn_, name.c_str(), text.c_str(), params, types.data());
  const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  Status err = ok ? Status::OK() : Error("prepare " + text, r);
  PQclear(r);
  if (!ok) return err;
  return std::unique_ptr<Statement>(new PgStatement(this, name, params));
}

Status PgConnection::Exec(const std::string& sql) {
  PGresult* r = PQexec(conn_, sql.c_str());
  const ExecStatusType st = PQresultStatus(r);
  Status s = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? Status::OK() : Error("exec", r);
  PQclear(r);
  return s;
}

Result<std::int64_t> PgConnection::QueryInt(const std::string& sql) {
  Result<Query> q = Prepare(sql);
  if (!q.ok()) return q.status();
  Result<bool> row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row || q->IsNull(0)) return Status::NotFound(path() + ": no value for " + sql);
  return q->Int(0);
}

Status PgConnection::Begin() { return Run("BEGIN"); }

// A COMMIT that fails has ended the transaction all the same.
Status PgConnection::Commit() { return Run("COMMIT"); }

void PgConnection::Rollback() {
  if (PQtransactionStatus(conn_) != PQTRANS_IDLE) (void)Exec("ROLLBACK");
}

}  // namespace meetleak::db
