// A leak's history (LeakStore::LeakEvents): owner decisions with their notes,
// automatic reopenings with why, allows with their reason, gone, severity
// changes with their reason, events added by other modules (fix), and the
// version 5 migration that keeps what version 4 stored.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>
#include <vector>

#include "db/schema.h"
#include "matchers/inventory.h"
#include "tests/db/store_fixture.h"

namespace meetleak::testing {
namespace {

constexpr char kPage[] = "https://example.org/events/1";

class LeakHistoryTest : public StoreTest {
 protected:
  std::vector<LeakStore::LeakEvent> Events(std::int64_t id) {
    Result<std::vector<LeakStore::LeakEvent>> events = store_->LeakEvents(id);
    EXPECT_OK(events);
    return events.ok() ? *events : std::vector<LeakStore::LeakEvent>{};
  }
  static std::string Line(const LeakStore::LeakEvent& e) {
    return e.kind + "/" + e.actor + ": " + e.note;
  }
  std::vector<std::string> Lines(std::int64_t id) {
    std::vector<std::string> out;
    for (const auto& e : Events(id)) out.push_back(Line(e));
    return out;
  }
};

TEST_P(LeakHistoryTest, OwnerDecisionsAreRecordedWithTheirNotesAndTimes) {
  Write({Fetched(kPage, {CompanySighting("85512345678")})});
  const std::int64_t id = Leak("85512345678").id;
  EXPECT_TRUE(Events(id).empty()) << "a new open leak has no history yet";
  ASSERT_OK(store_->SetLeakStatus(id, LeakStatus::kAcknowledged, "waiting room on"));
  Advance(60);
  ASSERT_OK(store_->SetLeakStatus(id, LeakStatus::kOpen, ""));
  Advance(60);
  ASSERT_OK(store_->SetLeakStatus(id, LeakStatus::kFalsePositive, "a phone number"));
  const std::vector<LeakStore::LeakEvent> events = Events(id);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(Line(events[0]), "acknowledged/owner: waiting room on");
  EXPECT_EQ(Line(events[1]), "reopened/owner: ");
  EXPECT_EQ(Line(events[2]), "false_positive/owner: a phone number");
  ASSERT_TRUE(events[0].at && events[2].at);
  EXPECT_EQ(*events[2].at - *events[0].at, std::chrono::seconds(120));
  EXPECT_EQ(Leak("85512345678").note, "a phone number") << "the last note stays on the leak";
}

TEST_P(LeakHistoryTest, NotesAreStoredRedacted) {
  Write({Fetched(kPage, {CompanySighting("85512345678")})});
  const std::int64_t id = Leak("85512345678").id;
  ASSERT_OK(
      store_->SetLeakStatus(id, LeakStatus::kAcknowledged,
                            "new link https://acme-corp.zoom.us/j/85512345678?pwd=S3cretPass9"));
  for (const auto& e : Events(id)) EXPECT_EQ(e.note.find("S3cretPass9"), std::string::npos);
  EXPECT_EQ(Leak("85512345678").note.find("S3cretPass9"), std::string::npos);
}

TEST_P(LeakHistoryTest, AutomaticReopeningSaysWhy) {
  Write({Fetched(kPage, {CompanySighting("85512345678", Severity::kHigh)})});
  const std::int64_t id = Leak("85512345678").id;
  Advance(60);
  Write({Fetched(kPage, {})});  // gone from the page
  Advance(60);
  Write({Fetched(kPage, {CompanySighting("85512345678", Severity::kHigh)})});
  ASSERT_OK(store_->SetLeakStatus(id, LeakStatus::kResolved, "asked the site"));
  Advance(60);
  Write({Fetched(kPage, {CompanySighting("85512345678", Severity::kCritical)})});
  EXPECT_EQ(Lines(id), (std::vector<std::string>{
                           "gone/meetleak: no longer on the page",
                           "reopened/meetleak: seen again on the page",
                           "resolved/owner: asked the site",
                           "reopened/meetleak: seen again at critical, more severe than when it "
                           "was resolved (high)",
                           "severity/meetleak: high → critical",
                       }));
  EXPECT_EQ(ToString(Leak("85512345678").status), "open");
}

TEST_P(LeakHistoryTest, A404IsNamedAsTheCauseOfGone) {
  Write({Fetched(kPage, {CompanySighting("85512345678")})});
  Write({WithOutcome(kPage, DocumentOutcome::kGone, 404)});
  EXPECT_EQ(Lines(Leak("85512345678").id),
            std::vector<std::string>{"gone/meetleak: the page answered HTTP 404"});
}

TEST_P(LeakHistoryTest, AllowedLeaksKeepTheirReason) {
  Write({Fetched(kPage, {CompanySighting("85512345678", Severity::kHigh, /*allowed=*/true),
                         CompanySighting("85512345679")})});
  EXPECT_EQ(Lines(Leak("85512345678").id),
            std::vector<std::string>{"allowed/config: public webinar series"});
  // An open leak that an [[allow]] entry now covers, then no longer does.
  Write({Fetched(kPage, {CompanySighting("85512345678", Severity::kHigh, true),
                         CompanySighting("85512345679", Severity::kHigh, true)})});
  Write({Fetched(kPage, {CompanySighting("85512345678", Severity::kHigh, true),
                         CompanySighting("85512345679")})});
  EXPECT_EQ(Lines(Leak("85512345679").id),
            (std::vector<std::string>{
                "allowed/config: public webinar series",
                "reopened/meetleak: seen again and no longer allowed by the configuration"}));
}

TEST_P(LeakHistoryTest, SeverityReasonFromZoomIsStoredAndItsChangeRecorded) {
  LeakStore::Sighting open = CompanySighting("85512345678", Severity::kCritical);
  open.ref.classification.severity_reason = "no passcode, no waiting room, join before host on";
  Write({Fetched(kPage, {open})});
  const std::int64_t id = Leak("85512345678").id;
  EXPECT_EQ(Leak("85512345678").severity_reason,
            "no passcode, no waiting room, join before host on");
  LeakStore::Sighting expired = CompanySighting("85512345678", Severity::kLow);
  expired.ref.classification.severity_reason = std::string(kMeetingExpired);
  Write({Fetched(kPage, {expired})});
  EXPECT_EQ(Leak("85512345678").severity, Severity::kLow);
  EXPECT_EQ(Leak("85512345678").severity_reason, "meeting expired");
  EXPECT_EQ(Lines(id),
            std::vector<std::string>{"severity/meetleak: critical → low: meeting expired"});
}

TEST_P(LeakHistoryTest, OtherModulesAddTheirEventsSuchAsAFix) {
  Write({Fetched(kPage, {CompanySighting("85512345678")})});
  const std::int64_t id = Leak("85512345678").id;
  ASSERT_OK(store_->AddLeakEvent(id, "fixed", "zoom",
                                 "new passcode and waiting room on through Zoom's API: HTTP 204"));
  EXPECT_EQ(Lines(id), std::vector<std::string>{"fixed/zoom: new passcode and waiting room on "
                                                "through Zoom's API: HTTP 204"});
  EXPECT_EQ(store_->AddLeakEvent(id + 100, "fixed", "zoom", "").code(), Status::Code::kNotFound);
  Reopen();
  EXPECT_EQ(Events(id).size(), 1u) << "the history is stored, not kept in memory";
}

// A database as version 4 left it, with decided and reopened leaks: the
// migration turns what it kept into history, without dates it never had.
TEST(LeakHistoryMigrationTest, Version4DecisionsBecomeHistory) {
  TempDir dir;
  FakeClock clock;
  const std::string path = (dir.path() / "v4.db").string();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  std::string sql;
  for (int v = 0; v < 4; ++v) sql += std::string(db::Migrations()[v].sql);
  sql += "PRAGMA application_id = " + std::to_string(db::kApplicationId) +
         "; PRAGMA user_version = 4;"
         "INSERT INTO document (id, url, source_url) VALUES (1, 'https://a.example/p', "
         "'https://a.example/p');";
  const char* leaks[][4] = {{"1", "acknowledged", "on it", "NULL"},
                            {"2", "allowed", "", "NULL"},
                            {"3", "open", "", "1700000000"},
                            {"4", "open", "", "NULL"}};
  for (const auto& l : leaks)
    sql += std::string(
               "INSERT INTO leak (id, key_kind, key, page_url, document_id, host, form, "
               "link_type, has_passcode, severity, status, owner, meeting_kind, "
               "source_url, note, allow_reason, first_seen, last_seen, reopened_at) "
               "VALUES (") +
           l[0] + ", 'meeting_id', '8551234567" + l[0] +
           "', 'https://a.example/p', 1, '', 'url', 'join', 0, 3, '" + l[1] +
           "', 'a@acme.example', 'scheduled', 'https://a.example/p', '" + l[2] +
           "', 'public series', 1, 2, " + l[3] + ");";
  char* err = nullptr;
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << err;
  sqlite3_close(db);

  Result<std::unique_ptr<LeakStore>> store = LeakStore::Open(path, &clock);
  ASSERT_OK(store);
  auto lines = [&](std::int64_t id) {
    std::vector<std::string> out;
    Result<std::vector<LeakStore::LeakEvent>> events = (*store)->LeakEvents(id);
    EXPECT_OK(events);
    for (const auto& e : *events)
      out.push_back(e.kind + "/" + e.actor + ": " + e.note + (e.at ? " @" : " (no date)"));
    return out;
  };
  EXPECT_EQ(lines(1), std::vector<std::string>{"acknowledged/owner: on it (no date)"});
  EXPECT_EQ(lines(2), std::vector<std::string>{"allowed/config: public series (no date)"});
  EXPECT_EQ(lines(3), std::vector<std::string>{"reopened/meetleak: seen again on the page @"});
  EXPECT_TRUE(lines(4).empty());
  Result<std::optional<LeakStore::LeakRow>> row = (*store)->GetLeak(1);
  ASSERT_OK(row);
  EXPECT_EQ((*row)->severity_reason, "");
}

INSTANTIATE_TEST_SUITE_P(Backends, LeakHistoryTest, BothBackends(), BackendName);

}  // namespace
}  // namespace meetleak::testing
