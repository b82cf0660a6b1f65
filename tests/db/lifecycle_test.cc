// Every transition of the design's leak lifecycle, on a real SQLite file.
#include "db/lifecycle.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "tests/db/store_fixture.h"

namespace meetleak::testing {
namespace {

using Outcome = DocumentOutcome;
constexpr char kPage[] = "https://example.org/events/7";

class LifecycleTest : public StoreTest {
 protected:
  // Opens a leak of `id` on kPage and moves it to `status` (an owner decision).
  void OpenThenDecide(const std::string& id, std::optional<LeakStatus> decision,
                      Severity severity = Severity::kHigh) {
    Write({Fetched(kPage, {CompanySighting(id, severity)})});
    if (decision) ASSERT_OK(store_->SetLeakStatus(Leak(id).id, *decision, "note"));
  }
};

TEST_P(LifecycleTest, NewCompanyReferenceOpensALeak) {
  LeakStore::Sighting s = CompanySighting("85512345678", Severity::kCritical);
  s.ref.has_passcode = true;
  LeakStore::WriteResult r = Write({Fetched(kPage, {s})});
  EXPECT_EQ(r.new_leaks, 1);
  EXPECT_EQ(r.sightings, 1);
  LeakStore::LeakRow leak = Leak("85512345678");
  EXPECT_EQ(ToString(leak.status), "open");
  EXPECT_EQ(leak.severity, Severity::kCritical);
  EXPECT_TRUE(leak.has_passcode);
  EXPECT_EQ(leak.owner, "ana@acme.example");
  EXPECT_EQ(leak.meeting_kind, MeetingKind::kRecurring);
  EXPECT_EQ(leak.page_url, kPage);
  EXPECT_EQ(leak.source_url, "https://src.example/feed");
  EXPECT_EQ(leak.first_seen, clock_.Now());
  EXPECT_EQ(leak.last_seen, clock_.Now());
  EXPECT_EQ(leak.sightings, 1);
  EXPECT_FALSE(leak.reopened_at.has_value());
}

TEST_P(LifecycleTest, NewAllowedSightingIsRecordedAllowed) {
  Write({Fetched(kPage, {CompanySighting("85512345678", Severity::kHigh, true)})});
  LeakStore::LeakRow leak = Leak("85512345678");
  EXPECT_EQ(ToString(leak.status), "allowed");
  EXPECT_EQ(leak.allow_reason, "public webinar series");
  Result<std::vector<LeakStore::LeakRow>> notify = store_->LeaksToNotify();
  ASSERT_OK(notify);
  EXPECT_TRUE(notify->empty());
}

TEST_P(LifecycleTest, NonCompanyReferenceIsNotStored) {
  LeakStore::Sighting s = CompanySighting("85512345678");
  s.ref.classification = Classification{};
  LeakStore::WriteResult r = Write({Fetched(kPage, {s})});
  EXPECT_EQ(r.new_leaks, 0);
  Result<std::vector<LeakStore::LeakRow>> all = store_->ListLeaks({});
  ASSERT_OK(all);
  EXPECT_TRUE(all->empty());
}

TEST_P(LifecycleTest, RepeatSightingUpdatesLastSeenAndCount) {
  Write({Fetched(kPage, {CompanySighting("85512345678")})});
  const auto first = clock_.Now();
  Advance(3600);
  LeakStore::WriteResult r = Write({Fetched(kPage, {CompanySighting("85512345678")})});
  EXPECT_EQ(r.new_leaks, 0);
  LeakStore::LeakRow leak = Leak("85512345678");
  EXPECT_EQ(ToString(leak.status), "open");
  EXPECT_EQ(leak.first_seen, first);
  EXPECT_EQ(leak.last_seen, clock_.Now());
  EXPECT_EQ(leak.sightings, 2);
}

TEST_P(LifecycleTest, RepeatSightingKeepsTheMostSevereOccurrencesDetails) {
  LeakStore::Sighting join = CompanySighting("85512345678", Severity::kHigh);
  Write({Fetched(kPage, {join})});
  LeakStore::Sighting moved = join;
  moved.ref.context = "Weekly sync: https://acme-corp.zoom.us/j/85512345678";
  moved.ref.entry_url = "https://example.org/events/7#entry";
  Write({Fetched(kPage, {moved})});
  EXPECT_EQ(Leak("85512345678").context, moved.ref.context);
  EXPECT_EQ(Leak("85512345678").entry_url, moved.ref.entry_url);
  LeakStore::Sighting start = CompanySighting("85512345678", Severity::kCritical);
  start.ref.has_passcode = true;
  Write({Fetched(kPage, {start})});
  LeakStore::Sighting plain = CompanySighting("85512345678", Severity::kMedium);
  plain.ref.form = RefForm::kIdText;
  plain.ref.link_type = LinkType::kNone;
  plain.ref.host = "";
  Write({Fetched(kPage, {plain})});
  Write({Fetched(kPage, {plain})});
  LeakStore::LeakRow leak = Leak("85512345678");
  EXPECT_EQ(leak.severity, Severity::kCritical);
  EXPECT_EQ(leak.link_type, LinkType::kStart);  // not the later, milder id_text
  EXPECT_EQ(leak.form, RefForm::kUrl);
  EXPECT_EQ(leak.host, "acme-corp.zoom.us");
  EXPECT_TRUE(leak.has_passcode);  // once seen with a passcode, always flagged
  EXPECT_EQ(leak.sightings, 5);
}

TEST_P(LifecycleTest, NotModifiedSightsEveryLeakNotGoneAndKeepsDecisions) {
  Write({Fetched(
      kPage, {CompanySighting("111111111"), CompanySighting("222222222"),
              CompanySighting("333333333", Severity::kHigh, true), CompanySighting("444444444")})});
  ASSERT_OK(store_->SetLeakStatus(Leak("222222222").id, LeakStatus::kFalsePositive, ""));
  Write({Fetched(
      kPage, {CompanySighting("222222222"), CompanySighting("333333333", Severity::kHigh, true)})});
  ASSERT_EQ(ToString(Leak("111111111").status), "gone");
  ASSERT_EQ(ToString(Leak("444444444").status), "gone");
  ASSERT_OK(
      store_->SetLeakStatus(Leak("444444444").id, LeakStatus::kOpen, ""));  // open, not on the page
  ASSERT_OK(store_->SetLeakStatus(Leak("444444444").id, LeakStatus::kAcknowledged, ""));
  Advance(60);
  LeakStore::WriteResult r = Write({WithOutcome(kPage, Outcome::kNotModified, 304)});
  EXPECT_EQ(r.sightings, 3);
  EXPECT_EQ(r.gone, 0);
  EXPECT_EQ(ToString(Leak("111111111").status), "gone");
  EXPECT_LT(Leak("111111111").last_seen, clock_.Now());
  EXPECT_EQ(ToString(Leak("222222222").status), "false_positive");
  EXPECT_EQ(Leak("222222222").last_seen, clock_.Now());
  EXPECT_EQ(ToString(Leak("333333333").status), "allowed");
  EXPECT_EQ(Leak("333333333").sightings, 3);
  EXPECT_EQ(ToString(Leak("444444444").status), "acknowledged");
  EXPECT_EQ(Leak("444444444").last_seen, clock_.Now());
}

TEST_P(LifecycleTest, RefetchWithoutTheReferenceMarksOpenAcknowledgedResolvedGone) {
  Write({Fetched(kPage, {CompanySighting("111111111"), CompanySighting("222222222"),
                         CompanySighting("333333333"), CompanySighting("444444444"),
                         CompanySighting("555555555", Severity::kHigh, true)})});
  ASSERT_OK(store_->SetLeakStatus(Leak("222222222").id, LeakStatus::kAcknowledged, ""));
  ASSERT_OK(store_->SetLeakStatus(Leak("333333333").id, LeakStatus::kResolved, ""));
  ASSERT_OK(store_->SetLeakStatus(Leak("444444444").id, LeakStatus::kFalsePositive, ""));
  LeakStore::WriteResult r = Write({Fetched(kPage, {})});
  EXPECT_EQ(r.gone, 3);
  EXPECT_EQ(ToString(Leak("111111111").status), "gone");
  EXPECT_EQ(ToString(Leak("222222222").status), "gone");
  EXPECT_EQ(ToString(Leak("333333333").status), "gone");
  EXPECT_EQ(ToString(Leak("444444444").status), "false_positive");
  EXPECT_EQ(ToString(Leak("555555555").status), "allowed");
}

TEST_P(LifecycleTest, NotFoundOrGoneAnswerMarksLeaksGone) {
  for (int status : {404, 410}) {
    const std::string page = std::string(kPage) + "/" + std::to_string(status);
    const std::string id = status == 404 ? "111111111" : "222222222";
    Write({Fetched(page, {CompanySighting(id)})});
    LeakStore::WriteResult r = Write({WithOutcome(page, Outcome::kGone, status)});
    EXPECT_EQ(r.gone, 1);
    EXPECT_EQ(ToString(Leak(id).status), "gone");
  }
}

TEST_P(LifecycleTest, ServerOrNetworkFailureChangesNoLeak) {
  Write({Fetched(kPage, {CompanySighting("111111111")})});
  const auto seen = clock_.Now();
  Advance(60);
  LeakStore::WriteResult r = Write({WithOutcome(kPage, Outcome::kFailed, 503)});
  EXPECT_EQ(r.gone, 0);
  EXPECT_EQ(r.sightings, 0);
  EXPECT_EQ(ToString(Leak("111111111").status), "open");
  EXPECT_EQ(Leak("111111111").last_seen, seen);
  Result<std::optional<LeakStore::FetchState>> f = store_->GetFetchState(kPage);
  ASSERT_OK(f);
  ASSERT_TRUE(f->has_value());
  EXPECT_EQ((*f)->last_status, 503);
  EXPECT_EQ((*f)->last_error, "HTTP 503");
  EXPECT_EQ((*f)->etag, "\"e1\"");  // the validators survive for the next conditional GET
  EXPECT_EQ((*f)->last_fetched, seen);
}

TEST_P(LifecycleTest, SightingOfAGoneLeakReopensIt) {
  Write({Fetched(kPage, {CompanySighting("111111111")})});
  Write({Fetched(kPage, {})});
  ASSERT_EQ(ToString(Leak("111111111").status), "gone");
  ASSERT_OK(store_->MarkNotified({Leak("111111111").id}));
  Advance(60);
  LeakStore::WriteResult r = Write({Fetched(kPage, {CompanySighting("111111111")})});
  EXPECT_EQ(r.reopened, 1);
  LeakStore::LeakRow leak = Leak("111111111");
  EXPECT_EQ(ToString(leak.status), "open");
  EXPECT_EQ(leak.reopened_at, clock_.Now());
  Result<std::vector<LeakStore::LeakRow>> notify = store_->LeaksToNotify();
  ASSERT_OK(notify);
  ASSERT_EQ(notify->size(), 1u);  // reopened since the last notice
}

TEST_P(LifecycleTest, MoreSevereSightingReopensAcknowledgedAndResolvedLeaks) {
  for (const LeakStatus decision : {LeakStatus::kAcknowledged, LeakStatus::kResolved}) {
    const std::string id = decision == LeakStatus::kAcknowledged ? "111111111" : "222222222";
    OpenThenDecide(id, decision, Severity::kHigh);
    Write({Fetched(kPage, {CompanySighting(id, Severity::kHigh)})});  // as severe: no change
    EXPECT_EQ(Leak(id).status, decision);
    LeakStore::WriteResult r = Write({Fetched(kPage, {CompanySighting(id, Severity::kCritical)})});
    EXPECT_EQ(r.reopened, 1);
    EXPECT_EQ(ToString(Leak(id).status), "open");
    EXPECT_EQ(Leak(id).severity, Severity::kCritical);
    EXPECT_TRUE(Leak(id).reopened_at.has_value());
  }
}

TEST_P(LifecycleTest, LessSevereSightingKeepsAcknowledgedLeak) {
  OpenThenDecide("111111111", LeakStatus::kAcknowledged, Severity::kHigh);
  Write({Fetched(kPage, {CompanySighting("111111111", Severity::kMedium)})});
  EXPECT_EQ(ToString(Leak("111111111").status), "acknowledged");
  EXPECT_EQ(Leak("111111111").severity, Severity::kHigh);
}

TEST_P(LifecycleTest, SeverityIsTheHighestSeenAndEscalationIsNotified) {
  Write({Fetched(kPage, {CompanySighting("111111111", Severity::kHigh)})});
  ASSERT_OK(store_->MarkNotified({Leak("111111111").id}));
  Write({Fetched(kPage, {CompanySighting("111111111", Severity::kCritical)})});
  EXPECT_EQ(Leak("111111111").severity, Severity::kCritical);
  Result<std::vector<LeakStore::LeakRow>> notify = store_->LeaksToNotify();
  ASSERT_OK(notify);
  ASSERT_EQ(notify->size(), 1u);  // escalated since the notice at high
  EXPECT_EQ(notify->front().notified_severity, Severity::kHigh);
  ASSERT_OK(store_->MarkNotified({Leak("111111111").id}));
  Write({Fetched(kPage, {CompanySighting("111111111", Severity::kHigh)})});
  EXPECT_EQ(Leak("111111111").severity, Severity::kCritical);
  notify = store_->LeaksToNotify();
  ASSERT_OK(notify);
  EXPECT_TRUE(notify->empty());
}

TEST_P(LifecycleTest, FalsePositiveNeverGoesGoneNorReopensByItself) {
  OpenThenDecide("111111111", LeakStatus::kFalsePositive, Severity::kMedium);
  Write({WithOutcome(kPage, Outcome::kGone, 404)});
  EXPECT_EQ(ToString(Leak("111111111").status), "false_positive");
  Write({Fetched(kPage, {CompanySighting("111111111", Severity::kCritical)})});
  EXPECT_EQ(ToString(Leak("111111111").status), "false_positive");
  EXPECT_EQ(Leak("111111111").severity, Severity::kMedium);
  EXPECT_EQ(Leak("111111111").note, "note");
}

TEST_P(LifecycleTest, AllowedFollowsTheSightingsAllowFlag) {
  Write({Fetched(kPage, {CompanySighting("111111111")})});
  Write({Fetched(kPage, {CompanySighting("111111111", Severity::kHigh, true)})});
  EXPECT_EQ(ToString(Leak("111111111").status), "allowed");
  Write({WithOutcome(kPage, Outcome::kGone, 410)});
  EXPECT_EQ(ToString(Leak("111111111").status), "allowed");  // never gone
  ASSERT_OK(store_->MarkNotified({Leak("111111111").id}));
  // The [[allow]] entry expired: open again at the next sighting.
  LeakStore::WriteResult r = Write({Fetched(kPage, {CompanySighting("111111111")})});
  EXPECT_EQ(r.reopened, 1);
  EXPECT_EQ(ToString(Leak("111111111").status), "open");
  Result<std::vector<LeakStore::LeakRow>> notify = store_->LeaksToNotify();
  ASSERT_OK(notify);
  EXPECT_EQ(notify->size(), 1u);
}

TEST_P(LifecycleTest, ReferenceNoLongerTheCompanysIsNotASighting) {
  Write({Fetched(kPage, {CompanySighting("111111111")})});
  LeakStore::Sighting s = CompanySighting("111111111");
  s.ref.classification = Classification{};  // inventory changed
  LeakStore::WriteResult r = Write({Fetched(kPage, {s})});
  EXPECT_EQ(r.sightings, 0);
  EXPECT_EQ(ToString(Leak("111111111").status), "gone");
}

TEST_P(LifecycleTest, OwnerDecisions) {
  OpenThenDecide("111111111", std::nullopt);
  const std::int64_t id = Leak("111111111").id;
  ASSERT_OK(store_->SetLeakStatus(id, LeakStatus::kAcknowledged, "rotating the passcode"));
  EXPECT_EQ(ToString(Leak("111111111").status), "acknowledged");
  EXPECT_EQ(Leak("111111111").note, "rotating the passcode");
  ASSERT_OK(store_->SetLeakStatus(id, LeakStatus::kResolved, ""));
  EXPECT_EQ(ToString(Leak("111111111").status), "resolved");
  EXPECT_EQ(Leak("111111111").note, "rotating the passcode");  // an empty note keeps it
  ASSERT_OK(store_->SetLeakStatus(id, LeakStatus::kFalsePositive, "a test meeting"));
  EXPECT_EQ(ToString(Leak("111111111").status), "false_positive");
  ASSERT_OK(store_->SetLeakStatus(id, LeakStatus::kOpen, ""));
  EXPECT_EQ(ToString(Leak("111111111").status), "open");
  EXPECT_EQ(store_->SetLeakStatus(id + 100, LeakStatus::kAcknowledged, "").code(),
            Status::Code::kNotFound);
  EXPECT_EQ(store_->SetLeakStatus(id, LeakStatus::kAllowed, "").code(),
            Status::Code::kInvalidInput);
  EXPECT_EQ(store_->SetLeakStatus(id, LeakStatus::kGone, "").code(), Status::Code::kInvalidInput);
}

TEST_P(LifecycleTest, NoticesListNewLeaksOnceUntilSomethingChanges) {
  Write({Fetched(kPage, {CompanySighting("111111111", Severity::kMedium),
                         CompanySighting("222222222", Severity::kCritical)})});
  Result<std::vector<LeakStore::LeakRow>> notify = store_->LeaksToNotify();
  ASSERT_OK(notify);
  ASSERT_EQ(notify->size(), 2u);
  EXPECT_EQ(notify->at(0).key, "222222222");  // worst first
  ASSERT_OK(store_->MarkNotified({notify->at(0).id, notify->at(1).id}));
  EXPECT_EQ(Leak("222222222").notified_at, clock_.Now());
  EXPECT_EQ(Leak("222222222").notified_severity, Severity::kCritical);
  Write({Fetched(kPage, {CompanySighting("111111111", Severity::kMedium),
                         CompanySighting("222222222", Severity::kCritical)})});
  notify = store_->LeaksToNotify();
  ASSERT_OK(notify);
  EXPECT_TRUE(notify->empty());
}

TEST_P(LifecycleTest, LeaksListWorstFirstAndFiltered) {
  Write({Fetched(kPage, {CompanySighting("111111111", Severity::kMedium),
                         CompanySighting("222222222", Severity::kCritical),
                         CompanySighting("333333333", Severity::kMedium)})});
  LeakStore::Sighting other = CompanySighting("444444444", Severity::kLow);
  other.ref.classification.owner = "Bob@Acme.example";
  Write({Fetched("https://example.org/other", {other})});
  ASSERT_OK(store_->SetLeakStatus(Leak("333333333").id, LeakStatus::kAcknowledged, ""));
  Result<std::vector<LeakStore::LeakRow>> all = store_->ListLeaks({});
  ASSERT_OK(all);
  ASSERT_EQ(all->size(), 4u);
  EXPECT_EQ(all->at(0).key, "222222222");
  EXPECT_EQ(all->at(1).key, "111111111");  // same severity: by id
  EXPECT_EQ(all->at(2).key, "333333333");
  EXPECT_EQ(all->at(3).key, "444444444");
  Result<std::vector<LeakStore::LeakRow>> open =
      store_->ListLeaks({LeakStatus::kOpen, std::nullopt});
  ASSERT_OK(open);
  EXPECT_EQ(open->size(), 3u);
  Result<std::vector<LeakStore::LeakRow>> bob =
      store_->ListLeaks({std::nullopt, "bob@acme.example"});
  ASSERT_OK(bob);
  ASSERT_EQ(bob->size(), 1u);
  EXPECT_EQ(bob->front().key, "444444444");
}

// A status no meetleak writes (the column's CHECK bypassed by another tool)
// is an error naming the file and the leak, on the read and the write path:
// it is never taken for an open leak, nor marked gone.
TEST_P(LifecycleTest, AStatusNoMeetleakWritesIsAnErrorNotAnOpenLeak) {
  Write({Fetched(kPage, {CompanySighting("111111111")})});
  const std::int64_t id = Leak("111111111").id;
  store_.reset();
  RawSql("PRAGMA ignore_check_constraints = ON; UPDATE leak SET status = 'closed'",
         "ALTER TABLE leak DROP CONSTRAINT leak_status_check; UPDATE leak SET status = 'closed'");
  Reopen();

  const std::string why = "leak " + std::to_string(id) + " has unknown status 'closed'";
  for (const Status& s : {store_->ListLeaks({}).status(), store_->GetLeak(id).status(),
                          store_->WriteDocuments({Fetched(kPage, {})}).status()}) {
    EXPECT_EQ(s.code(), Status::Code::kCorruption) << s.ToString();
    EXPECT_NE(s.message().find(sqlite() ? db_path() : pg_name_), std::string::npos) << s.ToString();
    EXPECT_NE(s.message().find(why), std::string::npos) << s.ToString();
  }
}

// What `run`'s exit code, `status` and the metrics count: the leaks whose
// status is open, by severity, and those of them seen since a time.
TEST_P(LifecycleTest, OpenLeaksAreCountedBySeverityAndSinceAPass) {
  Write({Fetched(kPage, {CompanySighting("111111111", Severity::kCritical),
                         CompanySighting("222222222", Severity::kHigh),
                         CompanySighting("333333333", Severity::kHigh)})});
  ASSERT_OK(store_->SetLeakStatus(Leak("333333333").id, LeakStatus::kAcknowledged, ""));
  Advance(60);
  const Clock::TimePoint pass_start = clock_.Now();
  Write({Fetched("https://example.org/other", {CompanySighting("444444444", Severity::kLow)})});
  Result<OpenLeakCounts> counts = CountOpenLeaks(*store_, pass_start);
  ASSERT_OK(counts);
  EXPECT_EQ(counts->by_severity[Severity::kCritical], 1);
  EXPECT_EQ(counts->by_severity[Severity::kHigh], 1);  // not the acknowledged one
  EXPECT_EQ(counts->by_severity[Severity::kMedium], 0);
  EXPECT_EQ(counts->by_severity[Severity::kLow], 1);
  EXPECT_EQ(counts->seen_since, 1);  // only 444444444 was seen since pass_start
}

// What makes `scan` exit 1: a company reference, unless its leak was ruled
// no leak, or (unstored) an [[allow]] entry allows it.
TEST(CountsAsOpenTest, OnlyTheRulingsThatItIsNoLeakDoNotCount) {
  for (LeakStatus s : kLeakStatuses) {
    const bool ruled = s == LeakStatus::kFalsePositive || s == LeakStatus::kAllowed;
    EXPECT_EQ(CountsAsOpen(s, false), !ruled) << ToString(s);
    EXPECT_EQ(CountsAsOpen(s, true), !ruled) << ToString(s);  // the stored status decides
  }
  EXPECT_TRUE(CountsAsOpen(std::nullopt, false));
  EXPECT_FALSE(CountsAsOpen(std::nullopt, true));
}

TEST_P(LifecycleTest, GroupWriteIsAllOrNothing) {
  LeakStore::DocumentWrite bad = Fetched("", {});
  Result<LeakStore::WriteResult> r =
      store_->WriteDocuments({Fetched(kPage, {CompanySighting("111111111")}), bad});
  EXPECT_FALSE(r.ok());
  Result<std::vector<LeakStore::LeakRow>> all = store_->ListLeaks({});
  ASSERT_OK(all);
  EXPECT_TRUE(all->empty());
  Result<std::optional<LeakStore::FetchState>> f = store_->GetFetchState(kPage);
  ASSERT_OK(f);
  EXPECT_FALSE(f->has_value());
}

// The transition table itself, without a database.
TEST(ApplySightingTest, Table) {
  struct Row {
    LeakStatus from;
    Severity stored, seen;
    bool allowed;
    LeakStatus to;
    Severity severity;
    bool reopened, notice;
  };
  const Severity H = Severity::kHigh, C = Severity::kCritical, M = Severity::kMedium;
  const Row rows[] = {
      {LeakStatus::kOpen, H, H, false, LeakStatus::kOpen, H, false, false},
      {LeakStatus::kOpen, H, C, false, LeakStatus::kOpen, C, false, true},
      {LeakStatus::kOpen, H, M, false, LeakStatus::kOpen, H, false, false},
      {LeakStatus::kOpen, H, H, true, LeakStatus::kAllowed, H, false, false},
      {LeakStatus::kAcknowledged, H, H, false, LeakStatus::kAcknowledged, H, false, false},
      {LeakStatus::kAcknowledged, H, C, false, LeakStatus::kOpen, C, true, true},
      {LeakStatus::kResolved, H, C, false, LeakStatus::kOpen, C, true, true},
      {LeakStatus::kResolved, H, M, false, LeakStatus::kResolved, H, false, false},
      {LeakStatus::kGone, H, M, false, LeakStatus::kOpen, H, true, true},
      {LeakStatus::kGone, H, H, true, LeakStatus::kAllowed, H, false, false},
      {LeakStatus::kFalsePositive, M, C, false, LeakStatus::kFalsePositive, M, false, false},
      {LeakStatus::kAllowed, H, H, true, LeakStatus::kAllowed, H, false, false},
      {LeakStatus::kAllowed, H, H, false, LeakStatus::kOpen, H, true, true},
  };
  for (const Row& r : rows) {
    db::SightingEffect e = db::ApplySighting(r.from, r.stored, r.seen, r.allowed);
    SCOPED_TRACE(std::string(ToString(r.from)) + " seen " + std::string(ToString(r.seen)) +
                 (r.allowed ? " allowed" : ""));
    EXPECT_EQ(e.status, r.to);
    EXPECT_EQ(e.severity, r.severity);
    EXPECT_EQ(e.reopened, r.reopened);
    EXPECT_EQ(e.notice, r.notice);
  }
  EXPECT_EQ(db::ApplyAbsence(LeakStatus::kOpen), LeakStatus::kGone);
  EXPECT_EQ(db::ApplyAbsence(LeakStatus::kAcknowledged), LeakStatus::kGone);
  EXPECT_EQ(db::ApplyAbsence(LeakStatus::kResolved), LeakStatus::kGone);
  EXPECT_EQ(db::ApplyAbsence(LeakStatus::kFalsePositive), LeakStatus::kFalsePositive);
  EXPECT_EQ(db::ApplyAbsence(LeakStatus::kAllowed), LeakStatus::kAllowed);
  EXPECT_EQ(db::ApplyAbsence(LeakStatus::kGone), LeakStatus::kGone);
}

INSTANTIATE_TEST_SUITE_P(Backends, LifecycleTest, BothBackends(), BackendName);

}  // namespace
}  // namespace meetleak::testing
