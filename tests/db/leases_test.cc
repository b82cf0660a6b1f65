// Leases (db/leases.h): workers over one PostgreSQL database share its
// sources and jobs; SQLite grants every lease at once.
#include "db/leases.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "db/schema.h"
#include "tests/db/store_fixture.h"

namespace meetleak::testing {
namespace {

using std::chrono::seconds;

// `n` page sources https://<host>H.example/<path>I, over `hosts` hosts in turn.
std::vector<LeakStore::SourceConfig> PageSources(int n, int hosts, const std::string& host,
                                                 const std::string& path) {
  std::vector<LeakStore::SourceConfig> sources;
  for (int i = 0; i < n; ++i)
    sources.push_back(
        {"https://" + host + std::to_string(i % hosts) + ".example/" + path + std::to_string(i),
         "page", 3600});
  return sources;
}

class LeasesTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    ASSERT_OK(store_->SyncSources(PageSources(10, 2, "h", "s")));
  }

  std::unique_ptr<Leases> Worker(const std::string& id, int lease_s = 60) {
    Result<std::unique_ptr<Leases>> l = Leases::Open(
        db_path(), {.worker = id, .host = "box-" + id, .lease = seconds(lease_s)}, &clock_);
    EXPECT_OK(l);
    return l.ok() ? std::move(*l) : nullptr;
  }

  static std::set<std::string> Urls(const Result<std::vector<Leases::Source>>& taken) {
    std::set<std::string> urls;
    EXPECT_OK(taken);
    if (taken.ok())
      for (const auto& s : *taken) urls.insert(s.url);
    return urls;
  }

  // The pass of `url` as the worker `holder` writes it.
  Status Poll(const std::string& url, const std::string& holder) {
    store_->set_lease_holder(holder);
    LeakStore::SourceResult r;
    r.url = url;
    r.status = 200;
    return store_->WriteSourceResult(r);
  }
};

TEST_P(LeasesTest, TwoWorkersNeverTakeOneSource) {
  std::unique_ptr<Leases> a = Worker("a"), b = Worker("b");
  ASSERT_TRUE(a && b);
  const std::set<std::string> first = Urls(a->TakeSources({.limit = 6}));
  EXPECT_EQ(first.size(), 6u);
  const std::set<std::string> second = Urls(b->TakeSources({}));
  if (sqlite()) {  // no leases: the run lock keeps a second run out instead
    EXPECT_FALSE(a->shared());
    EXPECT_EQ(second.size(), 10u);
    return;
  }
  EXPECT_EQ(second.size(), 4u);
  for (const std::string& url : second) EXPECT_EQ(first.count(url), 0u) << url;
  EXPECT_EQ(Urls(b->TakeSources({})), second) << "its own again, none of a's";
  Result<std::vector<Leases::Held>> held = b->HeldByOthers();
  ASSERT_OK(held);
  EXPECT_EQ(held->size(), 6u);
}

TEST_P(LeasesTest, AWrittenSourceIsNotDueAgainForAnyWorker) {
  std::unique_ptr<Leases> a = Worker("a"), b = Worker("b");
  ASSERT_TRUE(a && b);
  const std::set<std::string> mine = Urls(a->TakeSources({}));
  ASSERT_EQ(mine.size(), 10u);
  for (const std::string& url : mine) ASSERT_OK(Poll(url, sqlite() ? "" : "a"));
  ASSERT_OK(a->ReleaseSources());
  EXPECT_TRUE(Urls(b->TakeSources({})).empty());
  EXPECT_TRUE(Urls(a->TakeSources({})).empty());
}

TEST_P(LeasesTest, AKilledWorkersSourcesAreTakenOnceItsLeaseRunsOut) {
  if (sqlite()) GTEST_SUCCEED() << "SQLite takes no lease";
  if (sqlite()) return;
  std::unique_ptr<Leases> dead = Worker("dead", 1), b = Worker("b", 1);
  ASSERT_TRUE(dead && b);
  ASSERT_EQ(Urls(dead->TakeSources({.limit = 3})).size(), 3u);
  EXPECT_EQ(Urls(b->TakeSources({})).size(), 7u);
  dead.reset();  // no release, no renewal: as if killed
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  EXPECT_EQ(Urls(b->TakeSources({})).size(), 10u);  // its own 7 again, and the dead one's 3
}

