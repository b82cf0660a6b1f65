#include "zoom/sync.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "tests/zoom/zoom_fixture.h"

namespace meetleak::zoom {
namespace {

using meetleak::testing::Reply;
using meetleak::testing::ZoomFixture;
using meetleak::testing::ZoomStandIn;

class SyncTest : public ZoomTest {
 protected:
  void SetUp() override {
    fixture_ = ZoomFixture::Generate(3, 4);
    zoom_.SetFixture(fixture_);
  }
  Result<SyncResult> Sync(const std::vector<InventoryMeeting>& previous = {},
                          const std::vector<PersonalLink>& links = {}) {
    client_ = MakeClient();
    return ReadInventory(*client_, previous, links, &clock_);
  }
  static std::map<std::string, InventoryMeeting> ById(const std::vector<InventoryMeeting>& rows) {
    std::map<std::string, InventoryMeeting> out;
    for (const auto& r : rows) out[r.meeting_id] = r;
    return out;
  }
  ZoomFixture fixture_;
  std::unique_ptr<Client> client_;
};

TEST_F(SyncTest, ReadsEveryUsersPmiPersonalLinkMeetingsAndTheirSettings) {
  fixture_.users[1].meetings[0].password = "";
  fixture_.users[1].meetings[0].waiting_room = false;
  fixture_.users[1].meetings[0].join_before_host = true;
  zoom_.SetFixture(fixture_);
  Result<SyncResult> r = Sync();
  ASSERT_OK(r);
  EXPECT_EQ(r->users, 3);
  auto rows = ById(r->meetings);
  ASSERT_EQ(rows.size(), 15u);  // 3 PMIs + 12 meetings
  const InventoryMeeting& pmi = rows.at(fixture_.users[0].pmi);
  EXPECT_EQ(pmi.kind, MeetingKind::kPmi);
  EXPECT_EQ(pmi.owner_email, "user1@acme.example");
  EXPECT_EQ(pmi.source, RowSource::kZoom);
  EXPECT_EQ(pmi.passcode_set, true);
  const InventoryMeeting& open = rows.at(fixture_.users[1].meetings[0].id);
  EXPECT_EQ(open.owner_email, "user2@acme.example");
  EXPECT_EQ(open.kind, MeetingKind::kScheduled);
  EXPECT_EQ(open.passcode_set, false);
  EXPECT_EQ(open.waiting_room, false);
  EXPECT_EQ(open.join_before_host, true);
  EXPECT_EQ(open.embed_password_in_join_link, true);
  EXPECT_EQ(rows.at(fixture_.users[0].meetings[4 % 4].id).passcode_set, true);
  const InventoryMeeting& series = rows.at(fixture_.users[2].meetings[3].id);
  EXPECT_EQ(series.kind, MeetingKind::kScheduled);
  ASSERT_EQ(r->links.size(), 3u);
  EXPECT_EQ(r->links[0].vanity, "user1");
  EXPECT_EQ(r->diff.added.size(), 15u);
}

TEST_F(SyncTest, RecurringMeetingsKeepTheirSeriesEnd) {
  fixture_ = ZoomFixture::Generate(1, 5);  // the 5th is recurring (type 8)
  zoom_.SetFixture(fixture_);
  Result<SyncResult> r = Sync();
  ASSERT_OK(r);
  const InventoryMeeting series = ById(r->meetings).at(fixture_.users[0].meetings[4].id);
  EXPECT_EQ(series.kind, MeetingKind::kRecurring);
  ASSERT_TRUE(series.recurrence_end.has_value());
  EXPECT_FALSE(series.expired_at.has_value());
}

TEST_F(SyncTest, UsersWithoutAWebinarPlanAreOneWarningNotAFailure) {
  Result<SyncResult> r = Sync();
  ASSERT_OK(r);
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_NE(r->warnings[0].find("3 user(s) without a webinar plan"), std::string::npos);
}

TEST_F(SyncTest, WebinarsOfUsersWithThePlanAreRead) {
  fixture_.users[0].webinar_plan = true;
  fixture_.users[0].webinars.push_back({.id = "91234567890", .type = 5, .topic = "All hands"});
  zoom_.SetFixture(fixture_);
  Result<SyncResult> r = Sync();
  ASSERT_OK(r);
  EXPECT_EQ(ById(r->meetings).at("91234567890").kind, MeetingKind::kWebinar);
  EXPECT_NE(r->warnings.at(0).find("2 user(s)"), std::string::npos);
}

TEST_F(SyncTest, AServerErrorInTheMiddleOfAPageSequenceFailsTheWholeRead) {
  fixture_ = ZoomFixture::Generate(2, 700);
  zoom_.SetFixture(fixture_);
  // The second page of user 2's scheduled meetings fails every time.
  zoom_.AddFault(
      {.path = "/v2/users/u2AbCd/meetings", .nth = 2, .count = 100, .reply = Reply{.status = 500}});
  Result<SyncResult> r = Sync();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find(
                "GET /users/u2AbCd/meetings?type=scheduled&page_size=300: HTTP 500"),
            std::string::npos)
      << r.status().message();
  EXPECT_EQ(r.status().message().find("next_page_token"), std::string::npos);
}

TEST_F(SyncTest, ATokenThatExpiresMidSyncIsReplacedAndTheSyncCompletes) {
  zoom_.RevokeTokensAfter(10);
  Result<SyncResult> r = Sync();
  ASSERT_OK(r);
  EXPECT_EQ(r->meetings.size(), 15u);
  EXPECT_EQ(client_->token_requests(), 2);
}

TEST_F(SyncTest, RateLimitsMidSyncAreWaitedOut) {
  zoom_.AddFault({.path = "/v2/users/u2AbCd", .nth = 2, .reply = ZoomStandIn::RateLimited("2")});
  zoom_.AddFault({.path = "/v2/meetings", .nth = 3, .reply = ZoomStandIn::RateLimited()});
  Result<SyncResult> r = Sync();
  ASSERT_OK(r);
  EXPECT_EQ(r->meetings.size(), 15u);
  EXPECT_EQ(LongWaits().size(), 2u);
}

TEST_F(SyncTest, ADailyLimitMidSyncFailsTheRead) {
  zoom_.AddFault(
      {.path = "/v2/meetings", .nth = 5, .count = 100, .reply = ZoomStandIn::DailyLimit()});
  Result<SyncResult> r = Sync();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("daily API limit"), std::string::npos);
}

