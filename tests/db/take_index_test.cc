// What a take reads on PostgreSQL (db/host_leases.cc): the due sources in
// its order and a host's sources, through the indexes of schema version 9,
// so that a take costs what its batch holds, not every source configured.
#include <gtest/gtest.h>

#include <string>

#include "db/leases_internal.h"
#include "tests/db/store_fixture.h"

namespace meetleak::testing {
namespace {

class TakeIndexTest : public StoreTest {
 protected:
  // The plan PostgreSQL makes for `sql` when told to avoid reading whole
  // tables: an index it names is one the query can use.
  std::string Plan(const std::string& sql) {
    std::string why;
    PostgresServer* server = PostgresServer::Shared(&why);
    if (server == nullptr) {
      ADD_FAILURE() << why;
      return "";
    }
    Result<std::string> plan = server->Psql(pg_name_, "SET enable_seqscan = off; EXPLAIN " + sql);
    EXPECT_OK(plan);
    return plan.ok() ? *plan : "";
  }
};

// The index's expression is the take's, character for character: a
// changed MEETLEAK_URL_HOST needs a migration, or every take reads every
// source again.
TEST_P(TakeIndexTest, AHostsSourcesAreReadThroughTheHostIndex) {
  if (sqlite()) return;
  const std::string plan = Plan("SELECT id FROM source WHERE active = 1 AND " MEETLEAK_URL_HOST
                                " = ANY (ARRAY['h0.example', 'h1.example'])");
  EXPECT_NE(plan.find("source_host"), std::string::npos) << plan;
}

TEST_P(TakeIndexTest, TheNeverPolledSourcesAreReadInUrlOrderThroughTheirIndex) {
  if (sqlite()) return;
  const std::string plan =
      Plan("SELECT id FROM source WHERE active = 1 AND next_due IS NULL ORDER BY url, id LIMIT 10");
  EXPECT_NE(plan.find("source_unpolled"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("Sort"), std::string::npos) << "read in order, not sorted: " << plan;
}

TEST_P(TakeIndexTest, ThePolledDueSourcesAreReadMostDueFirstThroughTheirIndex) {
  if (sqlite()) return;
  const std::string plan = Plan(
      "SELECT id FROM source WHERE active = 1 AND next_due <= 100 ORDER BY next_due, url LIMIT 10");
  EXPECT_NE(plan.find("source_due_order"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("Sort"), std::string::npos) << "read in order, not sorted: " << plan;
}

// A database of schema version 8, the one before (this one with version
// 9's changes undone), migrates with its sources and their fetch state;
// on PostgreSQL the take's indexes replace source_due.
TEST_P(TakeIndexTest, AVersion8DatabaseMigratesKeepingItsSources) {
  ASSERT_OK(store_->SyncSources(
      {{"https://a.example/one", "page", 3600}, {"https://b.example/two", "feed", 900}}));
  LeakStore::SourceResult polled;
  polled.url = "https://a.example/one";
  polled.status = 200;
  ASSERT_OK(store_->WriteSourceResult(polled));
  store_.reset();
  RawSql("PRAGMA user_version = 8;",
         "DROP INDEX source_unpolled; DROP INDEX source_due_order; DROP INDEX source_host; "
         "CREATE INDEX source_due ON source (active, next_due); "
         "UPDATE meta SET value = '8' WHERE key = 'schema_version';");
  Reopen();
  Result<std::vector<LeakStore::SourceRow>> sources = store_->ListSources();
  ASSERT_OK(sources);
  ASSERT_EQ(sources->size(), 2u);
  for (const LeakStore::SourceRow& row : *sources) {
    const bool was_polled = row.url == "https://a.example/one";
    EXPECT_EQ(row.last_status, was_polled ? 200 : 0) << row.url;
    EXPECT_EQ(row.next_due.has_value(), was_polled) << row.url;
  }
  if (sqlite()) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(db_path().c_str(), &db), SQLITE_OK);
    sqlite3_stmt* version = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &version, nullptr), SQLITE_OK);
    ASSERT_EQ(sqlite3_step(version), SQLITE_ROW);
    EXPECT_EQ(sqlite3_column_int(version, 0), LeakStore::kSchemaVersion);
    sqlite3_finalize(version);
    sqlite3_close(db);
    return;
  }
  std::string why;
  Result<std::string> indexes = PostgresServer::Shared(&why)->Psql(
      pg_name_,
      "SELECT string_agg(indexname, ' ' ORDER BY indexname) FROM pg_indexes "
      "WHERE tablename = 'source' AND indexname LIKE 'source\\_%' AND indexname NOT LIKE "
      "'%key' AND indexname <> 'source_pkey'");
  ASSERT_OK(indexes);
  EXPECT_EQ(*indexes, "source_due_order source_host source_unpolled\n");
  EXPECT_NE(Plan("SELECT id FROM source WHERE active = 1 AND next_due IS NULL ORDER BY url, id "
                 "LIMIT 10")
                .find("source_unpolled"),
            std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, TakeIndexTest, BothBackends(), BackendName);

}  // namespace
}  // namespace meetleak::testing
