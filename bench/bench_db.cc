// bench_db: sighting events/s of LeakStore::WriteDocuments with the product's
// group commit, on SQLite or PostgreSQL, beside (SQLite) the naive way: one
// transaction per event. In one run.
//
//   bench_db [--db PATH|postgresql://…] [--dir DIR] [--group N] [--pages P]
//            [--leaks-per-page L] [--passes K] [--smoke]
//
// A sighting event is one company reference seen on one document, written as
// the product writes it: the document's fetch state with its sightings, N =
// 256 documents per WriteDocuments (cli/store_sink.h kGroup). Defaults:
// 10 000 pages x 10 leaks = 100 000 leaks made untimed; then K = 10 timed
// passes of 10 000 documents each, 90% of them pages already stored (every
// sighting a repeat of an open leak) and 10% new pages (every sighting a new
// leak) = 1 000 000 events, 10% of them new leaks. On SQLite the naive way
// then sights a tenth of that count on the same DB. The stored leaks are
// checked through the store after each phase; the last line is
// `events/s X` (the grouped figure).
#include <sqlite3.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "db/store.h"
#include "matchers/leak.h"

namespace {

using meetleak::LeakStatus;
using meetleak::LeakStore;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string db;  // a SQLite path or a postgresql:// URL; "" = a file in dir
  std::string dir;
  int group = 256;
  int pages = 10'000;
  int leaks_per_page = 10;
  int passes = 10;
  bool smoke = false;  // exit 0 at any rate (the suite's smoke run)
};

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "bench_db: %s\n", what.c_str());
  std::exit(1);
}

Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "--smoke") {
      o.smoke = true;
      continue;
    }
    if (++i == argc) Die(flag + " needs a value");
    if (flag == "--db")
      o.db = argv[i];
    else if (flag == "--dir")
      o.dir = argv[i];
    else if (flag == "--group")
      o.group = std::atoi(argv[i]);
    else if (flag == "--pages")
      o.pages = std::atoi(argv[i]);
    else if (flag == "--leaks-per-page")
      o.leaks_per_page = std::atoi(argv[i]);
    else if (flag == "--passes")
      o.passes = std::atoi(argv[i]);
    else
      Die("unknown flag " + flag);
  }
  if (o.group < 1 || o.pages < 1 || o.leaks_per_page < 1 || o.passes < 1) Die("bad numbers");
  return o;
}

