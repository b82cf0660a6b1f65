// Helpers for the db tests: a store on a real SQLite file in a fresh temp
// dir, a fake clock, and builders for sightings and document writes.
#ifndef MEETLEAK_TESTS_DB_STORE_FIXTURE_H_
#define MEETLEAK_TESTS_DB_STORE_FIXTURE_H_

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "db/store.h"
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

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen() {
    store_.reset();
    Result<std::unique_ptr<LeakStore>> s = LeakStore::Open(db_path(), &clock_);
    ASSERT_OK(s);
    store_ = std::move(*s);
  }

  std::string db_path() const { return (dir_.path() / "meetleak.db").string(); }

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
  FakeClock clock_;
  std::unique_ptr<LeakStore> store_;
};

}  // namespace meetleak::testing

#endif  // MEETLEAK_TESTS_DB_STORE_FIXTURE_H_
