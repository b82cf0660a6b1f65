// Schema version 3: a database of version 2, whose URLs were stored as
// given, is re-redacted at open, keeps no old copy in its file or WAL, and
// still works (rows that became equal merged, documents still their
// sources').
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <string>
#include <vector>

#include "db/schema.h"
#include "db/store.h"
#include "matchers/matcher.h"
#include "tests/db/store_fixture.h"

namespace meetleak::testing {
namespace {

const std::vector<std::string> kSecrets = {"TkMigSecret01",  "TkMigSecret02",  "PwdMigSecret03",
                                           "ZakMigSecret04", "ZakMigSecret05", "TkMigSecret06",
                                           "PwdMigSecret07"};
constexpr char kFeed[] = "https://feed.example/f.xml?tk=TkMigSecret01";
constexpr char kZoom[] = "https://acme-corp.zoom.us/j/85512345678?pwd=PwdMigSecret03";
constexpr char kPage[] = "https://feed.example/e?zak=ZakMigSecret04";

// A database as version 2 left it, URLs with secrets in every URL column:
// two sources, two documents and two leaks of one meeting that differ only
// in a token, and a refused Zoom source.
void WriteVersion2Fixture(const std::string& path) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  const std::string feed2 = "https://feed.example/f.xml?tk=TkMigSecret02";
  const std::string page2 = "https://feed.example/e?zak=ZakMigSecret05";
  const std::string sql =
      std::string(db::Migrations()[0].sql) + std::string(db::Migrations()[1].sql) +
      "PRAGMA application_id = " + std::to_string(db::kApplicationId) +
      "; PRAGMA user_version = 2;"
      "INSERT INTO source (id, url, kind, interval_s, active, next_due) VALUES "
      "(1, '" +
      kFeed + "', 'feed', 900, 1, 100), (2, '" + feed2 +
      "', 'feed', 900, 0, NULL),"
      "(3, '" +
      kZoom +
      "', 'auto', 3600, 1, 100);"
      "UPDATE source SET last_error = 'refused: " +
      kZoom +
      "' WHERE id = 3;"
      "INSERT INTO document (id, url, page_url, source_url, etag, last_status, still_linked, "
      "candidate_keys) VALUES "
      "(1, '" +
      kFeed + "', '" + kFeed + "', '" + kFeed +
      "', '\"s\"', 200, 0, x''),"
      "(2, '" +
      kPage + "', '" + kPage + "', '" + kFeed +
      "', '\"a\"', 200, 1, x''),"
      "(3, '" +
      page2 + "', '" + page2 + "', '" + feed2 +
      "', '\"b\"', 200, 0, x''),"
      "(4, '" +
      kZoom + "', '', '" + kZoom +
      "', '', 0, 0, NULL);"
      "UPDATE document SET last_error = 'refused: " +
      kZoom +
      "' WHERE id = 4;"
      "INSERT INTO link (from_id, to_url) VALUES (1, '" +
      kPage + "'), (1, '" + page2 +
      "'),"
      "(1, 'https://feed.example/other?tk=TkMigSecret06');"
      "INSERT INTO leak (id, key_kind, key, page_url, document_id, host, form, link_type, "
      "has_passcode, severity, status, owner, meeting_kind, entry_url, source_url, context, note, "
      "first_seen, last_seen, sightings) VALUES "
      "(1, 'meeting_id', '85512345678', '" +
      kPage +
      "', 2, 'acme-corp.zoom.us', 'url', 'join', "
      "0, 2, 'acknowledged', 'ana@acme.example', 'recurring', '" +
      kPage + "', '" + kFeed +
      "', 'Join https://acme-corp.zoom.us/j/85512345678?pwd=PwdMigSecret07', 'seen by ana', "
      "100, 200, 2),"
      "(2, 'meeting_id', '85512345678', '" +
      page2 +
      "', 3, 'acme-corp.zoom.us', 'url', 'start', "
      "1, 4, 'open', 'ana@acme.example', 'recurring', '', '" +
      feed2 +
      "', '', '', 50, 300, 3),"
      "(3, 'meeting_id', '85512345679', '" +
      page2 +
      "', 3, 'acme-corp.zoom.us', 'url', 'join', "
      "0, 3, 'open', 'ben@acme.example', 'webinar', '', '" +
      feed2 + "', '', '', 60, 300, 1);";
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << err;
  sqlite3_free(err);
  sqlite3_close(db);
}

std::string DatabaseBytes(const std::string& path) {
  std::string bytes = ReadFile(path);
  if (std::filesystem::exists(path + "-wal")) bytes += ReadFile(path + "-wal");
  return bytes;
}

Clock::TimePoint At(int seconds) { return Clock::TimePoint(std::chrono::seconds(seconds)); }

TEST(RedactMigrationTest, Version2UrlsAreRedactedAndTheFileKeepsNoOldCopy) {
  TempDir dir;
  FakeClock clock;
  const std::string path = (dir.path() / "v2.db").string();
  WriteVersion2Fixture(path);
  for (const std::string& secret : kSecrets)
    ASSERT_NE(DatabaseBytes(path).find(secret), std::string::npos) << "fixture lacks " << secret;

  Result<std::unique_ptr<LeakStore>> store = LeakStore::Open(path, &clock);
  ASSERT_OK(store);
  const std::string bytes = DatabaseBytes(path);
  for (const std::string& secret : kSecrets)
    EXPECT_EQ(bytes.find(secret), std::string::npos) << secret << " is still in the file or WAL";
  Result<std::optional<std::string>> pending = (*store)->GetMeta("scrub_pending");
  ASSERT_OK(pending);
  EXPECT_FALSE(pending->has_value()) << "the scrub (VACUUM, WAL truncated) did not finish";
  EXPECT_OK((*store)->CheckIntegrity());

  Result<std::vector<LeakStore::SourceRow>> sources = (*store)->ListSources();
  ASSERT_OK(sources);
  ASSERT_EQ(sources->size(), 2u) << "the two feed sources are one";
  for (const LeakStore::SourceRow& s : *sources) {
    EXPECT_TRUE(s.url == RedactSecrets(kFeed) || s.url == RedactSecrets(kZoom)) << s.url;
    EXPECT_TRUE(s.active);
  }

  // The merged leak: the oldest keeps its status and note, and takes the
  // widest dates, every sighting, the highest severity, the passcode.
  Result<std::vector<LeakStore::LeakRow>> leaks = (*store)->ListLeaks({});
  ASSERT_OK(leaks);
  ASSERT_EQ(leaks->size(), 2u);
  const LeakStore::LeakRow& merged = (*leaks)[0].key == "85512345678" ? (*leaks)[0] : (*leaks)[1];
  EXPECT_EQ(merged.id, 1);
  EXPECT_EQ(ToString(merged.status), "acknowledged");
  EXPECT_EQ(merged.note, "seen by ana");
  EXPECT_EQ(merged.first_seen, At(50));
  EXPECT_EQ(merged.last_seen, At(300));
  EXPECT_EQ(merged.sightings, 5);
  EXPECT_EQ(merged.severity, Severity::kCritical);
  EXPECT_TRUE(merged.has_passcode);
  EXPECT_EQ(merged.page_url, RedactSecrets(kPage));
  EXPECT_EQ(merged.source_url, RedactSecrets(kFeed));

  // The job goes on: the page is the feed's, watched, and read in full next.
  Result<std::vector<std::string>> watch =
      (*store)->WatchList("https://feed.example/f.xml?tk=LiveToken");
  ASSERT_OK(watch);
  EXPECT_EQ(*watch, std::vector<std::string>{RedactSecrets(kPage)});
  Result<std::optional<LeakStore::FetchState>> state =
      (*store)->GetFetchState("https://feed.example/e?zak=LiveToken");
  ASSERT_OK(state);
  ASSERT_TRUE(state->has_value());
  EXPECT_TRUE((*state)->refetch);
  EXPECT_EQ((*state)->etag, "");
  LeakStore::DocumentWrite page =
      Fetched("https://feed.example/e?zak=LiveToken", {CompanySighting("85512345678")},
              "https://feed.example/f.xml?tk=LiveToken");
  page.body_hash = "h";
  Result<LeakStore::WriteResult> w = (*store)->WriteDocuments({page});
  ASSERT_OK(w);
  EXPECT_EQ(w->new_leaks, 0) << "sighted as the merged leak";
  EXPECT_EQ(w->gone, 1) << "85512345679 is no longer on the page";
  LeakStore::SourceResult done;
  done.url = "https://feed.example/f.xml?tk=LiveToken";
  done.status = 200;
  EXPECT_OK((*store)->WriteSourceResult(done));
  store->reset();
  ASSERT_OK(LeakStore::Open(path, &clock));
}

}  // namespace
}  // namespace meetleak::testing
