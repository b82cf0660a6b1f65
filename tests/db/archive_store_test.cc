// Web archives in the store: archive sightings open unknown leaks at their
// capture time and only record themselves on known ones; each file's
// progress; watch sources; and the version 6 migration of a version 5 DB.
#include <sqlite3.h>

#include <string>
#include <vector>

#include "db/schema.h"
#include "tests/db/store_fixture.h"

namespace meetleak::testing {
namespace {

using TimePoint = Clock::TimePoint;

const TimePoint kCaptured{std::chrono::seconds(1714558830)};  // 2024-05-01T10:20:30Z
const LeakStore::ArchiveFile kFile{"CC-MAIN-2024-18-00001.warc.gz", 123456, "ab12"};

LeakStore::ArchiveSighting AtCapture(const std::string& id, const std::string& page,
                                     TimePoint captured = kCaptured,
                                     Severity severity = Severity::kHigh) {
  return {CompanySighting(id, severity), page, captured};
}

class ArchiveStoreTest : public StoreTest {
 protected:
  LeakStore::ArchiveWriteResult Archive(const std::vector<LeakStore::ArchiveSighting>& s,
                                        LeakStore::ArchiveProgress progress = {1, false},
                                        const LeakStore::ArchiveFile& file = kFile) {
    Result<LeakStore::ArchiveWriteResult> r = store_->WriteArchive(file, s, progress);
    EXPECT_OK(r);
    return r.ok() ? *r : LeakStore::ArchiveWriteResult{};
  }
  std::vector<std::string> ArchiveEvents(std::int64_t id) {
    Result<std::vector<LeakStore::LeakEvent>> events = store_->LeakEvents(id);
    EXPECT_OK(events);
    std::vector<std::string> out;
    for (const auto& e : *events)
      if (e.kind == "archive")
        out.push_back(FormatIso8601(e.at.value_or(TimePoint())) + " " + e.note);
    return out;
  }
};

TEST_P(ArchiveStoreTest, AnUnknownLeakOpensAtItsCaptureTimeUnderTheArchive) {
  LeakStore::ArchiveWriteResult w = Archive({AtCapture("85512345678", "https://blog.example/p")});
  EXPECT_EQ(w.new_leaks, 1);
  EXPECT_EQ(w.open, 1);
  LeakStore::LeakRow leak = Leak("85512345678");
  EXPECT_EQ(ToString(leak.status), "open");
  EXPECT_EQ(leak.page_url, "https://blog.example/p");
  EXPECT_EQ(leak.source_url, "warc:CC-MAIN-2024-18-00001.warc.gz");
  EXPECT_EQ(FormatIso8601(leak.first_seen), "2024-05-01T10:20:30Z");
  EXPECT_EQ(FormatIso8601(leak.last_seen), "2024-05-01T10:20:30Z");
  EXPECT_EQ(ArchiveEvents(leak.id),
            std::vector<std::string>{
                "2024-05-01T10:20:30Z captured in warc:CC-MAIN-2024-18-00001.warc.gz"});
  Result<std::vector<LeakStore::LeakRow>> to_notify = store_->LeaksToNotify();
  ASSERT_OK(to_notify);
  EXPECT_EQ(to_notify->size(), 1u) << "its owner is told, as of any new leak";
}

TEST_P(ArchiveStoreTest, AKnownLeakKeepsItsStatusSeverityAndDates) {
  Write({Fetched("https://blog.example/p", {CompanySighting("85512345678", Severity::kHigh)})});
  ASSERT_OK(store_->SetLeakStatus(Leak("85512345678").id, LeakStatus::kResolved, "fixed"));
  Write({Fetched("https://blog.example/gone", {CompanySighting("85512340000")})});
  Write({Fetched("https://blog.example/gone", {})});  // → gone
  const LeakStore::LeakRow resolved = Leak("85512345678"), gone = Leak("85512340000");
  ASSERT_EQ(ToString(gone.status), "gone");
  Advance(3600);
  // More severe, and later and earlier than what is stored: nothing moves.
  LeakStore::ArchiveWriteResult w =
      Archive({AtCapture("85512345678", "https://blog.example/p", kCaptured, Severity::kCritical),
               AtCapture("85512340000", "https://blog.example/gone",
                         TimePoint(std::chrono::seconds(1900000000)))});
  EXPECT_EQ(w.new_leaks, 0);
  EXPECT_EQ(w.sightings, 2);
  EXPECT_EQ(w.open, 0);
  for (const auto& [before, after] :
       {std::pair{resolved, Leak("85512345678")}, std::pair{gone, Leak("85512340000")}}) {
    EXPECT_EQ(after.status, before.status);
    EXPECT_EQ(after.severity, before.severity);
    EXPECT_EQ(after.first_seen, before.first_seen);
    EXPECT_EQ(after.last_seen, before.last_seen);
    EXPECT_EQ(after.reopened_at, before.reopened_at);
    EXPECT_EQ(after.sightings, before.sightings);
    EXPECT_EQ(after.source_url, before.source_url);
    EXPECT_EQ(ArchiveEvents(after.id).size(), 1u) << "the sighting is recorded with it";
  }
}

TEST_P(ArchiveStoreTest, ReadingAFileAgainStoresNothingTwice) {
  const std::vector<LeakStore::ArchiveSighting> s = {
      AtCapture("85512345678", "https://blog.example/p"),
      AtCapture("85512345678", "https://blog.example/p", kCaptured + std::chrono::hours(1))};
  EXPECT_EQ(Archive(s).sightings, 2);
  LeakStore::ArchiveWriteResult again = Archive(s);
  EXPECT_EQ(again.new_leaks, 0);
  EXPECT_EQ(again.sightings, 0);
  Result<std::vector<LeakStore::LeakRow>> all = store_->ListLeaks({});
  ASSERT_OK(all);
  EXPECT_EQ(all->size(), 1u);
  EXPECT_EQ(ArchiveEvents(Leak("85512345678").id).size(), 2u);
}

TEST_P(ArchiveStoreTest, AnAllowedReferenceOpensAnAllowedLeak) {
  LeakStore::ArchiveSighting s = AtCapture("85512345678", "https://blog.example/p");
  s.sighting = CompanySighting("85512345678", Severity::kHigh, /*allowed=*/true);
  EXPECT_EQ(Archive({s}).open, 0);
  EXPECT_EQ(ToString(Leak("85512345678").status), "allowed");
}

TEST_P(ArchiveStoreTest, ProgressIsKeyedByNameSizeAndHeadHash) {
  Result<LeakStore::ArchiveProgress> none = store_->GetArchiveProgress(kFile);
  ASSERT_OK(none);
  EXPECT_EQ(none->records, 0u);
  EXPECT_FALSE(none->done);
  Archive({}, {40, false});
  Archive({}, {90, true});
  Reopen();
  Result<LeakStore::ArchiveProgress> p = store_->GetArchiveProgress(kFile);
  ASSERT_OK(p);
  EXPECT_EQ(p->records, 90u);
  EXPECT_TRUE(p->done);
  LeakStore::ArchiveFile grown = kFile;
  grown.size += 1;
  Result<LeakStore::ArchiveProgress> other = store_->GetArchiveProgress(grown);
  ASSERT_OK(other);
  EXPECT_FALSE(other->done) << "a file that changed is another file";
}

TEST_P(ArchiveStoreTest, WatchSourcesOutliveConfigSyncsAndGoOnUnwatch) {
  ASSERT_OK(store_->SyncSources({{"https://conf.example/feed", "feed", 900}}));
  Result<bool> added = store_->AddWatchSource("https://blog.example/p?pwd=secret");
  ASSERT_OK(added);
  EXPECT_TRUE(*added);
  Result<bool> twice = store_->AddWatchSource("https://conf.example/feed");
  ASSERT_OK(twice);
  EXPECT_FALSE(*twice) << "a configured source stays configured";
  ASSERT_OK(store_->SyncSources({}));
  Result<std::vector<LeakStore::SourceRow>> rows = store_->DueSources();
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].kind, "watch");
  EXPECT_EQ((*rows)[0].url.find("secret"), std::string::npos) << "stored redacted";
  Result<bool> conf = store_->RemoveWatchSource("https://conf.example/feed");
  ASSERT_OK(conf);
  EXPECT_FALSE(*conf);
  Result<bool> removed = store_->RemoveWatchSource("https://blog.example/p?pwd=secret");
  ASSERT_OK(removed);
  EXPECT_TRUE(*removed);
  rows = store_->ListSources();
  ASSERT_OK(rows);
  EXPECT_EQ(rows->size(), 1u);
}

