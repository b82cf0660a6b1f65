// The inventory from Zoom in the store: rows of both sources, the merge,
// re-matching on added keys, and the version 4 migration.
#include <sqlite3.h>

#include "db/schema.h"
#include "tests/db/store_fixture.h"

namespace meetleak::testing {
namespace {

InventoryMeeting ZoomRow(const std::string& id, const std::string& owner) {
  return {.meeting_id = id,
          .owner_email = owner,
          .topic = "Weekly",
          .kind = MeetingKind::kRecurring,
          .source = RowSource::kZoom,
          .start_time = 1796000000,
          .passcode_set = false,
          .waiting_room = false,
          .join_before_host = true,
          .embed_password_in_join_link = true,
          .list_hash = "h1",
          .details_at = 1795000000};
}

class ZoomInventoryTest : public StoreTest {
 protected:
  bool Refetch(const std::string& url) {
    Result<std::optional<LeakStore::FetchState>> f = store_->GetFetchState(url);
    return f.ok() && f->has_value() && (*f)->refetch;
  }
  void WriteHolding(const std::string& url, const std::string& id) {
    LeakStore::DocumentWrite d = Fetched(url, {});
    d.candidate_keys = {LeakStore::CandidateKey(KeyKind::kMeetingId, id)};
    Write({d});
  }
};

TEST_P(ZoomInventoryTest, ZoomRowsKeepEverySettingAndLeaveCsvRowsAlone) {
  ASSERT_OK(
      store_->ReplaceInventory(std::vector<InventoryMeeting>{{"85512345678", "csv@acme.example", "",
                                                              MeetingKind::kScheduled}},
                               std::vector<PersonalLink>{{"ana", "ana@acme.example"}}));
  InventoryMeeting z = ZoomRow("86600000001", "bo@acme.example");
  ASSERT_OK(store_->ReplaceZoomInventory({{z}, {{"bo", "bo@acme.example", RowSource::kZoom}}}));
  Reopen();
  Result<LeakStore::InventoryRows> zoom = store_->LoadRows(RowSource::kZoom);
  ASSERT_OK(zoom);
  ASSERT_EQ(zoom->meetings.size(), 1u);
  const InventoryMeeting& back = zoom->meetings[0];
  EXPECT_EQ(back.kind, MeetingKind::kRecurring);
  EXPECT_EQ(back.start_time, 1796000000);
  EXPECT_EQ(back.passcode_set, false);
  EXPECT_EQ(back.waiting_room, false);
  EXPECT_EQ(back.join_before_host, true);
  EXPECT_EQ(back.embed_password_in_join_link, true);
  EXPECT_FALSE(back.recurrence_end.has_value());
  EXPECT_EQ(back.list_hash, "h1");
  Result<Inventory> inv = store_->LoadInventory();
  ASSERT_OK(inv);
  EXPECT_EQ(inv->meetings().size(), 2u);
  EXPECT_NE(inv->FindMeeting("85512345678"), nullptr) << "a sync never touches CSV rows";
  EXPECT_NE(inv->FindVanity("ana"), nullptr);
  EXPECT_NE(inv->FindVanity("bo"), nullptr);
}

TEST_P(ZoomInventoryTest, AMeetingInBothSourcesTakesZoomsOwner) {
  ASSERT_OK(
      store_->ReplaceInventory(std::vector<InventoryMeeting>{{"86600000001", "old@acme.example", "",
                                                              MeetingKind::kScheduled}},
                               std::nullopt));
  ASSERT_OK(store_->ReplaceZoomInventory({{ZoomRow("86600000001", "bo@acme.example")}, {}}));
  Result<Inventory> inv = store_->LoadInventory();
  ASSERT_OK(inv);
  ASSERT_NE(inv->FindMeeting("86600000001"), nullptr);
  EXPECT_EQ(inv->FindMeeting("86600000001")->owner_email, "bo@acme.example");
  EXPECT_EQ(inv->FindMeeting("86600000001")->source, RowSource::kZoom);
  // A CSV re-import keeps Zoom's row winning.
  ASSERT_OK(
      store_->ReplaceInventory(std::vector<InventoryMeeting>{{"86600000001", "old@acme.example", "",
                                                              MeetingKind::kScheduled}},
                               std::nullopt));
  EXPECT_EQ(store_->LoadInventory()->FindMeeting("86600000001")->owner_email, "bo@acme.example");
}

TEST_P(ZoomInventoryTest, ASyncThatAddsAKeyRefetchesOnlyTheDocumentsHoldingIt) {
  ASSERT_OK(store_->ReplaceZoomInventory({{ZoomRow("86600000001", "bo@acme.example")}, {}}));
  WriteHolding("https://example.org/new-pmi", "5550001111");
  WriteHolding("https://example.org/other", "86600000001");
  InventoryMeeting pmi = ZoomRow("5550001111", "bo@acme.example");
  pmi.kind = MeetingKind::kPmi;
  ASSERT_OK(store_->ReplaceZoomInventory({{ZoomRow("86600000001", "bo@acme.example"), pmi}, {}}));
  EXPECT_TRUE(Refetch("https://example.org/new-pmi"));
  EXPECT_FALSE(Refetch("https://example.org/other")) << "an unchanged key keeps conditional GET";
  // The same sync again adds nothing: nothing more is refetched.
  Write({Fetched("https://example.org/new-pmi", {})});
  ASSERT_OK(store_->ReplaceZoomInventory({{ZoomRow("86600000001", "bo@acme.example"), pmi}, {}}));
  EXPECT_FALSE(Refetch("https://example.org/new-pmi"));
}

TEST_P(ZoomInventoryTest, ASyncThatChangesHowAKeyClassifiesRefetchesTheDocumentsHoldingIt) {
  const InventoryMeeting live = ZoomRow("86600000001", "bo@acme.example");
  ASSERT_OK(store_->ReplaceZoomInventory({{live, ZoomRow("86600000002", "bo@acme.example")}, {}}));
  WriteHolding("https://example.org/expired", "86600000001");
  WriteHolding("https://example.org/same", "86600000002");
  // Meeting 1 expires in Zoom; meeting 2's list bookkeeping changes, nothing
  // a reference to it classifies by.
  InventoryMeeting expired = live;
  expired.expired_at = 1797000000;
  InventoryMeeting relisted = ZoomRow("86600000002", "BO@acme.example");
  relisted.list_hash = "h2";
  relisted.details_at = 1796500000;
  relisted.embed_password_in_join_link = false;
  ASSERT_OK(store_->ReplaceZoomInventory({{expired, relisted}, {}}));
  EXPECT_TRUE(Refetch("https://example.org/expired")) << "its leak must be rated low";
  EXPECT_FALSE(Refetch("https://example.org/same")) << "nothing it classifies by changed";
  WriteHolding("https://example.org/expired", "86600000001");  // fetched in full
  // A new owner, then a new waiting-room setting: each refetches.
  InventoryMeeting moved = expired;
  moved.owner_email = "cy@acme.example";
  ASSERT_OK(store_->ReplaceZoomInventory({{moved, relisted}, {}}));
  EXPECT_TRUE(Refetch("https://example.org/expired")) << "the new owner must hear of it";
  relisted.waiting_room = true;
  ASSERT_OK(store_->ReplaceZoomInventory({{moved, relisted}, {}}));
  EXPECT_TRUE(Refetch("https://example.org/same"));
}

TEST_P(ZoomInventoryTest, ACsvRowUnderAZoomRowChangesNothingThatIsMatched) {
  ASSERT_OK(store_->ReplaceZoomInventory({{ZoomRow("86600000001", "bo@acme.example")}, {}}));
  WriteHolding("https://example.org/held", "86600000001");
  // The CSV names the meeting with another owner: Zoom's row wins, so a
  // reference to it classifies as before.
  ASSERT_OK(
      store_->ReplaceInventory(std::vector<InventoryMeeting>{{"86600000001", "other@acme.example",
                                                              "", MeetingKind::kScheduled}},
                               std::nullopt));
  EXPECT_FALSE(Refetch("https://example.org/held"));
  // Once Zoom's row is gone, the CSV's owner takes over: refetch.
  ASSERT_OK(store_->ReplaceZoomInventory({{}, {}}));
  EXPECT_TRUE(Refetch("https://example.org/held"));
}

// A database as version 3 left it: CSV rows.
void WriteVersion3Fixture(const std::string& path) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  const std::string sql =
      std::string(db::Migrations()[0].sql) + std::string(db::Migrations()[1].sql) +
      std::string(db::Migrations()[2].sql) +
      "PRAGMA application_id = " + std::to_string(db::kApplicationId) +
      "; PRAGMA user_version = 3;"
      "INSERT INTO inventory_meeting VALUES ('85512345678', 'ana@acme.example', 'Weekly', "
      "'recurring');"
      "INSERT INTO personal_link VALUES ('ana', 'ana@acme.example');";
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << err;
  sqlite3_free(err);
  sqlite3_close(db);
}

TEST(ZoomInventorySchemaTest, Version3MigratesItsRowsAsCsvRows) {
  TempDir dir;
  FakeClock clock;
  const std::string path = (dir.path() / "v3.db").string();
  WriteVersion3Fixture(path);
  Result<std::unique_ptr<LeakStore>> store = LeakStore::Open(path, &clock);
  ASSERT_OK(store);
  Result<LeakStore::InventoryRows> csv = (*store)->LoadRows(RowSource::kCsv);
  ASSERT_OK(csv);
  ASSERT_EQ(csv->meetings.size(), 1u);
  EXPECT_EQ(csv->meetings[0].owner_email, "ana@acme.example");
  EXPECT_EQ(csv->meetings[0].kind, MeetingKind::kRecurring);
  EXPECT_FALSE(csv->meetings[0].passcode_set.has_value());
  ASSERT_EQ(csv->links.size(), 1u);
  EXPECT_TRUE((*store)->LoadRows(RowSource::kZoom)->meetings.empty());
  ASSERT_OK((*store)->ReplaceZoomInventory({{ZoomRow("85512345678", "bo@acme.example")}, {}}));
  EXPECT_EQ((*store)->LoadInventory()->meetings().size(), 1u);
}

}  // namespace
}  // namespace meetleak::testing

namespace meetleak::testing {
namespace {

TEST_P(ZoomInventoryTest, AnExpiredMeetingLowersItsLeakTheOneDecrease) {
  LeakStore::Sighting critical = CompanySighting("86600000001", Severity::kCritical);
  Write({Fetched("https://example.org/p", {critical})});
  EXPECT_EQ(Leak("86600000001").severity, Severity::kCritical);
  LeakStore::Sighting high = CompanySighting("86600000001", Severity::kHigh);
  Write({Fetched("https://example.org/p", {high})});
  EXPECT_EQ(Leak("86600000001").severity, Severity::kCritical) << "severity otherwise only rises";
  LeakStore::Sighting expired = CompanySighting("86600000001", Severity::kLow);
  expired.ref.classification.severity_reason = std::string(kMeetingExpired);
  Write({Fetched("https://example.org/p", {expired})});
  EXPECT_EQ(Leak("86600000001").severity, Severity::kLow);
  EXPECT_EQ(Leak("86600000001").owner, "ana@acme.example");
}

INSTANTIATE_TEST_SUITE_P(Backends, ZoomInventoryTest, BothBackends(), BackendName);

}  // namespace
}  // namespace meetleak::testing
