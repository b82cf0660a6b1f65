// What the store keeps for `meetleak fix`: the keyed hashes of published
// passcodes (never a value), the fixes with their audit trail, Zoom's
// per-user and meetleak's per-meeting budgets, the reopening rule of a
// fixed leak, and the version 7 migration of a version 6 database.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "db/schema.h"
#include "tests/db/store_fixture.h"

namespace meetleak::testing {
namespace {

constexpr char kPage[] = "https://example.org/events/1";
constexpr char kId[] = "85512345678";

class PasscodeFixTest : public StoreTest {
 protected:
  LeakStore::Sighting WithPasscode(const std::string& value,
                                   Severity severity = Severity::kCritical,
                                   LinkType link = LinkType::kJoin) {
    LeakStore::Sighting s = CompanySighting(kId, severity);
    s.ref.link_type = link;
    s.ref.has_start_token = link == LinkType::kStart;
    s.ref.has_passcode = !value.empty();
    if (!value.empty())
      s.ref.passcode_digests.push_back(store_->PasscodeDigester()("encrypted_password", value));
    return s;
  }
  std::vector<std::string> Kinds(std::int64_t id) {
    std::vector<std::string> out;
    Result<std::vector<LeakStore::LeakEvent>> events = store_->LeakEvents(id);
    EXPECT_OK(events);
    for (const auto& e : *events) out.push_back(e.kind + "/" + e.actor + ": " + e.note);
    return out;
  }
  void Fix(std::int64_t id, int covers) {
    ASSERT_OK(store_->RecordFix({.leak_id = id,
                                 .user = "ana@acme.example",
                                 .meeting_id = kId,
                                 .calls = {std::string("PATCH /meetings/") + kId},
                                 .covers = covers,
                                 .note = "passcode changed, waiting room on (HTTP 204)",
                                 .resolved = true}));
  }
};

TEST_P(PasscodeFixTest, TheDigestIsKeyedPerDatabaseAndPerFieldAndIgnoresTheLinkVersion) {
  const PasscodeDigest d = store_->PasscodeDigester();
  EXPECT_EQ(d("encrypted_password", "EncSeCrEt99"), d("encrypted_password", "EncSeCrEt99.1"));
  EXPECT_NE(d("encrypted_password", "EncSeCrEt99"), d("password", "EncSeCrEt99"));
  EXPECT_EQ(d("password", "x").size(), 64u);
  TempDir other_dir;
  Result<std::unique_ptr<LeakStore>> other =
      LeakStore::Open((other_dir.path() / "o.db").string(), &clock_);
  ASSERT_OK(other);
  EXPECT_NE((*other)->PasscodeDigester()("password", "x"), d("password", "x"))
      << "another database, another key";
  Reopen();
  EXPECT_EQ(store_->PasscodeDigester()("password", "x"), d("password", "x")) << "the key is kept";
}

TEST_P(PasscodeFixTest, ALeakKeepsTheDigestsOfEveryPasscodeSeenButNeverTheValue) {
  Write({Fetched(kPage, {WithPasscode("PubLishedOne77")})});
  Advance(60);
  Write({Fetched(kPage, {WithPasscode("PubLishedTwo88")})});
  Advance(60);
  Write({Fetched(kPage, {WithPasscode("PubLishedOne77")})});
  const PasscodeDigest d = store_->PasscodeDigester();
  EXPECT_EQ(Leak(kId).passcode_digests,
            (std::vector<std::string>{d("encrypted_password", "PubLishedOne77"),
                                      d("encrypted_password", "PubLishedTwo88")}));
  // Read while the store is open: closing it would checkpoint the WAL away.
  const std::string bytes = StoredBytes();
  EXPECT_EQ(bytes.find("PubLishedOne77"), std::string::npos);
  EXPECT_EQ(bytes.find("PubLishedTwo88"), std::string::npos);
}

TEST_P(PasscodeFixTest, AFixResolvesTheLeakWithItsAuditTrailAndANotice) {
  Write({Fetched(kPage, {WithPasscode("PubLishedOne77")})});
  const std::int64_t id = Leak(kId).id;
  ASSERT_OK(store_->MarkNotified({id}));
  Fix(id, kFixCoversPasscode);
  const LeakStore::LeakRow row = Leak(kId);
  EXPECT_EQ(row.status, LeakStatus::kResolved);
  EXPECT_EQ(row.note, "fixed through Zoom's API");
  EXPECT_EQ(row.fix_covers, kFixCoversPasscode);
  EXPECT_EQ(Kinds(id),
            (std::vector<std::string>{"fixed/zoom: passcode changed, waiting room on (HTTP 204)",
                                      "resolved/zoom: fixed through Zoom's API"}));
  Result<std::vector<LeakStore::LeakRow>> due = store_->LeaksToNotify();
  ASSERT_OK(due);
  ASSERT_EQ(due->size(), 1u) << "the owner's next digest tells of the fix";
  EXPECT_EQ((*due)[0].id, id);
  EXPECT_EQ(store_->RecordFix({.leak_id = 999}).code(), Status::Code::kNotFound);
}

TEST_P(PasscodeFixTest, AFailedHalfOfAFixIsRecordedWithoutResolving) {
  Write({Fetched(kPage, {WithPasscode("PubLishedOne77")})});
  const std::int64_t id = Leak(kId).id;
  ASSERT_OK(store_->RecordFix({.leak_id = id,
                               .user = "ana@acme.example",
                               .meeting_id = "5012345678",
                               .calls = {"PATCH /users/ana@acme.example"},
                               .note = "new PMI set; the PMI passcode call failed: HTTP 400",
                               .resolved = false}));
  EXPECT_EQ(Leak(kId).status, LeakStatus::kOpen);
  EXPECT_EQ(Kinds(id).size(), 1u);
}

TEST_P(PasscodeFixTest, BudgetsCountEveryCallPerUserSinceAndPerMeeting) {
  Write({Fetched(kPage, {WithPasscode("PubLishedOne77")})});
  const std::int64_t id = Leak(kId).id;
  const Clock::TimePoint before = clock_.Now();
  Result<std::optional<Clock::TimePoint>> none = store_->LastZoomUpdate(kId);
  ASSERT_OK(none);
  EXPECT_FALSE(none->has_value());
  Advance(10);
  Fix(id, kFixCoversPasscode);
  Result<int> n = store_->ZoomUpdatesSince("ANA@acme.example", before);
  ASSERT_OK(n);
  EXPECT_EQ(*n, 1) << "users compare without case";
  Result<int> later =
      store_->ZoomUpdatesSince("ana@acme.example", clock_.Now() + std::chrono::seconds(1));
  ASSERT_OK(later);
  EXPECT_EQ(*later, 0);
  Result<std::optional<Clock::TimePoint>> last = store_->LastZoomUpdate(kId);
  ASSERT_OK(last);
  ASSERT_TRUE(last->has_value());
  EXPECT_EQ(**last - before, std::chrono::seconds(10));
}

TEST_P(PasscodeFixTest, TheOldLinkStillOnThePageDoesNotReopenAFixedLeak) {
  Write({Fetched(kPage, {WithPasscode("PubLishedOne77")})});
  Fix(Leak(kId).id, kFixCoversPasscode);
  Advance(3600);
  Write({Fetched(kPage, {WithPasscode("PubLishedOne77")})});
  EXPECT_EQ(Leak(kId).status, LeakStatus::kResolved);
}

TEST_P(PasscodeFixTest, AStartLinkAfterAPasscodeFixReopensIt) {
  Write({Fetched(kPage, {WithPasscode("PubLishedOne77")})});
  const std::int64_t id = Leak(kId).id;
  Fix(id, kFixCoversPasscode);
  Advance(3600);
  Write({Fetched(kPage, {WithPasscode("PubLishedOne77", Severity::kCritical, LinkType::kStart)})});
  const LeakStore::LeakRow row = Leak(kId);
  EXPECT_EQ(row.status, LeakStatus::kOpen);
  EXPECT_EQ(row.fix_covers, 0) << "a reopened leak is no longer covered by its fix";
  EXPECT_EQ(Kinds(id).back(),
            "reopened/meetleak: seen again with a host start link, which the fix through Zoom's "
            "API did not cover");
}

TEST_P(PasscodeFixTest, AStartLinkFixCoversALaterStartLink) {
  Write({Fetched(kPage, {WithPasscode("", Severity::kCritical, LinkType::kStart)})});
  Fix(Leak(kId).id, kFixCoversPasscode | kFixCoversStartLink);
  Advance(3600);
  Write({Fetched(kPage, {WithPasscode("", Severity::kCritical, LinkType::kStart)})});
  EXPECT_EQ(Leak(kId).status, LeakStatus::kResolved);
}

TEST_P(PasscodeFixTest, ANewPasscodePublishedAfterTheFixReopensIt) {
  Write({Fetched(kPage, {WithPasscode("PubLishedOne77")})});
  const std::int64_t id = Leak(kId).id;
  Fix(id, kFixCoversPasscode);
  Advance(3600);
  Write({Fetched(kPage, {WithPasscode("TheNewOne55")})});
  EXPECT_EQ(Leak(kId).status, LeakStatus::kOpen);
  EXPECT_EQ(Kinds(id).back(),
            "reopened/meetleak: seen again with a passcode not published before the fix through "
            "Zoom's API");
}

TEST_P(PasscodeFixTest, AMoreSevereSightingReopensAFixedJoinLink) {
  Write({Fetched(kPage, {WithPasscode("", Severity::kHigh)})});
  Fix(Leak(kId).id, kFixCoversPasscode);
  Write({Fetched(kPage, {WithPasscode("PubLishedOne77", Severity::kCritical)})});
  EXPECT_EQ(Leak(kId).status, LeakStatus::kOpen);
}

// A database as version 6 left it: its leaks keep their rows, with no
// passcode digest (a fix waits for their next sighting) and no fix.
TEST(PasscodeFixMigrationTest, Version6LeaksMigrateWithoutDigests) {
  TempDir dir;
  FakeClock clock;
  const std::string path = (dir.path() / "v6.db").string();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  std::string sql;
  for (int v = 0; v < 6; ++v) sql += std::string(db::Migrations()[v].sql);
  sql += "PRAGMA application_id = " + std::to_string(db::kApplicationId) +
         "; PRAGMA user_version = 6;"
         "INSERT INTO document (id, url, source_url) VALUES (1, 'https://a.example/p', "
         "'https://a.example/p');"
         "INSERT INTO leak (id, key_kind, key, page_url, document_id, host, form, link_type, "
         "has_passcode, severity, status, owner, meeting_kind, source_url, first_seen, "
         "last_seen) VALUES (1, 'meeting_id', '85512345678', 'https://a.example/p', 1, '', "
         "'url', 'join', 1, 4, 'open', 'a@acme.example', 'scheduled', 'https://a.example/p', "
         "1, 2);"
         "INSERT INTO leak_event (leak_id, at, kind, actor, note) VALUES (1, 1, 'note', "
         "'owner', 'kept');";
  char* err = nullptr;
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << err;
  sqlite3_close(db);

  Result<std::unique_ptr<LeakStore>> store = LeakStore::Open(path, &clock);
  ASSERT_OK(store);
  Result<std::optional<LeakStore::LeakRow>> row = (*store)->GetLeak(1);
  ASSERT_OK(row);
  ASSERT_TRUE(row->has_value());
  EXPECT_TRUE((*row)->has_passcode);
  EXPECT_TRUE((*row)->passcode_digests.empty());
  EXPECT_EQ((*row)->fix_covers, 0);
  Result<std::vector<LeakStore::LeakEvent>> events = (*store)->LeakEvents(1);
  ASSERT_OK(events);
  EXPECT_EQ(events->size(), 1u);
  Result<int> n = (*store)->ZoomUpdatesSince("a@acme.example", Clock::TimePoint());
  ASSERT_OK(n);
  EXPECT_EQ(*n, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, PasscodeFixTest, BothBackends(), BackendName);

}  // namespace
}  // namespace meetleak::testing
