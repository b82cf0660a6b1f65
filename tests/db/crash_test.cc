// Crash safety: a child process streams documents through WriteDocuments in
// groups and is SIGKILLed at random points; after each kill the DB must pass
// integrity_check and every document must be there whole or not at all.
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

constexpr int kGroup = 8;        // new documents per transaction
constexpr int kLeaksPerDoc = 3;  // company references on each document

std::string DocUrl(int round, int n) {
  return "https://crash.example/" + std::to_string(round) + "/" + std::to_string(n);
}

// Group g: documents g*kGroup… fetched (200, kLeaksPerDoc new leaks each),
// and group g-1's documents answered 304 (each of their leaks sighted a
// second time). Writes one byte to `ready_fd` once the first group is
// committed, so the parent's kill lands while documents stream whatever the
// machine's load. Runs until killed.
[[noreturn]] void StreamDocuments(const std::string& path, int round, int ready_fd) {
  Result<std::unique_ptr<LeakStore>> store = LeakStore::Open(path, SystemClock());
  if (!store.ok()) _exit(2);
  for (int g = 0;; ++g) {
    std::vector<LeakStore::DocumentWrite> docs;
    for (int n = g * kGroup; n < (g + 1) * kGroup; ++n) {
      std::vector<LeakStore::Sighting> sightings;
      for (int k = 0; k < kLeaksPerDoc; ++k)
        sightings.push_back(CompanySighting(std::to_string(100000000 + n * kLeaksPerDoc + k)));
      docs.push_back(Fetched(DocUrl(round, n), std::move(sightings)));
    }
    for (int n = (g - 1) * kGroup; g > 0 && n < g * kGroup; ++n)
      docs.push_back(WithOutcome(DocUrl(round, n), DocumentOutcome::kNotModified, 304));
    if (!(*store)->WriteDocuments(docs).ok()) _exit(3);
    if (g == 0 && write(ready_fd, "r", 1) != 1) _exit(4);
  }
}

struct RoundCheck {
  int documents = 0;
  int whole = 0;
};

// Every document of `round` whole: kLeaksPerDoc leaks, sighted twice iff the
// document's last answer was the 304.
RoundCheck CheckRound(sqlite3* db, int round) {
  RoundCheck check;
  const std::string sql =
      "SELECT d.last_status, count(l.id), min(l.sightings), max(l.sightings) FROM document d "
      "LEFT JOIN leak l ON l.document_id = d.id WHERE d.url LIKE 'https://crash.example/" +
      std::to_string(round) + "/%' GROUP BY d.id";
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK);
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    ++check.documents;
    const int status = sqlite3_column_int(stmt, 0);
    const int expect_sightings = status == 304 ? 2 : 1;
    if (sqlite3_column_int(stmt, 1) == kLeaksPerDoc &&
        sqlite3_column_int(stmt, 2) == expect_sightings &&
        sqlite3_column_int(stmt, 3) == expect_sightings)
      ++check.whole;
  }
  sqlite3_finalize(stmt);
  return check;
}

int CountLeaksOfRound(sqlite3* db, int round) {
  const std::string sql = "SELECT count(*) FROM leak WHERE page_url LIKE 'https://crash.example/" +
                          std::to_string(round) + "/%'";
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK);
  int n = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int(stmt, 0) : -1;
  sqlite3_finalize(stmt);
  return n;
}

RoundCheck ExpectWhole(sqlite3* db, int round) {
  RoundCheck check = CheckRound(db, round);
  EXPECT_EQ(check.whole, check.documents) << "round " << round << ": half a document";
  EXPECT_EQ(check.documents % kGroup, 0) << "round " << round << ": half a group";
  EXPECT_EQ(CountLeaksOfRound(db, round), check.documents * kLeaksPerDoc) << "round " << round;
  return check;
}

TEST(CrashTest, KilledWriterLeavesEveryDocumentWholeOrAbsent) {
  TempDir dir;
  const std::string path = (dir.path() / "crash.db").string();
  const unsigned seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> delay_us(0, 60'000);  // after the first commit
  constexpr int kRounds = 30;
  int rounds_with_data = 0;
  for (int round = 0; round < kRounds; ++round) {
    int ready[2];
    ASSERT_EQ(pipe(ready), 0);
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) StreamDocuments(path, round, ready[1]);
    close(ready[1]);
    pollfd first_commit{.fd = ready[0], .events = POLLIN, .revents = 0};
    ASSERT_EQ(poll(&first_commit, 1, 60'000), 1) << "round " << round << ": no first commit";
    close(ready[0]);
    usleep(static_cast<useconds_t>(delay_us(rng)));
    ASSERT_EQ(kill(child, SIGKILL), 0);
    int wstatus = 0;
    ASSERT_EQ(waitpid(child, &wstatus, 0), child);
    ASSERT_TRUE(WIFSIGNALED(wstatus)) << "round " << round << ": the writer exited with "
                                      << WEXITSTATUS(wstatus) << " before the kill";

    FakeClock clock;
    Result<std::unique_ptr<LeakStore>> store = LeakStore::Open(path, &clock);  // recovers the WAL
    ASSERT_OK(store);
    SCOPED_TRACE("round " + std::to_string(round));
    ASSERT_OK((*store)->CheckIntegrity());
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    RoundCheck check = ExpectWhole(db, round);
    if (check.documents > 0) ++rounds_with_data;
    sqlite3_close(db);
  }
  // Later rounds' recoveries left the earlier rounds intact too.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  for (int r = 0; r < kRounds; ++r) ExpectWhole(db, r);
  sqlite3_close(db);
  // Every kill landed while documents were streaming, after the first write.
  EXPECT_EQ(rounds_with_data, kRounds);
  std::cout << "crash test: " << kRounds << " kills, " << rounds_with_data
            << " during writes, seed " << seed << "\n";
}

}  // namespace
}  // namespace meetleak::testing
