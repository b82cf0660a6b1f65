// Crash safety of the grouped commit of many sources (LeakStore::Write with
// source results): a child process writes, per transaction, the documents of
// several sources and the states of the sources whose last document is in it,
// and is SIGKILLed at random points. After each kill the DB must pass
// integrity_check, and no source's state may be stored ahead of a document
// reached from it: a source with a state has every one of its documents.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "tests/db/store_fixture.h"

namespace meetleak::testing {
namespace {

constexpr int kSources = 2000;
constexpr int kDocsPerSource = 4;  // besides the source's own document
constexpr int kSourcesPerGroup = 16;

std::string SourceUrl(int s) { return "https://grouped.example/s" + std::to_string(s); }
std::string DocUrl(int s, int n) { return SourceUrl(s) + "/doc" + std::to_string(n); }

// Source s's documents are split over two transactions: the first half in
// the group of s, the rest, its own document and its state in the next one
// (the way a source whose pages finish across a group boundary is written).
// Writes one byte to `ready_fd` once the first source states are committed,
// so the parent's kill lands while states stream whatever the machine's load.
[[noreturn]] void StreamSources(const std::string& path, int ready_fd) {
  FakeClock clock;
  Result<std::unique_ptr<LeakStore>> store = LeakStore::Open(path, &clock);
  if (!store.ok()) _exit(2);
  std::vector<LeakStore::SourceConfig> configs;
  for (int s = 0; s < kSources; ++s) configs.push_back({SourceUrl(s), "page", 3600});
  if (!(*store)->SyncSources(configs).ok()) _exit(3);
  for (int g = 0;; ++g) {
    std::vector<LeakStore::DocumentWrite> docs;
    std::vector<LeakStore::SourceResult> sources;
    for (int s = g * kSourcesPerGroup; s < (g + 1) * kSourcesPerGroup && s < kSources; ++s)
      for (int n = 0; n < kDocsPerSource / 2; ++n) {
        std::vector<LeakStore::Sighting> leak;
        if (n == 0) leak.push_back(CompanySighting(std::to_string(100000000 + s)));
        docs.push_back(Fetched(DocUrl(s, n), std::move(leak), SourceUrl(s)));
      }
    for (int s = (g - 1) * kSourcesPerGroup; g > 0 && s < g * kSourcesPerGroup; ++s) {
      LeakStore::DocumentWrite own = Fetched(SourceUrl(s), {}, SourceUrl(s));
      for (int n = 0; n < kDocsPerSource; ++n) {
        if (n >= kDocsPerSource / 2) docs.push_back(Fetched(DocUrl(s, n), {}, SourceUrl(s)));
        own.linked_urls.push_back(DocUrl(s, n));
      }
      docs.push_back(std::move(own));
      sources.push_back({SourceUrl(s), 200, "", false, {}, 0});
    }
    if (docs.empty()) pause();  // every source written: wait for the kill
    if (!(*store)->Write(docs, sources).ok()) _exit(4);
    if (g == 1 && write(ready_fd, "r", 1) != 1) _exit(5);
  }
}

int QueryInt(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sql;
  const int n = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int(stmt, 0) : -1;
  sqlite3_finalize(stmt);
  return n;
}

TEST(GroupedCrashTest, KilledPassNeverStoresASourceAheadOfItsDocuments) {
  TempDir dir;
  const unsigned seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> delay_us(0, 100'000);  // after the first states
  constexpr int kRounds = 20;
  int rounds_with_sources = 0;
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const std::string path = (dir.path() / ("grouped-" + std::to_string(round) + ".db")).string();
    int ready[2];
    ASSERT_EQ(pipe(ready), 0);
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) StreamSources(path, ready[1]);
    close(ready[1]);
    pollfd first_states{.fd = ready[0], .events = POLLIN, .revents = 0};
    ASSERT_EQ(poll(&first_states, 1, 60'000), 1) << "no source state committed";
    close(ready[0]);
    usleep(static_cast<useconds_t>(delay_us(rng)));
    ASSERT_EQ(kill(child, SIGKILL), 0);
    int wstatus = 0;
    ASSERT_EQ(waitpid(child, &wstatus, 0), child);
    ASSERT_TRUE(WIFSIGNALED(wstatus)) << "the writer exited with " << WEXITSTATUS(wstatus);

    FakeClock clock;
    Result<std::unique_ptr<LeakStore>> store = LeakStore::Open(path, &clock);  // recovers the WAL
    ASSERT_OK(store);
    ASSERT_OK((*store)->CheckIntegrity());
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    const int with_state = QueryInt(db, "SELECT count(*) FROM source WHERE next_due IS NOT NULL");
    // A source with a state whose documents are not all stored.
    const int ahead = QueryInt(
        db,
        "SELECT count(*) FROM source s WHERE s.next_due IS NOT NULL AND (SELECT count(*) FROM "
        "document d WHERE d.source_url = s.url AND d.url <> s.url) <> " +
            std::to_string(kDocsPerSource));
    EXPECT_EQ(ahead, 0) << "a source's state committed before its documents";
    // Every doc0 carries its leak: documents are whole.
    EXPECT_EQ(QueryInt(db, "SELECT count(*) FROM document WHERE url LIKE '%/doc0'"),
              QueryInt(db, "SELECT count(*) FROM leak"));
    // States are grouped: they come in whole groups of sources.
    EXPECT_EQ(with_state % kSourcesPerGroup, 0) << with_state << " source states";
    if (with_state > 0 && with_state < kSources) ++rounds_with_sources;
    sqlite3_close(db);
  }
  EXPECT_GE(rounds_with_sources, kRounds / 2);
  std::cout << "grouped crash test: " << kRounds << " kills, " << rounds_with_sources
            << " while source states were streaming, seed " << seed << "\n";
}

}  // namespace
}  // namespace meetleak::testing
