#include "db/sql.h"

namespace meetleak::db {

const Dialect& DialectOf(Backend backend) {
  static const Dialect kSqlite{
      .inserted = "",
      .returning_id = "",
      .ids_in_json = "SELECT value FROM json_each(?2)",
      .leaks_by_keys =
          "json_each(?2) AS k JOIN leak l ON l.key_kind = json_extract(k.value, '$[0]') "
          "AND l.key = json_extract(k.value, '$[1]') AND l.page_url = ?1",
      .notify_index = "INDEXED BY leak_to_notify ",
  };
  static const Dialect kPostgres{
      .inserted = ", (xmax = 0)",
      .returning_id = " RETURNING id",
      .ids_in_json = "SELECT json_array_elements_text(?2::json)::bigint",
      .leaks_by_keys =
          "json_array_elements(?2::json) AS k(pair) CROSS JOIN LATERAL (SELECT * FROM leak "
          "WHERE key_kind = k.pair->>0 AND key = k.pair->>1 AND page_url = ?1 LIMIT 1) l",
      .notify_index = "",
  };
  return backend == Backend::kSqlite ? kSqlite : kPostgres;
}

Status Query::Run() {
  while (true) {
    Result<bool> row = Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::OK();
  }
}

Result<Query> Connection::Prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    Result<std::unique_ptr<Statement>> stmt = NewStatement(sql);
    if (!stmt.ok()) return stmt.status();
    it = cache_.emplace(std::string(sql), std::move(*stmt)).first;
  }
  return Query(it->second.get());
}

Status Connection::Run(std::string_view sql) {
  Result<Query> q = Prepare(sql);
  if (!q.ok()) return q.status();
  return q->Run();
}

Result<std::unique_ptr<Transaction>> Transaction::Begin(Connection* conn) {
  MEETLEAK_RETURN_IF_ERROR(conn->Begin());
  return std::unique_ptr<Transaction>(new Transaction(conn));
}

Status Transaction::Commit() {
  MEETLEAK_RETURN_IF_ERROR(conn_->Commit());
  done_ = true;
  return Status::OK();
}

}  // namespace meetleak::db
