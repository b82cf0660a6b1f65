// Internal to db/: the schema and its forward-only migrations.
//
// Version N of the schema is what migrations 1..N build, in order; a DB at
// version V < N runs migrations V+1..N in one transaction at open. A
// migration is never edited once released: change the schema by appending
// one. tests/db/ keeps a SQL script per released version that builds a DB as
// that version left it, and checks that each migrates to the latest.
#ifndef MEETLEAK_DB_SCHEMA_H_
#define MEETLEAK_DB_SCHEMA_H_

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "db/sql.h"

namespace meetleak::db {

// PRAGMA application_id of a meetleak DB ("MLK1" in ASCII).
inline constexpr int kApplicationId = 0x4d4c4b31;

// One step of the schema: SQL, then (optionally) a rewrite of the data in
// C++ in the same transaction.
struct Migration {
  std::string_view sql;
  Status (*rewrite)(Connection* conn) = nullptr;
  // The step rewrites secrets out of the data: it runs with secure_delete
  // on, and after it commits the file keeps no old copy (VACUUM, the WAL
  // checkpointed and truncated; retried at each open until it succeeds).
  bool scrub = false;
};

// Migrations()[i] builds version i+1 from version i.
const std::vector<Migration>& Migrations();

// Version 3's rewrite (redact_urls.cc): every stored URL redacted, rows that
// become equal merged.
Status RedactStoredUrls(Connection* conn);

// Sets the connection's pragmas (WAL, synchronous, foreign keys, busy
// timeout), then brings the schema to the latest version in one
// transaction, then scrubs the file if a migration asks for it. kTooNew for a newer DB,
// kInvalidInput for a file that holds tables but is not a meetleak DB.
Status PrepareSchema(Connection* conn);

// PostgreSQL's twin of PrepareSchema (schema_pg.cc): the schema brought to
// the latest version in one transaction, serialized among processes by an
// advisory lock. kTooNew for a newer DB, kInvalidInput for a database that
// holds other tables.
Status PreparePostgresSchema(Connection* conn);
// The SQL of PostgreSQL's first version (7), without its meta row: what
// the tests build a version-7 database with, to migrate it.
std::string PostgresBaselineSql();

}  // namespace meetleak::db

#endif  // MEETLEAK_DB_SCHEMA_H_