std::string MeetingId(int page, int k, int leaks_per_page) {
  return std::to_string(10'000'000'000LL + static_cast<long long>(page) * leaks_per_page + k);
}

std::string PageUrl(int page) { return "https://events.example/p/" + std::to_string(page); }

LeakStore::DocumentWrite PageDocument(const Options& o, int page, int pass) {
  LeakStore::DocumentWrite d;
  d.url = d.page_url = PageUrl(page);
  d.source_url = "https://events.example/feed.xml";
  d.outcome = meetleak::DocumentOutcome::kFetched;
  d.status = 200;
  d.etag = "\"" + std::to_string(pass) + "\"";
  d.body_hash = "sha256:" + std::to_string(page * 31 + pass);
  for (int k = 0; k < o.leaks_per_page; ++k) {
    LeakStore::Sighting s;
    s.ref.key = MeetingId(page, k, o.leaks_per_page);
    s.ref.host = "acme-corp.zoom.us";
    s.ref.link_type = meetleak::LinkType::kJoin;
    s.ref.classification.company = true;
    s.ref.classification.owner = "owner" + std::to_string(page % 500) + "@acme.example";
    s.ref.classification.meeting_kind = meetleak::MeetingKind::kScheduled;
    s.ref.classification.severity = meetleak::Severity::kHigh;
    s.ref.context = "Join: https://acme-corp.zoom.us/j/" + s.ref.key;
    d.sightings.push_back(std::move(s));
  }
  return d;
}

double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

struct Timing {
  long long events = 0;
  double wall = 0, cpu = 0;  // seconds inside WriteDocuments only
};

// One pass: a document for each of `pages`, `group` documents per
// WriteDocuments. The documents are built before the clock starts: only
// storage is timed.
void Pass(LeakStore& store, const Options& o, const std::vector<int>& pages, int pass, Timing* t) {
  std::vector<std::vector<LeakStore::DocumentWrite>> batches(1);
  for (int page : pages) {
    if (static_cast<int>(batches.back().size()) == o.group) batches.emplace_back();
    batches.back().push_back(PageDocument(o, page, pass));
  }
  const auto wall0 = Clock::now();
  const double cpu0 = CpuSeconds();
  for (const auto& batch : batches) {
    auto r = store.WriteDocuments(batch);
    if (!r.ok()) Die(r.status().ToString());
    t->events += r->sightings;
  }
  t->cpu += CpuSeconds() - cpu0;
  t->wall += std::chrono::duration<double>(Clock::now() - wall0).count();
}

// Pass `pass` (from 1) of the mix: 90% of o.pages documents are stored
// pages, taken in turn; 10% are new pages, numbered from *stored on.
std::vector<int> MixedPages(const Options& o, int pass, int* stored) {
  const int fresh = o.pages / 10, repeat = o.pages - fresh;
  std::vector<int> pages;
  pages.reserve(static_cast<std::size_t>(o.pages));
  for (int i = 0; i < repeat; ++i)
    pages.push_back(static_cast<int>((static_cast<long long>(pass) * repeat + i) % *stored));
  for (int i = 0; i < fresh; ++i) pages.push_back((*stored)++);
  return pages;
}

// The CLI's queries at this size (indexed: each should take milliseconds,
// except those that return most of the table).
void TimeQueries(LeakStore& store) {
  auto time = [](const char* what, auto&& query) {
    const auto start = Clock::now();
    auto rows = query();
    if (!rows.ok()) Die(rows.status().ToString());
    std::printf("query %-40s %7zu rows %8.1f ms\n", what, rows->size(),
                std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    return std::move(*rows);
  };
  if (!store.SyncSources({{"https://events.example/feed.xml", "feed", 900}}).ok()) Die("sync");
  time("DueSources", [&] { return store.DueSources(); });
  time("ListSources (per-source summary)", [&] { return store.ListSources(); });
  time("ListLeaks owner=owner7 status=open", [&] {
    return store.ListLeaks({LeakStatus::kOpen, "owner7@acme.example"});
  });
  time("ListLeaks status=acknowledged", [&] {
    return store.ListLeaks({LeakStatus::kAcknowledged, {}});
  });
  auto fresh = time("LeaksToNotify (all new)", [&] { return store.LeaksToNotify(); });
  std::vector<std::int64_t> ids;
  for (const auto& row : fresh) ids.push_back(row.id);
  const auto start = Clock::now();
  if (!store.MarkNotified(ids).ok()) Die("MarkNotified");
  std::printf("MarkNotified %zu leaks %.1f ms\n", ids.size(),
              std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  time("LeaksToNotify (after notice)", [&] { return store.LeaksToNotify(); });
  time("WatchList", [&] { return store.WatchList("https://events.example/feed.xml"); });
}

long long QueryInt(sqlite3* db, const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) != SQLITE_OK) Die(sqlite3_errmsg(db));
  long long v = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : -1;
  sqlite3_finalize(stmt);
  return v;
}

void Check(sqlite3* db, const char* what, const char* sql, long long want) {
  long long got = QueryInt(db, sql);
  std::printf("check %-34s %lld (want %lld) %s\n", what, got, want, got == want ? "ok" : "WRONG");
  if (got != want) Die(std::string("stored rows wrong: ") + what);
}

// The naive way: one autocommit UPDATE per sighting event (prepared once).
Timing Naive(const std::string& path, const Options& o, long long events) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) Die("open for naive");
  sqlite3_exec(db, "PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000", nullptr, nullptr,
               nullptr);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db,
                     "UPDATE leak SET last_seen = ?, sightings = sightings + 1 "
                     "WHERE key_kind = 'meeting_id' AND key = ? AND page_url = ?",
                     -1, &stmt, nullptr);
  const long long now = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
  const auto start = Clock::now();
  const double cpu0 = CpuSeconds();
  for (long long e = 0; e < events; ++e) {
    const int leak = static_cast<int>(e % (static_cast<long long>(o.pages) * o.leaks_per_page));
    const int page = leak / o.leaks_per_page, k = leak % o.leaks_per_page;
    const std::string id = MeetingId(page, k, o.leaks_per_page), url = PageUrl(page);
    sqlite3_bind_int64(stmt, 1, now);
    sqlite3_bind_text(stmt, 2, id.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 3, url.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(stmt) != SQLITE_DONE || sqlite3_changes(db) != 1) Die("naive update");
    sqlite3_reset(stmt);
  }
  Timing t;
  t.events = events;
  t.cpu = CpuSeconds() - cpu0;
  t.wall = std::chrono::duration<double>(Clock::now() - start).count();
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return t;
}

