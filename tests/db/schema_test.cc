// Opening: creation 0600, pragmas, migrations, refusal of newer or foreign DBs.
#include "db/schema.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>

#include "db/store.h"
#include "tests/db/store_fixture.h"

namespace meetleak::testing {
namespace {

// Runs `sql` on `path` through a plain connection; returns the first column
// of the first row as text ("" when there is none).
std::string Sql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  std::string out;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sql;
  int rc = sqlite3_step(stmt);
  if (rc == SQLITE_ROW && sqlite3_column_text(stmt, 0))
    out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  EXPECT_TRUE(rc == SQLITE_ROW || rc == SQLITE_DONE) << sqlite3_errmsg(db);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

mode_t ModeOf(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 0777;
}

TEST(SchemaTest, MigratesAnEmptyFileToTheLatestVersion) {
  TempDir dir;
  FakeClock clock;
  const std::string path = (dir.path() / "new.db").string();
  Result<std::unique_ptr<LeakStore>> store = LeakStore::Open(path, &clock);
  ASSERT_OK(store);
  EXPECT_EQ(Sql(path, "PRAGMA user_version"), std::to_string(LeakStore::kSchemaVersion));
  EXPECT_EQ(Sql(path, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(Sql(path, "SELECT count(*) FROM sqlite_schema WHERE name = 'leak'"), "1");
  EXPECT_EQ(Sql(path, "PRAGMA integrity_check"), "ok");
  EXPECT_OK((*store)->CheckIntegrity());
}

TEST(SchemaTest, ReopeningKeepsTheDataAndTheVersion) {
  TempDir dir;
  FakeClock clock;
  const std::string path = (dir.path() / "m.db").string();
  {
    Result<std::unique_ptr<LeakStore>> store = LeakStore::Open(path, &clock);
    ASSERT_OK(store);
    ASSERT_OK((*store)->SetMeta("inventory:meetings.csv", "abc"));
  }
  Result<std::unique_ptr<LeakStore>> store = LeakStore::Open(path, &clock);
  ASSERT_OK(store);
  Result<std::optional<std::string>> v = (*store)->GetMeta("inventory:meetings.csv");
  ASSERT_OK(v);
  EXPECT_EQ(v->value_or(""), "abc");
  EXPECT_EQ(Sql(path, "PRAGMA user_version"), std::to_string(LeakStore::kSchemaVersion));
}

TEST(SchemaTest, RefusesADatabaseFromANewerMeetleak) {
  TempDir dir;
  FakeClock clock;
  const std::string path = (dir.path() / "future.db").string();
  { ASSERT_OK(LeakStore::Open(path, &clock)); }
  Sql(path, "PRAGMA user_version = 99");
  Result<std::unique_ptr<LeakStore>> store = LeakStore::Open(path, &clock);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Status::Code::kTooNew);
  const std::string& msg = store.status().message();
  EXPECT_NE(msg.find(path), std::string::npos) << msg;
  EXPECT_NE(msg.find("99"), std::string::npos) << msg;
  EXPECT_NE(msg.find("version " + std::to_string(LeakStore::kSchemaVersion)), std::string::npos)
      << msg;
  EXPECT_EQ(Sql(path, "PRAGMA user_version"), "99");  // untouched
}

TEST(SchemaTest, RefusesAnSqliteFileThatIsNotMeetleaks) {
  TempDir dir;
  FakeClock clock;
  const std::string path = (dir.path() / "other.db").string();
  Sql(path, "CREATE TABLE photos (id INTEGER PRIMARY KEY)");
  Result<std::unique_ptr<LeakStore>> store = LeakStore::Open(path, &clock);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Status::Code::kInvalidInput);
  EXPECT_NE(store.status().message().find("not a meetleak database"), std::string::npos);
  EXPECT_EQ(Sql(path, "SELECT count(*) FROM sqlite_schema"), "1");  // untouched
}

TEST(SchemaTest, RefusesAFileThatIsNotSqlite) {
  TempDir dir;
  FakeClock clock;
  const std::filesystem::path path = dir.Write("notes.db", std::string(4096, 'x'));
  Result<std::unique_ptr<LeakStore>> store = LeakStore::Open(path.string(), &clock);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find(path.string()), std::string::npos)
      << store.status().ToString();
}

TEST(SchemaTest, FilesAreCreatedOwnerOnlyWhateverTheUmask) {
  TempDir dir;
  FakeClock clock;
  const std::string path = (dir.path() / "private.db").string();
  const mode_t old = ::umask(0);
  Result<std::unique_ptr<LeakStore>> store = LeakStore::Open(path, &clock);
  ::umask(old);
  ASSERT_OK(store);
  ASSERT_OK((*store)->SetMeta("k", "v"));  // a write: the -wal exists now
  EXPECT_EQ(ModeOf(path), 0600u);
  EXPECT_EQ(ModeOf(path + "-wal"), 0600u);
  EXPECT_EQ(ModeOf(path + "-shm"), 0600u);
}

// A database as version 1 left it: one fetched document, whose candidate
// keys version 1 never kept.
void WriteVersion1Fixture(const std::string& path) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  const std::string sql =
      std::string(db::Migrations()[0].sql) +
      "PRAGMA application_id = " + std::to_string(db::kApplicationId) +
      "; PRAGMA user_version = 1;"
      "INSERT INTO document (url, source_url, etag, last_fetched, last_status) "
      "VALUES ('https://a.example/p', 'https://a.example/p', '\"v1\"', 1, 200);";
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << err;
  sqlite3_free(err);
  sqlite3_close(db);
}

TEST(SchemaTest, Version1MigratesAndItsDocumentsAreRefetchedOnAnAddedKey) {
  TempDir dir;
  FakeClock clock;
  const std::string path = (dir.path() / "v1.db").string();
  WriteVersion1Fixture(path);
  Result<std::unique_ptr<LeakStore>> store = LeakStore::Open(path, &clock);
  ASSERT_OK(store);
  EXPECT_EQ(Sql(path, "PRAGMA user_version"), std::to_string(LeakStore::kSchemaVersion));
  Result<std::optional<LeakStore::FetchState>> before =
      (*store)->GetFetchState("https://a.example/p");
  ASSERT_OK(before);
  ASSERT_TRUE(before->has_value());
  EXPECT_EQ((*before)->etag, "\"v1\"");
  EXPECT_FALSE((*before)->refetch);
  ASSERT_OK(
      (*store)->ReplaceInventory(std::vector<InventoryMeeting>{{"85512345678", "ana@acme.example",
                                                                "", MeetingKind::kScheduled}},
                                 std::nullopt));
  Result<std::optional<LeakStore::FetchState>> after =
      (*store)->GetFetchState("https://a.example/p");
  ASSERT_OK(after);
  EXPECT_TRUE((*after)->refetch) << "its candidates are unknown: it may hold the new key";
}

TEST(SchemaTest, RefusesPathsThatAreNotFiles) {
  FakeClock clock;
  EXPECT_EQ(LeakStore::Open("", &clock).status().code(), Status::Code::kInvalidInput);
  EXPECT_EQ(LeakStore::Open(":memory:", &clock).status().code(), Status::Code::kInvalidInput);
}

}  // namespace
}  // namespace meetleak::testing
