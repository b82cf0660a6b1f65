// CopyDatabase (db/store.h): a SQLite database into an empty PostgreSQL one.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "db/postgres.h"
#include "db/schema.h"
#include "db/sqlite.h"
#include "db/store.h"

namespace meetleak {
namespace {

// Parents before children, so every foreign key finds its row.
constexpr const char* kTables[] = {
    "meta", "inventory_meeting", "personal_link", "source",     "document", "link",
    "leak", "leak_event",        "sweep_file",    "zoom_update"};
// Tables whose id is an identity column, moved past the copied ids.
constexpr const char* kIdentityTables[] = {"source", "document", "leak", "leak_event",
                                           "zoom_update"};
// Rows of SQLite's meta that are SQLite's own bookkeeping.
constexpr std::string_view kSqliteOnlyMeta = "scrub_pending";

Result<std::vector<std::string>> Columns(db::Connection* sqlite, const std::string& table) {
  Result<db::Query> q = sqlite->Prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid");
  if (!q.ok()) return q.status();
  q->Bind(1, table);
  std::vector<std::string> names;
  Result<bool> row = q->Step();
  for (; row.ok() && *row; row = q->Step()) names.push_back(q->Text(0));
  if (!row.ok()) return row.status();
  return names;
}

// The target holds nothing of meetleak's yet (its schema version aside).
Status CheckEmpty(db::Connection* pg) {
  for (const char* table : kTables) {
    const std::string where = std::string(table) == "meta" ? " WHERE key <> 'schema_version'" : "";
    Result<std::int64_t> n = pg->QueryInt("SELECT count(*) FROM " + std::string(table) + where);
    if (!n.ok()) return n.status();
    if (*n > 0)
      return Status::InvalidInput(pg->path() + ": not empty (table " + table + " holds " +
                                  std::to_string(*n) + " rows); db copy fills only a new database");
  }
  return Status::OK();
}

Result<std::int64_t> CopyTable(db::Connection* sqlite, db::Connection* pg,
                               const std::string& table) {
  Result<std::vector<std::string>> columns = Columns(sqlite, table);
  if (!columns.ok()) return columns.status();
  std::string names, params;
  for (std::size_t i = 0; i < columns->size(); ++i) {
    names += (i > 0 ? ", \"" : "\"") + (*columns)[i] + "\"";
    params += (i > 0 ? ", ?" : "?") + std::to_string(i + 1);
  }
  Result<db::Query> read = sqlite->Prepare("SELECT " + names + " FROM " + table);
  if (!read.ok()) return read.status();
  const std::string insert = "INSERT INTO " + table + " (" + names + ") VALUES (" + params + ")";
  std::int64_t rows = 0;
  Result<bool> row = read->Step();
  for (; row.ok() && *row; row = read->Step()) {
    if (table == "meta" && read->Text(0) == kSqliteOnlyMeta) continue;
    Result<db::Query> write = pg->Prepare(insert);
    if (!write.ok()) return write.status();
    for (std::size_t i = 0; i < columns->size(); ++i) {
      const int col = static_cast<int>(i);
      if (read->IsNull(col))
        write->BindNull(col + 1);
      else if ((*columns)[i] == "candidate_keys")
        write->BindBlob(col + 1, read->Text(col));
      else
        write->Bind(col + 1, read->Text(col));
    }
    MEETLEAK_RETURN_IF_ERROR(write->Run());
    ++rows;
  }
  if (!row.ok()) return row.status();
  return rows;
}

}  // namespace

Result<std::vector<std::pair<std::string, std::int64_t>>> CopyDatabase(const std::string& from,
                                                                       const std::string& to) {
  std::error_code ec;
  if (IsPostgresUrl(from) || !std::filesystem::is_regular_file(from, ec))
    return Status::InvalidInput(from + ": no SQLite database here (db copy --from FILE.db)");
  if (!IsPostgresUrl(to))
    return Status::InvalidInput(to + ": not a PostgreSQL URL (db copy --to postgresql://…)");
  Result<std::string> conninfo = PostgresConninfo(to);
  if (!conninfo.ok()) return Status::InvalidInput("--to: " + conninfo.status().message());
  Result<std::unique_ptr<db::SqliteConnection>> sqlite = db::SqliteConnection::Open(from);
  if (!sqlite.ok()) return sqlite.status();
  MEETLEAK_RETURN_IF_ERROR(db::PrepareSchema(sqlite->get()));
  Result<std::unique_ptr<db::PgConnection>> pg = db::PgConnection::Open(*conninfo);
  if (!pg.ok()) return Status::IOError(pg.status().message());
  MEETLEAK_RETURN_IF_ERROR(db::PreparePostgresSchema(pg->get()));
  // One snapshot of the source (WAL: a `run` writing meanwhile is not
  // blocked, and not half copied); closing the connection ends it.
  MEETLEAK_RETURN_IF_ERROR((*sqlite)->Exec("BEGIN"));
  Result<std::unique_ptr<db::Transaction>> tx = db::Transaction::Begin(pg->get());
  if (!tx.ok()) return tx.status();
  MEETLEAK_RETURN_IF_ERROR(CheckEmpty(pg->get()));
  std::vector<std::pair<std::string, std::int64_t>> counts;
  for (const char* table : kTables) {
    Result<std::int64_t> n = CopyTable(sqlite->get(), pg->get(), table);
    if (!n.ok()) return n.status();
    counts.emplace_back(table, *n);
  }
  for (const char* table : kIdentityTables)
    MEETLEAK_RETURN_IF_ERROR((*pg)->Exec(std::string("SELECT setval(pg_get_serial_sequence('") +
                                         table + "', 'id'), " +
                                         "coalesce(max(id), 0) + 1, false) FROM " + table));
  MEETLEAK_RETURN_IF_ERROR((*tx)->Commit());
  return counts;
}

}  // namespace meetleak
