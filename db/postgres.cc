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

std::string PgArrayLiteral(const std::vector<std::string>& values) {
  std::string array = "{";
  for (const std::string& v : values) {
    array += array.size() > 1 ? ",\"" : "\"";
    for (char c : v) {
      if (c == '"' || c == '\\') array += '\\';
      array += c;
    }
    array += '"';
  }
  return array + "}";
}

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

// Rows a command changed (its tag's count), 0 for none.
std::int64_t ChangedRows(PGresult* result) {
  const char* tuples = PQcmdTuples(result);
  std::int64_t n = 0;
  std::from_chars(tuples, tuples + std::char_traits<char>::length(tuples), n);
  return n;
}

bool Succeeded(const PGresult* result) {
  const ExecStatusType st = PQresultStatus(result);
  return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
}

// Deferred statements sent before a sync: more are synced in slices, so
// that libpq's output buffer and the server's unread results never both
// fill (in blocking mode that would deadlock).
constexpr std::size_t kMaxQueued = 256;

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
    if (prefetched_) {  // its result arrives with the next sync
      prefetched_ = false;
      if (slot_.waiting) (void)conn_->Collect();
      if (!slot_.error.ok()) return slot_.error;
      result_ = std::exchange(slot_.result, nullptr);
      if (result_ == nullptr) return conn_->Internal("no result for " + name_);
    }
    if (result_ == nullptr) MEETLEAK_RETURN_IF_ERROR(Execute());
    if (PQresultStatus(result_) != PGRES_TUPLES_OK) return false;
    ++row_;
    return row_ < PQntuples(result_);
  }

  Status Defer(std::string_view must_change) override {
    Status s = bind_error_;
    if (s.ok()) {
      Arrays a(params_);
      s = conn_->DeferPrepared(name_, a.params, must_change);
    }
    Reset();
    return s;
  }

  void Prefetch() override {
    if (!bind_error_.ok()) return;  // Step reports it
    Arrays a(params_);
    conn_->PrefetchPrepared(name_, a.params, &slot_);
    prefetched_ = true;
  }

  void Reset() override {
    // A result still to come must not be taken for the next use's: read
    // now (a failure stays the transaction's).
    if (slot_.waiting) (void)conn_->Collect();
    PQclear(slot_.result);
    slot_ = {};
    prefetched_ = false;
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

  // The bound parameters as libpq takes them (pointing into params_).
  struct Arrays {
    explicit Arrays(const std::vector<Param>& params)
        : values(params.size()), lengths(params.size()), formats(params.size()) {
      for (std::size_t i = 0; i < params.size(); ++i) {
        if (!params[i].value) continue;  // NULL
        values[i] = params[i].value->data();
        lengths[i] = static_cast<int>(params[i].value->size());
        formats[i] = params[i].binary ? 1 : 0;
      }
      this->params = {static_cast<int>(params.size()), values.data(), lengths.data(),
                      formats.data()};
    }
    std::vector<const char*> values;
    std::vector<int> lengths, formats;
    PgConnection::Params params;
  };

  Status Execute() {
    Arrays a(params_);
    Result<PGresult*> r = conn_->RunPrepared(name_, a.params);
    if (!r.ok()) return r.status();
    result_ = *r;
    return Status::OK();
  }

  PgConnection* conn_;
  std::string name_;
  std::vector<Param> params_;
  Status bind_error_;
  PgConnection::Slot slot_;  // Prefetch's
  bool prefetched_ = false;  // Prefetch'ed, Step not called yet
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
  MEETLEAK_RETURN_IF_ERROR(LeavePipeline());  // PQprepare waits for its answer
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
  MEETLEAK_RETURN_IF_ERROR(LeavePipeline());
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

Result<PGresult*> PgConnection::RunPrepared(const std::string& name, const Params& params) {
  if (PQpipelineStatus(conn_) == PQ_PIPELINE_OFF) {
    PGresult* r = PQexecPrepared(conn_, name.c_str(), params.count, params.values, params.lengths,
                                 params.formats, 0);
    if (!Succeeded(r)) {
      Status s = Error(name, r);
      PQclear(r);
      return s;
    }
    changes_ = ChangedRows(r);
    return r;
  }
  Slot slot;
  slot.waiting = true;
  MEETLEAK_RETURN_IF_ERROR(Send(name, params, {}, &slot));
  Status s = Sync();
  if (!s.ok()) {
    PQclear(slot.result);
    return s;
  }
  if (slot.result == nullptr) return Internal("no result for " + name);
  changes_ = ChangedRows(slot.result);
  return slot.result;
}

Status PgConnection::DeferPrepared(const std::string& name, const Params& params,
                                   std::string_view must_change) {
  if (!in_transaction_) {  // nothing to share a round trip with
    Result<PGresult*> r = RunPrepared(name, params);
    if (!r.ok()) return r.status();
    PQclear(*r);
    if (!must_change.empty() && changes_ == 0)
      return Status::Busy(path() + ": " + std::string(must_change));
    return Status::OK();
  }
  MEETLEAK_RETURN_IF_ERROR(Send(name, params, must_change, nullptr));
  return queued_.size() < kMaxQueued ? Status::OK() : Sync();
}

void PgConnection::PrefetchPrepared(const std::string& name, const Params& params, Slot* slot) {
  *slot = Slot{};
  if (!in_transaction_) {
    Result<PGresult*> r = RunPrepared(name, params);
    if (r.ok()) {
      slot->result = *r;
    } else {
      slot->error = r.status();
    }
    return;
  }
  slot->waiting = true;
  slot->error = Send(name, params, {}, slot);
  if (!slot->error.ok()) slot->waiting = false;
}

Status PgConnection::Send(const std::string& name, const Params& params,
                          std::string_view must_change, Slot* slot) {
  if (!failed_.ok()) return failed_;
  if (PQpipelineStatus(conn_) == PQ_PIPELINE_OFF && PQenterPipelineMode(conn_) != 1)
    return Error("enter pipeline mode", nullptr);
  if (PQsendQueryPrepared(conn_, name.c_str(), params.count, params.values, params.lengths,
                          params.formats, 0) != 1)
    return failed_ = Error(name, nullptr);
  queued_.push_back({name, std::string(must_change), slot});
  return Status::OK();
}

// Results come in the order sent: each statement's, then a null pointer;
// a statement after a failed one comes as PGRES_PIPELINE_ABORTED; the sync
// point's result ends the lot. A null pointer past the last statement
// means the connection has nothing more to give (it was lost).
Status PgConnection::Sync() {
  Status first = failed_;
  if (PQpipelineSync(conn_) != 1 && first.ok()) first = Error("pipeline sync", nullptr);
  const std::size_t expected = queued_.size();
  for (std::size_t i = 0; i <= expected;) {
    PGresult* r = PQgetResult(conn_);
    if (r == nullptr) {
      ++i;
      continue;
    }
    const ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_PIPELINE_SYNC) {
      PQclear(r);
      break;
    }
    if (i == expected) {  // a result nobody waits for: not ours to read
      PQclear(r);
      continue;
    }
    Queued& q = queued_[i];
    Status s = Status::OK();
    if (st == PGRES_PIPELINE_ABORTED) {
      s = Status::IOError(path() + ": " + q.name + ": not run: an earlier statement failed");
    } else if (!Succeeded(r)) {
      s = Error(q.name, r);
    } else if (!q.must_change.empty() && ChangedRows(r) == 0) {
      s = Status::Busy(path() + ": " + q.must_change);
    }
    if (first.ok()) first = s;
    if (q.slot != nullptr && q.slot->waiting) {
      q.slot->waiting = false;
      q.slot->error = s;
      if (s.ok()) {
        q.slot->result = r;
        r = nullptr;
      }
    }
    PQclear(r);
  }
  // A slot whose result never came (the connection was lost) waits no more.
  for (Queued& q : queued_) {
    if (q.slot == nullptr || !q.slot->waiting) continue;
    q.slot->waiting = false;
    q.slot->error = first.ok() ? Internal("no result for " + q.name) : first;
  }
  queued_.clear();
  if (in_transaction_) failed_ = first;
  return first;
}

Status PgConnection::LeavePipeline() {
  if (PQpipelineStatus(conn_) == PQ_PIPELINE_OFF) return Status::OK();
  Status s = queued_.empty() ? Status::OK() : Sync();
  if (PQexitPipelineMode(conn_) != 1 && s.ok()) s = Error("leave pipeline mode", nullptr);
  return s;
}

Status PgConnection::Begin() {
  MEETLEAK_RETURN_IF_ERROR(Run("BEGIN"));
  in_transaction_ = true;
  failed_ = Status::OK();
  return Status::OK();
}

// A COMMIT that fails has ended the transaction all the same. After a
// failure in the pipeline none is sent: Rollback ends the transaction.
Status PgConnection::Commit() {
  if (!failed_.ok()) return failed_;
  Status s = Run("COMMIT");
  Status left = LeavePipeline();
  in_transaction_ = false;
  return s.ok() ? left : s;
}

void PgConnection::Rollback() {
  in_transaction_ = false;
  (void)LeavePipeline();
  failed_ = Status::OK();
  if (PQtransactionStatus(conn_) != PQTRANS_IDLE) (void)Exec("ROLLBACK");
}

}  // namespace meetleak::db