bool IsPostgres(const std::string& db) {
  return db.rfind("postgresql://", 0) == 0 || db.rfind("postgres://", 0) == 0;
}

// The stored leaks, read back through the store (either backend).
void CheckLeaks(LeakStore& store, const char* what, long long want_leaks,
                long long want_sightings) {
  auto rows = store.ListLeaks({});
  if (!rows.ok()) Die(rows.status().ToString());
  long long open = 0, sightings = 0;
  for (const auto& row : *rows) {
    open += row.status == LeakStatus::kOpen;
    sightings += row.sightings;
  }
  const long long leaks = static_cast<long long>(rows->size());
  const bool ok = leaks == want_leaks && open == want_leaks && sightings == want_sightings;
  std::printf("check %-22s leaks %lld, open %lld, sightings %lld (want %lld, %lld, %lld) %s\n",
              what, leaks, open, sightings, want_leaks, want_leaks, want_sightings,
              ok ? "ok" : "WRONG");
  if (!ok) Die(std::string("stored leaks wrong after ") + what);
}

void PrintRate(const char* what, long long events, const Timing& t) {
  std::printf(
      "%s: %lld events in %.2f s = %.0f events/s (CPU %.2f s: %.0f events per CPU second)\n", what,
      events, t.wall, events / t.wall, t.cpu, events / t.cpu);
}

}  // namespace

int main(int argc, char** argv) {
  Options o = Parse(argc, argv);
  const bool postgres = IsPostgres(o.db);
  std::filesystem::path dir =
      o.dir.empty() ? std::filesystem::temp_directory_path() : std::filesystem::path(o.dir);
  const std::string path =
      !o.db.empty() ? o.db : (dir / ("bench_db_" + std::to_string(getpid()) + ".db")).string();
  if (!postgres)
    for (const char* ext : {"", "-wal", "-shm"}) std::filesystem::remove(path + ext);

  auto store = LeakStore::Open(path, meetleak::SystemClock());
  if (!store.ok()) Die(store.status().ToString());
  const long long per_page = o.leaks_per_page;
  std::printf(
      "bench_db (%s): %d pages x %d leaks made, then %d passes of %d documents "
      "(90%% stored pages, 10%% new), %d documents/transaction\n",
      postgres ? "PostgreSQL" : "SQLite", o.pages, o.leaks_per_page, o.passes, o.pages, o.group);

  std::vector<int> first(static_cast<std::size_t>(o.pages));
  for (int page = 0; page < o.pages; ++page) first[static_cast<std::size_t>(page)] = page;
  Timing create;
  Pass(**store, o, first, 0, &create);
  PrintRate("create (all new)", create.events, create);
  CheckLeaks(**store, "create", o.pages * per_page, o.pages * per_page);

  int stored = o.pages;
  Timing timed;
  for (int pass = 1; pass <= o.passes; ++pass)
    Pass(**store, o, MixedPages(o, pass, &stored), pass, &timed);
  const long long events = timed.events;
  const double grouped = events / timed.wall;
  const long long total = create.events + events;
  CheckLeaks(**store, "mixed passes", stored * per_page, total);
  TimeQueries(**store);
  store->reset();

  const std::string grouped_what =
      "grouped (" + std::to_string(o.group) + " documents/transaction, 90% repeats, 10% new leaks)";
  PrintRate(grouped_what.c_str(), events, timed);
  if (!postgres) {
    sqlite3* db = nullptr;
    if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) Die("open for the naive way");
    const long long naive_events = events / 10;
    const Timing naive_timing = Naive(path, o, naive_events);
    Check(db, "sightings (+ naive)", "SELECT sum(sightings) FROM leak", total + naive_events);
    sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr);
    sqlite3_close(db);
    PrintRate("naive (one transaction per event, repeats only)", naive_events, naive_timing);
    std::printf("grouped / naive: %.1fx\n", grouped / (naive_events / naive_timing.wall));
    std::printf("DB size: %.1f MB (%s)\n", std::filesystem::file_size(path) / 1e6, path.c_str());
    if (o.db.empty())
      for (const char* ext : {"", "-wal", "-shm"}) std::filesystem::remove(path + ext);
  }
  std::printf("events/s %.0f\n", grouped);
  return o.smoke || grouped >= (postgres ? 30'000 : 100'000) ? 0 : 1;
}