TEST_F(SyncTest, AnUnchangedSecondSyncReadsDetailsOnlyForARollingShare) {
  fixture_ = ZoomFixture::Generate(20, 30);
  zoom_.SetFixture(fixture_);
  Result<SyncResult> first = Sync();
  ASSERT_OK(first);
  EXPECT_LE(first->api_requests, first->fewest_requests * 105 / 100);
  const int first_details = static_cast<int>(first->meetings.size()) - 20;  // all but the PMIs
  Result<SyncResult> second = Sync(first->meetings, first->links);
  ASSERT_OK(second);
  EXPECT_TRUE(second->diff.added.empty());
  EXPECT_TRUE(second->diff.removed.empty());
  EXPECT_TRUE(second->diff.changed.empty());
  EXPECT_LE(second->api_requests, second->fewest_requests * 105 / 100);
  EXPECT_GT(second->api_requests, second->fewest_requests);  // the rolling share was read
  EXPECT_LT(second->api_requests, first->api_requests - first_details / 2);
}

TEST_F(SyncTest, AChangedMeetingIsReadAgainAndReportedChanged) {
  Result<SyncResult> first = Sync();
  ASSERT_OK(first);
  fixture_.users[0].meetings[1].topic = "Renamed";
  fixture_.users[0].meetings[1].password = "";
  zoom_.SetFixture(fixture_);
  Result<SyncResult> second = Sync(first->meetings, first->links);
  ASSERT_OK(second);
  ASSERT_EQ(second->diff.changed.size(), 1u);
  EXPECT_EQ(second->diff.changed[0].topic, "Renamed");
  EXPECT_EQ(second->diff.changed[0].passcode_set, false);
}

TEST_F(SyncTest, AMeetingGoneFromZoomKeepsItsRowExpired) {
  Result<SyncResult> first = Sync();
  ASSERT_OK(first);
  const std::string gone = fixture_.users[0].meetings[0].id;
  fixture_.users[0].meetings.erase(fixture_.users[0].meetings.begin());
  zoom_.SetFixture(fixture_);
  Result<SyncResult> second = Sync(first->meetings, first->links);
  ASSERT_OK(second);
  auto rows = ById(second->meetings);
  ASSERT_TRUE(rows.count(gone));
  EXPECT_TRUE(rows.at(gone).expired_at.has_value());
  EXPECT_EQ(rows.at(gone).owner_email, "user1@acme.example");
  ASSERT_EQ(second->diff.removed.size(), 1u);
  EXPECT_FALSE(second->diff.ShrinksTooMuch());
}

TEST_F(SyncTest, AnAnswerDroppingHalfTheUsersShrinksTooMuch) {
  Result<SyncResult> first = Sync();
  ASSERT_OK(first);
  zoom_.ListHalfTheUsers(true);
  Result<SyncResult> second = Sync(first->meetings, first->links);
  ASSERT_OK(second);
  EXPECT_TRUE(second->diff.ShrinksTooMuch());
}

TEST_F(SyncTest, AOneOffMeetingThirtyDaysPastItsDateIsExpired) {
  fixture_.users[0].meetings[0].start_time = "2026-10-01T10:00:00Z";  // 56 days before the clock
  fixture_.users[0].meetings[1].start_time = "2026-11-20T10:00:00Z";  // 6 days before
  zoom_.SetFixture(fixture_);
  Result<SyncResult> r = Sync();
  ASSERT_OK(r);
  auto rows = ById(r->meetings);
  EXPECT_TRUE(rows.at(fixture_.users[0].meetings[0].id).expired_at.has_value());
  EXPECT_FALSE(rows.at(fixture_.users[0].meetings[1].id).expired_at.has_value());
}

TEST_F(SyncTest, APmiChangedInZoomMovesToTheNewId) {
  Result<SyncResult> first = Sync();
  ASSERT_OK(first);
  const std::string old_pmi = fixture_.users[0].pmi;
  fixture_.users[0].pmi = "5550001111";
  zoom_.SetFixture(fixture_);
  Result<SyncResult> second = Sync(first->meetings, first->links);
  ASSERT_OK(second);
  auto rows = ById(second->meetings);
  EXPECT_EQ(rows.at("5550001111").kind, MeetingKind::kPmi);
  EXPECT_FALSE(rows.at("5550001111").expired_at.has_value());
  EXPECT_TRUE(rows.at(old_pmi).expired_at.has_value());
  ASSERT_EQ(second->diff.added.size(), 1u);
  EXPECT_EQ(second->diff.added[0].meeting_id, "5550001111");
}

}  // namespace
}  // namespace meetleak::zoom
