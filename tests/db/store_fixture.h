// Helpers for the db tests: a store on either backend — a real SQLite file
// in a fresh temp dir, or a fresh database of the test program's own
// PostgreSQL server (tests/support/postgres_server.h) — a fake clock, and
// builders for sightings and document writes.
//
// The contract suite: a fixture derived from StoreTest runs each TEST_P on
// both backends with
//   INSTANTIATE_TEST_SUITE_P(Backends, MyTest, BothBackends(), BackendName);
// A PostgreSQL that does not start fails the test; it never skips.
#ifndef MEETLEAK_TESTS_DB_STORE_FIXTURE_H_
#define MEETLEAK_TESTS_DB_STORE_FIXTURE_H_

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "base/clock.h"
#include "db/store.h"
#include "tests/support/postgres_server.h"
#include "tests/support/status_matchers.h"
#include "tests/support/temp_dir.h"

namespace meetleak::testing {

// A company sighting of meeting `id` at `severity`.
inline LeakStore::Sighting CompanySighting(const std::string& id,
                                           Severity severity = Severity::kHigh,
                                           bool allowed = false) {
  LeakStore::Sighting s;
  s.ref.key_kind = KeyKind::kMeetingId;
  s.ref.key = id;
  s.ref.form = RefForm::kUrl;
  s.ref.link_type = severity == Severity::kCritical ? LinkType::kStart : LinkType::kJoin;
  s.ref.host = "acme-corp.zoom.us";
  s.ref.has_passcode = false;
  s.ref.classification.company = true;
  s.ref.classification.owner = "ana@acme.example";
  s.ref.classification.meeting_kind = MeetingKind::kRecurring;
  s.ref.classification.severity = severity;
  s.ref.context = "Join: https://acme-corp.zoom.us/j/" + id;
  s.ref.occurrences = 1;
  s.allowed = allowed;
  if (allowed) s.allow_reason = "public webinar series";
  return s;
}

inline LeakStore::DocumentWrite Fetched(const std::string& url,
                                        std::vector<LeakStore::Sighting> sightings,
                                        const std::string& source = "https://src.example/feed") {
  LeakStore::DocumentWrite d;
  d.url = url;
  d.page_url = url;
  d.source_url = source;
  d.outcome = DocumentOutcome::kFetched;
  d.status = 200;
  d.etag = "\"e1\"";
  d.body_hash = "hash-" + url;
  d.sightings = std::move(sightings);
  return d;
}

inline LeakStore::DocumentWrite WithOutcome(
    const std::string& url, DocumentOutcome outcome, int status,
    const std::string& source = "https://src.example/feed") {
  LeakStore::DocumentWrite d;
  d.url = url;
  d.page_url = url;
  d.source_url = source;
  d.outcome = outcome;
  d.status = status;
  if (outcome == DocumentOutcome::kFailed) d.error = "HTTP " + std::to_string(status);
  return d;
}

enum class StoreBackend { kSqlite, kPostgres };

inline auto BothBackends() {
  return ::testing::Values(StoreBackend::kSqlite, StoreBackend::kPostgres);
}
inline std::string BackendName(const ::testing::TestParamInfo<StoreBackend>& info) {
  return info.param == StoreBackend::kSqlite ? "Sqlite" : "Postgres";
}

// A database on `backend`: a file in `dir`, or a new database of the
// program's PostgreSQL server (its postgresql:// URL; *pg_name gets the
// database's name). Fails the test when PostgreSQL does not start.
inline std::string NewDatabase(StoreBackend backend, const TempDir& dir,
                               std::string* pg_name = nullptr) {
  if (backend == StoreBackend::kSqlite) return (dir.path() / "meetleak.db").string();
  std::string why;
  PostgresServer* server = PostgresServer::Shared(&why);
  EXPECT_NE(server, nullptr) << "PostgreSQL did not start: " << why;
  if (server == nullptr) return "";
  Result<std::string> db = server->NewDatabase();
  EXPECT_OK(db);
  if (!db.ok()) return "";
  if (pg_name != nullptr) *pg_name = *db;
  return server->Url(*db);
}

class StoreTest : public ::testing::TestWithParam<StoreBackend> {
 protected:
  void SetUp() override {
    db_ = NewDatabase(GetParam(), dir_, &pg_name_);
    ASSERT_FALSE(db_.empty());
    Reopen();
  }

  void Reopen() {
    store_.reset();
    Result<std::unique_ptr<LeakStore>> s = LeakStore::Open(db_path(), &clock_);
    ASSERT_OK(s);
    store_ = std::move(*s);
  }

  // The SQLite file, or the PostgreSQL URL.
  std::string db_path() const { return db_; }
  bool sqlite() const { return GetParam() == StoreBackend::kSqlite; }

  // Runs SQL on the database behind the store's back, as another tool
  // would: `sqlite_sql` on the file, or `pg_sql` through psql.
  void RawSql(const std::string& sqlite_sql, const std::string& pg_sql) {
    if (sqlite()) {
      sqlite3* db = nullptr;
      ASSERT_EQ(sqlite3_open(db_.c_str(), &db), SQLITE_OK);
      char* err = nullptr;
      EXPECT_EQ(sqlite3_exec(db, sqlite_sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << err;
      sqlite3_free(err);
      sqlite3_close(db);
      return;
    }
    std::string why;
    Result<std::string> out = PostgresServer::Shared(&why)->Psql(pg_name_, pg_sql);
    EXPECT_OK(out);
  }

  // What the database keeps: the SQLite file and its WAL as bytes, or
  // every row of every PostgreSQL table as text.
  std::string StoredBytes() {
    if (sqlite()) {
      std::string bytes;
      for (const std::string& f : {db_, db_ + "-wal"}) {
        std::ifstream in(f, std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        bytes += ss.str();
      }
      return bytes;
    }
    std::string sql;
    for (const char* table : {"meta", "inventory_meeting", "personal_link", "source", "document",
                              "link", "leak", "leak_event", "sweep_file", "zoom_update"})
      sql += std::string(sql.empty() ? "" : " UNION ALL ") + "SELECT t::text FROM " + table + " t";
    std::string why;
    Result<std::string> out = PostgresServer::Shared(&why)->Psql(pg_name_, sql);
    EXPECT_OK(out);
    return out.ok() ? *out : "";
  }

  LeakStore::WriteResult Write(const std::vector<LeakStore::DocumentWrite>& docs) {
    Result<LeakStore::WriteResult> r = store_->WriteDocuments(docs);
    EXPECT_OK(r);
    return r.ok() ? *r : LeakStore::WriteResult{};
  }

  // The one leak of meeting `id` (fails the test when absent).
  LeakStore::LeakRow Leak(const std::string& id) {
    Result<std::vector<LeakStore::LeakRow>> all = store_->ListLeaks({});
    EXPECT_OK(all);
    if (all.ok())
      for (const auto& row : *all)
        if (row.key == id) return row;
    ADD_FAILURE() << "no leak for " << id;
    return {};
  }

  void Advance(int seconds) { clock_.Advance(std::chrono::seconds(seconds)); }

  TempDir dir_;
  std::string db_, pg_name_;
  FakeClock clock_;
  std::unique_ptr<LeakStore> store_;
};

}  // namespace meetleak::testing

#endif  // MEETLEAK_TESTS_DB_STORE_FIXTURE_H_
