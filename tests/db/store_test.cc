// Inventory, metadata, sources, fetch state, the watch list, and concurrent
// readers — on real SQLite files.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <thread>

#include "tests/db/store_fixture.h"

namespace meetleak::testing {
namespace {

using Outcome = DocumentOutcome;
constexpr char kSource[] = "https://src.example/feed";

std::vector<InventoryMeeting> Meetings() {
  return {{"85512345678", "ana@acme.example", "Board sync", MeetingKind::kRecurring},
          {"123456789", "bob@acme.example", "All hands", MeetingKind::kWebinar}};
}

TEST_P(StoreTest, InventoryIsReplacedPartByPart) {
  ASSERT_OK(store_->ReplaceInventory(Meetings(),
                                     std::vector<PersonalLink>{{"ana.b", "ana@acme.example"}}));
  // Meetings only: the personal links are kept.
  ASSERT_OK(store_->ReplaceInventory(
      std::vector<InventoryMeeting>{{"999888777", "cy@acme.example", "", MeetingKind::kPmi}},
      std::nullopt));
  Result<Inventory> inv = store_->LoadInventory();
  ASSERT_OK(inv);
  ASSERT_EQ(inv->meetings().size(), 1u);
  EXPECT_EQ(inv->meetings()[0].meeting_id, "999888777");
  EXPECT_EQ(inv->meetings()[0].kind, MeetingKind::kPmi);
  ASSERT_EQ(inv->personal_links().size(), 1u);
  EXPECT_EQ(inv->personal_links()[0].vanity, "ana.b");
  // Links only (to none): the meetings are kept.
  ASSERT_OK(store_->ReplaceInventory(std::nullopt, std::vector<PersonalLink>{}));
  inv = store_->LoadInventory();
  ASSERT_OK(inv);
  EXPECT_EQ(inv->meetings().size(), 1u);
  EXPECT_TRUE(inv->personal_links().empty());
}

TEST_P(StoreTest, LeakTopicComesFromTheInventory) {
  ASSERT_OK(store_->ReplaceInventory(Meetings(), std::nullopt));
  Write({Fetched("https://example.org/a", {CompanySighting("85512345678")})});
  EXPECT_EQ(Leak("85512345678").topic, "Board sync");
  // Kept when the meeting later leaves the inventory.
  ASSERT_OK(store_->ReplaceInventory(std::vector<InventoryMeeting>{}, std::nullopt));
  EXPECT_EQ(Leak("85512345678").topic, "Board sync");
}

TEST_P(StoreTest, MetaValuesAreStoredAndReplaced) {
  Result<std::optional<std::string>> v = store_->GetMeta("inventory:meetings.csv");
  ASSERT_OK(v);
  EXPECT_FALSE(v->has_value());
  ASSERT_OK(store_->SetMeta("inventory:meetings.csv", "sha256:1"));
  ASSERT_OK(store_->SetMeta("inventory:meetings.csv", "sha256:2"));
  v = store_->GetMeta("inventory:meetings.csv");
  ASSERT_OK(v);
  EXPECT_EQ(v->value_or(""), "sha256:2");
}

TEST_P(StoreTest, SourcesAreSyncedAndScheduled) {
  ASSERT_OK(store_->SyncSources({{kSource, "feed", 900}, {"https://b.example/", "page", 3600}}));
  Result<std::vector<LeakStore::SourceRow>> due = store_->DueSources();
  ASSERT_OK(due);
  EXPECT_EQ(due->size(), 2u);  // new sources are due at once

  LeakStore::SourceResult ok{kSource, 200, "", false, std::nullopt, 3};
  ASSERT_OK(store_->WriteSourceResult(ok));
  due = store_->DueSources();
  ASSERT_OK(due);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ(due->front().url, "https://b.example/");
  Advance(900 + 45);  // the interval and its most jitter (5 %)
  due = store_->DueSources();
  ASSERT_OK(due);
  EXPECT_EQ(due->size(), 2u);

  // Failures count up; Retry-After holds the source back.
  LeakStore::SourceResult fail{
      kSource, 503, "HTTP 503", true, clock_.Now() + std::chrono::seconds(7200), 0};
  ASSERT_OK(store_->WriteSourceResult(fail));
  ASSERT_OK(store_->WriteSourceResult(fail));
  Result<std::vector<LeakStore::SourceRow>> all = store_->ListSources();
  ASSERT_OK(all);
  ASSERT_EQ(all->size(), 2u);
  const LeakStore::SourceRow& feed = all->at(1);
  EXPECT_EQ(feed.url, kSource);
  EXPECT_EQ(feed.consecutive_failures, 2);
  EXPECT_EQ(feed.last_status, 503);
  EXPECT_EQ(feed.last_error, "HTTP 503");
  EXPECT_EQ(feed.last_fetched, clock_.Now() - std::chrono::seconds(945));  // the last answer
  EXPECT_EQ(feed.non_company_refs, 0);
  due = store_->DueSources();
  ASSERT_OK(due);
  ASSERT_EQ(due->size(), 1u);  // the feed waits for its Retry-After
  EXPECT_EQ(store_->WriteSourceResult({"https://nope.example/", 200, "", false, {}, 0}).code(),
            Status::Code::kNotFound);
}

TEST_P(StoreTest, UnconfiguredSourcesBecomeInactiveAndKeepTheirLeaks) {
  ASSERT_OK(store_->SyncSources({{kSource, "feed", 900}}));
  Write({Fetched("https://example.org/a", {CompanySighting("85512345678")}, kSource)});
  ASSERT_OK(store_->SyncSources({{"https://b.example/", "page", 3600}}));
  Result<std::vector<LeakStore::SourceRow>> all = store_->ListSources();
  ASSERT_OK(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_FALSE(all->at(1).active);
  EXPECT_EQ(all->at(1).open_leaks, 1);
  Result<std::vector<LeakStore::SourceRow>> due = store_->DueSources();
  ASSERT_OK(due);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ(due->front().url, "https://b.example/");
  EXPECT_EQ(ToString(Leak("85512345678").status), "open");
  EXPECT_EQ(store_->SyncSources({{kSource, "feed", 1}, {kSource, "page", 2}}).code(),
            Status::Code::kInvalidInput);
}

TEST_P(StoreTest, FetchStateKeepsValidatorsAcrossNotModified) {
  LeakStore::DocumentWrite d = Fetched("https://example.org/a", {});
  d.etag = "\"v1\"";
  d.last_modified = "Wed, 25 Nov 2026 10:00:00 GMT";
  d.non_company_refs = 4;
  Write({d});
  Advance(60);
  Write({WithOutcome("https://example.org/a", Outcome::kNotModified, 304)});
  Result<std::optional<LeakStore::FetchState>> f = store_->GetFetchState("https://example.org/a");
  ASSERT_OK(f);
  ASSERT_TRUE(f->has_value());
  EXPECT_EQ((*f)->etag, "\"v1\"");
  EXPECT_EQ((*f)->last_modified, "Wed, 25 Nov 2026 10:00:00 GMT");
  EXPECT_EQ((*f)->body_hash, "hash-https://example.org/a");
  EXPECT_EQ((*f)->last_status, 304);
  EXPECT_EQ((*f)->last_fetched, clock_.Now());
  EXPECT_EQ((*f)->non_company_refs, 4);
  EXPECT_EQ((*f)->source_url, kSource);
  f = store_->GetFetchState("https://example.org/never");
  ASSERT_OK(f);
  EXPECT_FALSE(f->has_value());
}

TEST_P(StoreTest, AddedKeyMarksForRefetchOnlyTheDocumentsThatHeldACandidateForIt) {
  LeakStore::DocumentWrite held = Fetched("https://example.org/held", {});
  held.candidate_keys = {LeakStore::CandidateKey(KeyKind::kMeetingId, "85512345679"),
                         LeakStore::CandidateKey(KeyKind::kVanity, "ana.b")};
  LeakStore::DocumentWrite other = Fetched("https://example.org/other", {});
  other.candidate_keys = {LeakStore::CandidateKey(KeyKind::kMeetingId, "85500000000")};
  Write({held, other});
  auto refetch = [&](const char* url) {
    Result<std::optional<LeakStore::FetchState>> f = store_->GetFetchState(url);
    EXPECT_TRUE(f.ok() && f->has_value());
    return f.ok() && f->has_value() && (*f)->refetch;
  };
  ASSERT_OK(store_->ReplaceInventory(Meetings(), std::nullopt));  // neither key is held
  EXPECT_FALSE(refetch("https://example.org/held"));
  std::vector<InventoryMeeting> more = Meetings();
  more.push_back({"85512345679", "ben@acme.example", "", MeetingKind::kScheduled});
  ASSERT_OK(store_->ReplaceInventory(more, std::nullopt));
  EXPECT_TRUE(refetch("https://example.org/held"));
  EXPECT_FALSE(refetch("https://example.org/other"));
  Write({WithOutcome("https://example.org/held", Outcome::kNotModified, 304)});
  EXPECT_TRUE(refetch("https://example.org/held")) << "a 304 read nothing new";
  Write({Fetched("https://example.org/held", {})});
  EXPECT_FALSE(refetch("https://example.org/held"));
  ASSERT_OK(store_->ReplaceInventory(more, std::nullopt));  // the same rows: nothing added
  ASSERT_OK(store_->ReplaceInventory(std::nullopt, std::vector<PersonalLink>{{"ana.b", "a@x.y"}}));
  EXPECT_FALSE(refetch("https://example.org/held")) << "its last body held no candidate";
}

TEST_P(StoreTest, FetchStatesAnswerEachUrlOfABatchInOrder) {
  // More URLs than one statement binds, stored ones among absent ones, and
  // one URL asked twice.
  std::vector<LeakStore::DocumentWrite> stored;
  std::vector<std::string> urls;
  for (int i = 0; i < 300; ++i) {
    const std::string url = "https://example.org/p" + std::to_string(i);
    urls.push_back(url);
    if (i % 3 != 0) continue;
    LeakStore::DocumentWrite d = Fetched(url, {});
    d.etag = "\"e" + std::to_string(i) + "\"";
    stored.push_back(d);
  }
  Write(stored);
  urls.push_back("https://example.org/p3");
  Result<std::vector<std::optional<LeakStore::FetchState>>> states = store_->GetFetchStates(urls);
  ASSERT_OK(states);
  ASSERT_EQ(states->size(), urls.size());
  for (int i = 0; i < 300; ++i) {
    const std::optional<LeakStore::FetchState>& f = (*states)[i];
    ASSERT_EQ(f.has_value(), i % 3 == 0) << urls[i];
    if (!f) continue;
    EXPECT_EQ(f->url, urls[i]);
    EXPECT_EQ(f->etag, "\"e" + std::to_string(i) + "\"");
  }
  ASSERT_TRUE(states->back().has_value());
  EXPECT_EQ(states->back()->etag, "\"e3\"");
  Result<std::vector<std::optional<LeakStore::FetchState>>> none = store_->GetFetchStates({});
  ASSERT_OK(none);
  EXPECT_TRUE(none->empty());
}

TEST_P(StoreTest, WatchListHoldsLinkedPagesAndPagesWithLiveLeaks) {
  ASSERT_OK(store_->SyncSources({{kSource, "feed", 900}}));
  const std::string a = "https://example.org/a", b = "https://example.org/b",
                    c = "https://example.org/c";
  LeakStore::DocumentWrite feed = Fetched(kSource, {}, kSource);
  feed.linked_urls = {a, b};
  LeakStore::DocumentWrite page_a = Fetched(a, {CompanySighting("85512345678")}, kSource);
  page_a.linked_urls = {c};  // a page followed one hop further
  Write({feed, page_a, Fetched(b, {}, kSource), Fetched(c, {}, kSource)});
  ASSERT_OK(store_->WriteSourceResult({kSource, 200, "", false, {}, 0}));
  Result<std::vector<std::string>> watch = store_->WatchList(kSource);
  ASSERT_OK(watch);
  EXPECT_EQ(*watch, (std::vector<std::string>{a, b, c}));
  Result<std::optional<LeakStore::FetchState>> fc = store_->GetFetchState(c);
  ASSERT_OK(fc);
  EXPECT_TRUE((*fc)->still_linked);

  // The feed drops both links: a stays for its open leak, b and c leave.
  Write({Fetched(kSource, {}, kSource)});
  ASSERT_OK(store_->WriteSourceResult({kSource, 200, "", false, {}, 0}));
  watch = store_->WatchList(kSource);
  ASSERT_OK(watch);
  EXPECT_EQ(*watch, std::vector<std::string>{a});
  // A 304 of the feed keeps what it linked; a failed pass changes nothing.
  ASSERT_OK(store_->WriteSourceResult({kSource, 503, "HTTP 503", true, {}, 0}));
  EXPECT_EQ(*store_->WatchList(kSource), std::vector<std::string>{a});

  // a's leak goes gone (404): nothing left to watch.
  Write({WithOutcome(a, Outcome::kGone, 404, kSource)});
  ASSERT_OK(store_->WriteSourceResult({kSource, 200, "", false, {}, 0}));
  watch = store_->WatchList(kSource);
  ASSERT_OK(watch);
  EXPECT_TRUE(watch->empty());
}

// A run asks for every source's watch list at once: more sources than one
// batched statement holds, a source asked twice, and one never stored.
TEST_P(StoreTest, WatchListsAnswersEachSourceOfAManySourceRead) {
  std::vector<LeakStore::SourceConfig> sources;
  std::vector<LeakStore::DocumentWrite> docs;
  std::vector<std::string> asked;
  for (int i = 0; i < 300; ++i) {
    const std::string src = "https://feed" + std::to_string(i) + ".example/f.xml";
    const std::string page = "https://site.example/p" + std::to_string(i);
    sources.push_back({src, "feed", 900});
    LeakStore::DocumentWrite feed = Fetched(src, {}, src);
    feed.linked_urls = {page};
    docs.push_back(feed);
    docs.push_back(Fetched(page, {}, src));
    asked.push_back(src);
  }
  ASSERT_OK(store_->SyncSources(sources));
  Write(docs);
  for (const auto& s : sources)
    ASSERT_OK(store_->WriteSourceResult({s.url, 200, "", false, {}, 0}));
  asked.push_back(asked[7]);
  asked.push_back("https://never.example/f.xml");
  Result<std::vector<std::vector<std::string>>> lists = store_->WatchLists(asked);
  ASSERT_OK(lists);
  ASSERT_EQ(lists->size(), asked.size());
  for (int i = 0; i < 300; ++i)
    EXPECT_EQ((*lists)[i], std::vector<std::string>{"https://site.example/p" + std::to_string(i)})
        << asked[i];
  EXPECT_EQ((*lists)[300], std::vector<std::string>{"https://site.example/p7"});
  EXPECT_TRUE((*lists)[301].empty());
}

TEST_P(StoreTest, StillLinkedFollowsOnlyTheSourcesOwnDocumentsThroughCycles) {
  const std::string other = "https://other.example/feed";
  ASSERT_OK(store_->SyncSources({{kSource, "feed", 900}, {other, "feed", 900}}));
  const std::string a = "https://example.org/a", b = "https://example.org/b",
                    c = "https://example.org/c", x = "https://other.example/x";
  LeakStore::DocumentWrite feed = Fetched(kSource, {}, kSource);
  feed.linked_urls = {a};
  LeakStore::DocumentWrite page_a = Fetched(a, {}, kSource);
  page_a.linked_urls = {b};
  LeakStore::DocumentWrite page_b = Fetched(b, {}, kSource);
  page_b.linked_urls = {a};  // a cycle
  // x belongs to the other source: its link to c is not the source's.
  LeakStore::DocumentWrite page_x = Fetched(x, {}, other);
  page_x.linked_urls = {c};
  Write({feed, page_a, page_b, page_x, Fetched(c, {}, kSource)});
  ASSERT_OK(store_->WriteSourceResult({kSource, 200, "", false, {}, 0}));
  EXPECT_EQ(*store_->WatchList(kSource), (std::vector<std::string>{a, b}));
  for (const auto& [url, linked] : std::vector<std::pair<std::string, bool>>{
           {kSource, false}, {a, true}, {b, true}, {c, false}}) {
    Result<std::optional<LeakStore::FetchState>> f = store_->GetFetchState(url);
    ASSERT_OK(f);
    ASSERT_TRUE(f->has_value()) << url;
    EXPECT_EQ((*f)->still_linked, linked) << url;
  }
}

TEST_P(StoreTest, RedirectedPageLeaksAreJudgedByTheRequestedUrl) {
  LeakStore::DocumentWrite d = Fetched("https://example.org/short", {CompanySighting("111111111")});
  d.page_url = "https://example.org/events/7";
  Write({d});
  EXPECT_EQ(Leak("111111111").page_url, "https://example.org/events/7");
  d.page_url = "https://example.org/events/8";  // the redirect moved
  d.sightings = {CompanySighting("222222222")};
  Write({d});
  EXPECT_EQ(ToString(Leak("111111111").status), "gone");
  EXPECT_EQ(Leak("222222222").page_url, "https://example.org/events/8");
}

// A reader on a second connection is never blocked by a writer and never
// sees half a transaction.
TEST_P(StoreTest, ReaderWhileWriterRuns) {
  constexpr int kGroups = 200, kPerGroup = 5;
  std::atomic<bool> done{false};
  std::thread writer([&] {
    FakeClock clock;
    Result<std::unique_ptr<LeakStore>> w = LeakStore::Open(db_path(), &clock);
    ASSERT_OK(w);
    for (int g = 0; g < kGroups; ++g) {
      std::vector<LeakStore::DocumentWrite> docs;
      for (int i = 0; i < kPerGroup; ++i) {
        std::string id = std::to_string(100000000 + g * kPerGroup + i);
        docs.push_back(Fetched("https://example.org/" + id, {CompanySighting(id)}));
      }
      ASSERT_OK((*w)->WriteDocuments(docs));
    }
    done = true;
  });
  std::size_t last = 0;
  int reads = 0;
  while (!done || reads == 0) {
    Result<std::vector<LeakStore::LeakRow>> rows = store_->ListLeaks({});
    ASSERT_OK(rows);
    EXPECT_EQ(rows->size() % kPerGroup, 0u) << "a reader saw half a group";
    EXPECT_GE(rows->size(), last);
    last = rows->size();
    ++reads;
  }
  writer.join();
  Result<std::vector<LeakStore::LeakRow>> rows = store_->ListLeaks({});
  ASSERT_OK(rows);
  EXPECT_EQ(rows->size(), static_cast<std::size_t>(kGroups * kPerGroup));
}

// SQLite's locking, which PostgreSQL's MVCC does not have.
class SqliteStoreTest : public StoreTest {};

// A writer holding its transaction open does not block reads of the store.
TEST_P(SqliteStoreTest, ReadsProceedWhileAnotherConnectionHoldsTheWriteLock) {
  Write({Fetched("https://example.org/a", {CompanySighting("111111111")})});
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(db_path().c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE; UPDATE leak SET status = 'gone';", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  EXPECT_EQ(ToString(Leak("111111111").status), "open");  // not the uncommitted change
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, BothBackends(), BackendName);
INSTANTIATE_TEST_SUITE_P(Sqlite, SqliteStoreTest, ::testing::Values(StoreBackend::kSqlite),
                         BackendName);

}  // namespace
}  // namespace meetleak::testing