// A database as version 5 left it, with a leak and its history: version 6
// keeps both and adds the archive tables.
TEST(ArchiveMigrationTest, Version5MigratesWithItsLeaksAndHistory) {
  TempDir dir;
  FakeClock clock;
  const std::string path = (dir.path() / "v5.db").string();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  std::string sql;
  for (int v = 0; v < 5; ++v) sql += std::string(db::Migrations()[v].sql);
  sql += "PRAGMA application_id = " + std::to_string(db::kApplicationId) +
         "; PRAGMA user_version = 5;"
         "INSERT INTO document (id, url, source_url) VALUES (1, 'https://a.example/p', "
         "'https://a.example/p');"
         "INSERT INTO leak (id, key_kind, key, page_url, document_id, host, form, link_type, "
         "has_passcode, severity, status, owner, meeting_kind, source_url, first_seen, "
         "last_seen) VALUES (7, 'meeting_id', '85512345678', 'https://a.example/p', 1, '', "
         "'url', 'join', 0, 3, 'acknowledged', 'a@acme.example', 'scheduled', "
         "'https://a.example/p', 1, 2);"
         "INSERT INTO leak_event (leak_id, at, kind, actor, note) VALUES (7, 5, "
         "'acknowledged', 'owner', 'on it');";
  char* err = nullptr;
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << err;
  sqlite3_close(db);

  Result<std::unique_ptr<LeakStore>> store = LeakStore::Open(path, &clock);
  ASSERT_OK(store);
  Result<std::optional<LeakStore::LeakRow>> leak = (*store)->GetLeak(7);
  ASSERT_OK(leak);
  ASSERT_TRUE(leak->has_value());
  EXPECT_EQ(ToString((*leak)->status), "acknowledged");
  Result<std::vector<LeakStore::LeakEvent>> events = (*store)->LeakEvents(7);
  ASSERT_OK(events);
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].note, "on it");
  Result<LeakStore::ArchiveWriteResult> w =
      (*store)->WriteArchive(kFile, {AtCapture("85512345678", "https://a.example/p")}, {3, true});
  ASSERT_OK(w);
  EXPECT_EQ(w->sightings, 1);
  Result<LeakStore::ArchiveProgress> p = (*store)->GetArchiveProgress(kFile);
  ASSERT_OK(p);
  EXPECT_TRUE(p->done);
}

INSTANTIATE_TEST_SUITE_P(Backends, ArchiveStoreTest, BothBackends(), BackendName);

}  // namespace
}  // namespace meetleak::testing
