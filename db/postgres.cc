#include "db/postgres.h"

#include <charconv>
#include <utility>

namespace meetleak::db {

namespace postgres_internal {

std::string PgPlaceholders(std::string_view sql, int* params) {
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
    out += '$';
    out += std::to_string(n);
    i = j - 1;
  }
  *params = highest;
  return out;
}

}  // namespace postgres_internal

namespace {

std::string Trimmed(const char* message) {
  std::string s = message == nullptr ? "" : message;
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
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

}  // namespace

PgQuery::PgQuery(PgConnection* conn, std::string name, int params)
    : conn_(conn), name_(std::move(name)), params_(static_cast<std::size_t>(params)) {}

PgQuery::PgQuery(PgQuery&& other) noexcept
    : conn_(other.conn_),
      name_(std::move(other.name_)),
      params_(std::move(other.params_)),
      bind_error_(std::move(other.bind_error_)),
      result_(std::exchange(other.result_, nullptr)),
      row_(other.row_) {}

PgQuery::~PgQuery() {
  if (result_ != nullptr) PQclear(result_);
}

PgQuery& PgQuery::Bind(int index, std::int64_t value) {
  return Bind(index, std::string_view(std::to_string(value)));
}

PgQuery& PgQuery::Bind(int index, std::string_view value) {
  if (index < 1 || static_cast<std::size_t>(index) > params_.size()) {
    if (bind_error_.ok())
      bind_error_ = Status::Internal(conn_->name() + ": bind: no parameter " +
                                     std::to_string(index) + " in statement " + name_);
    return *this;
  }
  params_[static_cast<std::size_t>(index) - 1] = Param{std::string(value), false};
  return *this;
}

PgQuery& PgQuery::Bind(int index, std::optional<std::int64_t> value) {
  return value ? Bind(index, *value) : BindNull(index);
}

PgQuery& PgQuery::BindNull(int index) {
  if (index >= 1 && static_cast<std::size_t>(index) <= params_.size())
    params_[static_cast<std::size_t>(index) - 1] = Param{};
  return *this;
}

PgQuery& PgQuery::BindBlob(int index, std::string_view bytes) {
  Bind(index, bytes);
  if (index >= 1 && static_cast<std::size_t>(index) <= params_.size())
    params_[static_cast<std::size_t>(index) - 1].binary = true;
  return *this;
}

Status PgQuery::Execute() {
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
  return Status::OK();
}

Result<bool> PgQuery::Step() {
  if (!bind_error_.ok()) return bind_error_;
  if (result_ == nullptr) MEETLEAK_RETURN_IF_ERROR(Execute());
  if (PQresultStatus(result_) != PGRES_TUPLES_OK) return false;
  ++row_;
  return row_ < PQntuples(result_);
}

Status PgQuery::Run() {
  while (true) {
    Result<bool> row = Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::OK();
  }
}

std::int64_t PgQuery::Changes() const {
  if (result_ == nullptr) return 0;
  std::int64_t n = 0;
  const char* tuples = PQcmdTuples(result_);
  std::from_chars(tuples, tuples + std::char_traits<char>::length(tuples), n);
  return n;
}

bool PgQuery::IsNull(int col) const { return PQgetisnull(result_, row_, col) != 0; }

std::int64_t PgQuery::Int(int col) const {
  const char* v = PQgetvalue(result_, row_, col);
  const int len = PQgetlength(result_, row_, col);
  if (len > 0 && (v[0] == 't' || v[0] == 'f') && len == 1) return v[0] == 't' ? 1 : 0;  // bool
  std::int64_t n = 0;
  std::from_chars(v, v + len, n);
  return n;
}

std::optional<std::int64_t> PgQuery::OptInt(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Int(col);
}

std::string PgQuery::Text(int col) const {
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

PgConnection::~PgConnection() { PQfinish(conn_); }

Status PgConnection::Error(std::string_view what, const PGresult* result) const {
  std::string msg = Trimmed(result != nullptr ? PQresultErrorMessage(result) : "");
  if (msg.empty()) msg = Trimmed(PQerrorMessage(conn_));
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string text = name_ + ": " + std::string(what) + ": " + msg;
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

Result<PgQuery> PgConnection::Prepare(std::string_view sql) {
  if (auto it = cache_.find(sql); it != cache_.end())
    return PgQuery(this, it->second.name, it->second.params);
  Prepared p;
  p.name = "meetleak_" + std::to_string(cache_.size() + 1);
  const std::string text = postgres_internal::PgPlaceholders(sql, &p.params);
  PGresult* r = PQprepare(conn_, p.name.c_str(), text.c_str(), 0, nullptr);
  const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  Status err = ok ? Status::OK() : Error("prepare " + text, r);
  PQclear(r);
  if (!ok) return err;
  auto [it, added] = cache_.emplace(std::string(sql), std::move(p));
  return PgQuery(this, it->second.name, it->second.params);
}

Status PgConnection::Run(std::string_view sql) {
  Result<PgQuery> q = Prepare(sql);
  if (!q.ok()) return q.status();
  return q->Run();
}

Status PgConnection::Exec(const std::string& sql) {
  PGresult* r = PQexec(conn_, sql.c_str());
  const ExecStatusType st = PQresultStatus(r);
  Status s = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? Status::OK() : Error("exec", r);
  PQclear(r);
  return s;
}

Result<std::int64_t> PgConnection::QueryInt(const std::string& sql) {
  Result<PgQuery> q = Prepare(sql);
  if (!q.ok()) return q.status();
  Result<bool> row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row || q->IsNull(0)) return Status::NotFound(name_ + ": no value for " + sql);
  return q->Int(0);
}

Result<std::unique_ptr<PgTransaction>> PgTransaction::Begin(PgConnection* conn) {
  MEETLEAK_RETURN_IF_ERROR(conn->Run("BEGIN"));
  return std::unique_ptr<PgTransaction>(new PgTransaction(conn));
}

PgTransaction::~PgTransaction() {
  if (!done_) (void)conn_->Exec("ROLLBACK");
}

Status PgTransaction::Commit() {
  done_ = true;
  return conn_->Run("COMMIT");
}

}  // namespace meetleak::db