// A lease of L seconds lasts at least L, wherever in the second it is taken
// (the database's clock counts whole seconds).
TEST_P(LeasesTest, AOneSecondLeaseLastsASecondWhereverInTheSecondItIsTaken) {
  if (sqlite()) return;
  std::unique_ptr<Leases> a = Worker("a", 1), b = Worker("b", 1);
  ASSERT_TRUE(a && b);
  for (int fraction_ms : {450, 950}) {
    using std::chrono::milliseconds;
    const auto since_second = std::chrono::duration_cast<milliseconds>(
                                  std::chrono::system_clock::now().time_since_epoch()) %
                              1000;
    std::this_thread::sleep_for(milliseconds((fraction_ms - since_second.count() + 1000) % 1000));
    const std::set<std::string> mine = Urls(a->TakeSources({.limit = 1}));
    ASSERT_EQ(mine.size(), 1u);
    std::this_thread::sleep_for(milliseconds(800));
    EXPECT_EQ(Urls(b->TakeSources({})).count(*mine.begin()), 0u)
        << "taken at ." << fraction_ms << " s, gone within 0.8 s";
    ASSERT_OK(a->ReleaseSources());
    ASSERT_OK(b->ReleaseSources());
  }
}

TEST_P(LeasesTest, RenewalKeepsTheLeasesAndAStateWhoseLeaseWasLostIsNotWritten) {
  if (sqlite()) return;
  std::unique_ptr<Leases> a = Worker("a", 1), b = Worker("b", 1);
  ASSERT_TRUE(a && b);
  ASSERT_EQ(Urls(a->TakeSources({.limit = 1})).size(), 1u);
  const std::string url = *Urls(a->TakeSources({.limit = 1})).begin();  // the same, its own
  int failures = 0;
  a->StartRenewing([&](const Status&) { ++failures; });
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  EXPECT_EQ(Urls(b->TakeSources({})).count(url), 0u) << "renewed: still a's";
  a->StopRenewing();
  EXPECT_EQ(failures, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  ASSERT_EQ(Urls(b->TakeSources({})).count(url), 1u) << "expired: b takes it";
  ASSERT_OK(Poll(url, "a"));  // a's pass ends late: not written
  Result<std::vector<LeakStore::SourceRow>> rows = store_->ListSources();
  ASSERT_OK(rows);
  for (const auto& r : *rows)
    if (r.url == url) {
      EXPECT_EQ(r.last_status, 0) << "a wrote the state of b's source";
    }
  ASSERT_OK(Poll(url, "b"));
  rows = store_->ListSources();
  ASSERT_OK(rows);
  for (const auto& r : *rows)
    if (r.url == url) {
      EXPECT_EQ(r.last_status, 200);
    }
}

// Sources on three hosts, three each: what the host-by-host tests take.
std::vector<LeakStore::SourceConfig> ThreeHosts() { return PageSources(9, 3, "x", "p"); }

std::string HostOf(const std::string& url) {
  const std::size_t start = url.find("://") + 3;
  return url.substr(start, url.find('/', start) - start);
}

std::set<std::string> HostsOf(const std::set<std::string>& urls) {
  std::set<std::string> hosts;
  for (const std::string& url : urls) hosts.insert(HostOf(url));
  return hosts;
}

// A batch takes sources on hosts no other worker holds, one host at a time
// here; once its host's sources are all taken (their fetches still
// running) the next batch moves on to a free host.
TEST_P(LeasesTest, ABatchTakesFreeHostsAndMovesOnOnceItsHostIsTaken) {
  if (sqlite()) return;
  ASSERT_OK(store_->SyncSources(ThreeHosts()));
  std::unique_ptr<Leases> a = Worker("a"), b = Worker("b");
  ASSERT_TRUE(a && b);
  const Leases::Take one_host{.limit = 10, .max_hosts = 1};
  const std::set<std::string> first = Urls(a->TakeSources(one_host));
  ASSERT_EQ(first.size(), 3u);
  ASSERT_EQ(HostsOf(first).size(), 1u);
  const std::set<std::string> other = Urls(b->TakeSources(one_host));
  ASSERT_EQ(other.size(), 3u);
  EXPECT_NE(HostsOf(other), HostsOf(first)) << "b took a's host";
  const std::set<std::string> next = Urls(a->TakeSources(one_host));
  ASSERT_EQ(next.size(), 3u) << "a stopped at its first host";
  EXPECT_NE(HostsOf(next), HostsOf(first));
  EXPECT_NE(HostsOf(next), HostsOf(other));
  EXPECT_TRUE(Urls(b->TakeSources(one_host)).empty());
}

// A host goes back (ReleaseIdleHosts) only once none of the worker's
// sources on it is leased still; meanwhile others see its free sources as
// waiting on it (DueOnOthersHosts).
TEST_P(LeasesTest, AnIdleHostGoesBackOnlyOnceItsSourcesAreWritten) {
  if (sqlite()) return;
  ASSERT_OK(store_->SyncSources(ThreeHosts()));
  std::unique_ptr<Leases> a = Worker("a"), b = Worker("b");
  ASSERT_TRUE(a && b);
  const std::set<std::string> mine = Urls(a->TakeSources({.limit = 2, .max_hosts = 1}));
  ASSERT_EQ(mine.size(), 2u);
  const std::string host = HostOf(*mine.begin());
  Result<std::int64_t> waiting = b->DueOnOthersHosts();
  ASSERT_OK(waiting);
  EXPECT_EQ(*waiting, 1) << "the host's third source waits on a";
  Result<std::vector<std::string>> back = a->ReleaseIdleHosts({}, {host});
  ASSERT_OK(back);
  EXPECT_TRUE(back->empty()) << "given back with its sources still leased";
  for (const std::string& url : mine) ASSERT_OK(Poll(url, "a"));
  back = a->ReleaseIdleHosts({}, {host});
  ASSERT_OK(back);
  EXPECT_EQ(*back, std::vector<std::string>{host});
  Result<Leases::HostGrant> grant = b->TakeHost(host);
  ASSERT_OK(grant);
  EXPECT_TRUE(grant->ours);
}

// A holder whose process is gone (its connection closed) is told from a
// live one at once; its leases still run until they expire.
TEST_P(LeasesTest, AHolderWhoseProcessIsGoneIsToldFromALiveOne) {
  if (sqlite()) return;
  std::unique_ptr<Leases> a = Worker("a"), b = Worker("b");
  ASSERT_TRUE(a && b);
  ASSERT_EQ(Urls(a->TakeSources({.limit = 2})).size(), 2u);
  Result<std::vector<Leases::Held>> held = b->HeldByOthers();
  ASSERT_OK(held);
  ASSERT_EQ(held->size(), 2u);
  for (const Leases::Held& h : *held) {
    EXPECT_EQ(h.holder, "a");
    EXPECT_TRUE(h.holder_lives);
  }
  a.reset();                      // its connection closes, as when the process is killed
  for (int i = 0; i < 50; ++i) {  // the server drops the session's locks as it notices
    held = b->HeldByOthers();
    ASSERT_OK(held);
    if (!held->empty() && !held->front().holder_lives) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(held->size(), 2u) << "its leases run until they expire";
  for (const Leases::Held& h : *held) EXPECT_FALSE(h.holder_lives);
}

// The host of a source, as the database reads it from the URL, is the
// name the fetcher asks the gate for: lower-case, without user or port.
TEST_P(LeasesTest, ASourcesHostIsItsUrlsHostLowerCaseWithoutUserOrPort) {
  if (sqlite()) return;
  const std::vector<std::pair<std::string, std::string>> url_host = {
      {"https://User@Host.EXAMPLE:8443/x", "host.example"},
      {"http://[::1]:8080/y", "[::1]"},
      {"HTTP://Abc.Example?q=1", "abc.example"},
      {"http://h.example#f", "h.example"},
      {"http://d.example:8080", "d.example"},
      {"https://plain.example/p/q", "plain.example"}};
  std::vector<LeakStore::SourceConfig> sources;
  for (const auto& [url, host] : url_host) sources.push_back({url, "page", 3600});
  ASSERT_OK(store_->SyncSources(sources));
  std::unique_ptr<Leases> a = Worker("a"), b = Worker("b");
  ASSERT_TRUE(a && b);
  for (const auto& [url, host] : url_host) {
    Result<Leases::HostGrant> grant = b->TakeHost(host);
    ASSERT_OK(grant);
    ASSERT_TRUE(grant->ours);
    Result<std::int64_t> waiting = a->DueOnOthersHosts();
    ASSERT_OK(waiting);
    EXPECT_EQ(*waiting, 1) << url << " is not on " << host;
    ASSERT_OK(b->ReleaseHosts({}));
  }
}

// A worker starting with the config the others already synced writes no
// source row, so it never waits on the row locks of workers at work.
TEST_P(LeasesTest, SyncingAnUnchangedConfigWaitsForNoWorkersRowLocks) {
  if (sqlite()) return;
  const std::vector<LeakStore::SourceConfig> sources = PageSources(10, 2, "h", "s");  // SetUp's
  std::thread busy([&] {  // another worker's transaction writing a source's state
    RawSql("",
           "BEGIN; UPDATE source SET last_status = 200 WHERE url = 'https://h0.example/s0'; "
           "SELECT pg_sleep(3); COMMIT;");
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  Result<std::unique_ptr<LeakStore>> second = LeakStore::Open(db_path(), &clock_);
  ASSERT_OK(second);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_OK((*second)->SyncSources(sources));
  const auto waited = std::chrono::steady_clock::now() - start;
  busy.join();
  EXPECT_LT(waited, std::chrono::milliseconds(1500)) << "waited for the other worker's row lock";
}

// Workers starting together on a new database sync the same config at
// once: one writes the sources, the others find them written. None writes
// them again: each would wait on the rows of the one before, and the rows
// it then holds would block (or deadlock, stalling for PostgreSQL's
// deadlock_timeout) the writes of those already at work.
TEST_P(LeasesTest, WorkersSyncingOneNewConfigTogetherWriteItOnce) {
  if (sqlite()) return;
  const std::vector<LeakStore::SourceConfig> sources = PageSources(3000, 7, "h", "new");
  store_.reset();  // its session ends, and reports the 10 sources it synced
  constexpr int kWorkers = 4;
  std::vector<std::unique_ptr<LeakStore>> workers;
  for (int i = 0; i < kWorkers; ++i) {
    Result<std::unique_ptr<LeakStore>> opened = LeakStore::Open(db_path(), &clock_);
    ASSERT_OK(opened);
    workers.push_back(std::move(*opened));
  }
  std::atomic<int> ready{0};
  std::vector<Status> synced(kWorkers);
  std::vector<std::thread> threads;
  for (int i = 0; i < kWorkers; ++i)
    threads.emplace_back([&, i] {
      ++ready;
      while (ready < kWorkers) std::this_thread::yield();
      synced[i] = workers[i]->SyncSources(sources);
    });
  for (std::thread& t : threads) t.join();
  for (const Status& s : synced) EXPECT_OK(s);
  workers.clear();  // their sessions end, and report their row counts
  // PostgreSQL's row counts: 10 + 3000 inserted, and only the 10 sources
  // the new config drops updated, as each session reports them at its end.
  std::string why, counts;
  for (int tries = 0; tries < 100; ++tries) {
    Result<std::string> out = PostgresServer::Shared(&why)->Psql(
        pg_name_, "SELECT n_tup_ins, n_tup_upd FROM pg_stat_user_tables WHERE relname = 'source'");
    ASSERT_OK(out);
    counts = *out;
    if (counts.rfind("3010|", 0) == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(counts, "3010|10\n") << "source rows inserted | updated";
}

TEST_P(LeasesTest, AJobIsOneWorkersAtATime) {
  std::unique_ptr<Leases> a = Worker("a", 1), b = Worker("b", 1);
  ASSERT_TRUE(a && b);
  Result<bool> got = a->TakeJob("notify");
  ASSERT_OK(got);
  EXPECT_TRUE(*got);
  got = b->TakeJob("notify");
  ASSERT_OK(got);
  EXPECT_EQ(*got, sqlite());  // SQLite: the run lock serializes instead
  got = b->TakeJob("inventory_sync");
  ASSERT_OK(got);
  EXPECT_TRUE(*got);
  ASSERT_OK(a->ReleaseJob("notify"));
  got = b->TakeJob("notify");
  ASSERT_OK(got);
  EXPECT_TRUE(*got);
}

TEST_P(LeasesTest, WorkersAreListedWithTheirLeases) {
  std::unique_ptr<Leases> a = Worker("a"), b = Worker("b");
  ASSERT_TRUE(a && b);
  ASSERT_OK(a->Heartbeat());
  ASSERT_OK(b->Heartbeat());
  ASSERT_EQ(Urls(a->TakeSources({.limit = 4})).size(), 4u);
  Result<bool> job = a->TakeJob("notify");
  ASSERT_OK(job);
  Result<std::vector<Leases::Worker>> workers = a->Workers(seconds(3600));
  ASSERT_OK(workers);
  ASSERT_EQ(workers->size(), 2u);
  for (const auto& w : *workers) {
    EXPECT_EQ(w.host, "box-" + w.id);
    EXPECT_EQ(w.leases, sqlite() || w.id == "b" ? 0 : 5) << w.id;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, LeasesTest, BothBackends(), BackendName);

TEST(LeasesSchemaTest, APostgresVersion7DatabaseMigratesToTheLatestKeepingItsSources) {
  std::string why;
  PostgresServer* server = PostgresServer::Shared(&why);
  ASSERT_NE(server, nullptr) << why;
  Result<std::string> name = server->NewDatabase();
  ASSERT_OK(name);
  ASSERT_OK(server->Psql(*name, db::PostgresBaselineSql() +
                                    "INSERT INTO meta VALUES ('schema_version', '7');"
                                    "INSERT INTO source (url, kind, interval_s, next_due) "
                                    "VALUES ('https://a.example/feed', 'feed', 60, 1);"));
  FakeClock clock;
  Result<std::unique_ptr<LeakStore>> store = LeakStore::Open(server->Url(*name), &clock);
  ASSERT_OK(store);
  Result<std::string> version =
      server->Psql(*name, "SELECT value FROM meta WHERE key = 'schema_version'");
  ASSERT_OK(version);
  EXPECT_NE(version->find(std::to_string(LeakStore::kSchemaVersion)), std::string::npos);
  Result<std::unique_ptr<Leases>> leases =
      Leases::Open(server->Url(*name), {.worker = "w", .host = "h"}, &clock);
  ASSERT_OK(leases);
  Result<std::vector<Leases::Source>> taken = (*leases)->TakeSources({});
  ASSERT_OK(taken);
  ASSERT_EQ(taken->size(), 1u);
  EXPECT_EQ(taken->front().url, "https://a.example/feed");
}

TEST(LeasesSchemaTest, ASqliteVersion7DatabaseMigratesToTheLatestKeepingItsSources) {
  TempDir dir;
  const std::string path = (dir.path() / "v7.db").string();
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
  std::string sql;
  for (int v = 0; v < 7; ++v) sql += std::string(db::Migrations()[v].sql);
  sql += "PRAGMA application_id = " + std::to_string(db::kApplicationId) +
         "; PRAGMA user_version = 7;"
         "INSERT INTO source (url, kind, interval_s, next_due) "
         "VALUES ('https://a.example/feed', 'feed', 60, 1);";
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << err;
  sqlite3_free(err);
  sqlite3_close(raw);
  FakeClock clock;
  Result<std::unique_ptr<LeakStore>> store = LeakStore::Open(path, &clock);
  ASSERT_OK(store);
  Result<std::unique_ptr<Leases>> leases = Leases::Open(path, {.worker = "w", .host = "h"}, &clock);
  ASSERT_OK(leases);
  ASSERT_OK((*leases)->Heartbeat());
  Result<std::vector<Leases::Source>> taken = (*leases)->TakeSources({});
  ASSERT_OK(taken);
  ASSERT_EQ(taken->size(), 1u);
  Result<std::vector<Leases::Worker>> workers = (*leases)->Workers(std::chrono::hours(1));
  ASSERT_OK(workers);
  ASSERT_EQ(workers->size(), 1u);
  EXPECT_EQ(workers->front().host, "h");
}

}  // namespace
}  // namespace meetleak::testing
