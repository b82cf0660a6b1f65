// The configured sources into the store (LeakStore::SyncSources).
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "db/due.h"
#include "db/postgres.h"
#include "db/schema.h"
#include "db/sql_store.h"

namespace meetleak::db {
namespace {

// The transaction-level advisory lock that makes one PostgreSQL session at a
// time write sources (kApplicationId itself is the migrations' lock).
constexpr std::int64_t kSourceSyncLock = std::int64_t{kApplicationId} + 1;

struct StoredSource {
  std::string kind;
  std::int64_t interval_s = 0;
  bool active = false;
  std::optional<std::int64_t> next_due, retry_after;
  int failures = 0;
};

// What the config changes in the store: sources to insert or update, and
// stored ones the config no longer names.
struct SourceChanges {
  std::map<std::string, StoredSource> stored;
  std::vector<const LeakStore::SourceConfig*> changed;
  std::vector<std::string> dropped;
  bool empty() const { return changed.empty() && dropped.empty(); }
};

Result<SourceChanges> ReadSourceChanges(Connection* conn,
                                        const std::vector<LeakStore::SourceConfig>& sources,
                                        const std::set<std::string>& seen) {
  SourceChanges changes;
  Result<Query> q = conn->Prepare(
      "SELECT url, kind, interval_s, active, next_due, consecutive_failures, retry_after "
      "FROM source WHERE kind <> 'watch'");
  if (!q.ok()) return q.status();
  Result<bool> row = q->Step();
  for (; row.ok() && *row; row = q->Step())
    changes.stored[q->Text(0)] = {q->Text(1),   q->Int(2),    q->Int(3) != 0,
                                  q->OptInt(4), q->OptInt(6), static_cast<int>(q->Int(5))};
  if (!row.ok()) return row.status();
  for (const LeakStore::SourceConfig& s : sources) {
    auto it = changes.stored.find(s.url);
    if (it == changes.stored.end() || it->second.kind != s.kind ||
        it->second.interval_s != s.interval_s || !it->second.active)
      changes.changed.push_back(&s);
  }
  for (const auto& [url, stored] : changes.stored)
    if (stored.active && seen.count(url) == 0) changes.dropped.push_back(url);
  return changes;
}

// The next_due a changed interval gives `s` (none when it is new, has never
// been fetched, or kept its interval): counted from the last attempt, which
// the due rule's delay for the old interval gives back from the stored one.
std::optional<std::int64_t> RescheduledDue(const LeakStore::SourceConfig& s,
                                           const std::map<std::string, StoredSource>& stored) {
  auto it = stored.find(s.url);
  if (it == stored.end() || !it->second.next_due || it->second.interval_s == s.interval_s)
    return std::nullopt;
  const StoredSource& old = it->second;
  const Clock::TimePoint attempt =
      FromUnix(*old.next_due) -
      NextDueDelay(s.url, std::chrono::seconds(old.interval_s), old.failures);
  return ToUnix(NextDue(s.url, std::chrono::seconds(s.interval_s), old.failures, attempt,
                        FromUnix(old.retry_after)));
}

// PostgreSQL: the new and changed sources whose next_due stays as it is
// (all of them, on a new database) in one statement, and the dropped ones
// in another. One upsert per source cost ~35 µs of the server each: 0.9 s
// for a new database of 25,600 sources, before any worker could start.
Status WriteSourcesInBulk(Connection* conn, const SourceChanges& changes,
                          std::vector<const LeakStore::SourceConfig*>* rescheduled) {
  std::vector<std::string> urls, kinds, intervals;
  for (const LeakStore::SourceConfig* s : changes.changed) {
    if (RescheduledDue(*s, changes.stored)) {
      rescheduled->push_back(s);
      continue;
    }
    urls.push_back(s->url);
    kinds.push_back(s->kind);
    intervals.push_back(std::to_string(s->interval_s));
  }
  if (!changes.dropped.empty()) {
    Result<Query> q = conn->Prepare("UPDATE source SET active = 0 WHERE url = ANY (?1::text[])");
    if (!q.ok()) return q.status();
    q->Bind(1, PgArrayLiteral(changes.dropped));
    MEETLEAK_RETURN_IF_ERROR(q->Defer());
  }
  if (urls.empty()) return Status::OK();
  Result<Query> q = conn->Prepare(
      "INSERT INTO source (url, kind, interval_s, active) SELECT u, k, i, 1 "
      "FROM unnest(?1::text[], ?2::text[], ?3::bigint[]) AS c (u, k, i) "
      "ON CONFLICT (url) DO UPDATE SET kind = excluded.kind, active = 1, "
      "interval_s = excluded.interval_s");
  if (!q.ok()) return q.status();
  q->Bind(1, PgArrayLiteral(urls))
      .Bind(2, PgArrayLiteral(kinds))
      .Bind(3, PgArrayLiteral(intervals));
  return q->Defer();
}

Status WriteSourceChanges(Connection* conn, const SourceChanges& changes) {
  std::vector<const LeakStore::SourceConfig*> one_by_one;
  if (conn->backend() == Backend::kPostgres) {
    MEETLEAK_RETURN_IF_ERROR(WriteSourcesInBulk(conn, changes, &one_by_one));
  } else {
    for (const std::string& url : changes.dropped) {
      Result<Query> q = conn->Prepare("UPDATE source SET active = 0 WHERE url = ?1");
      if (!q.ok()) return q.status();
      q->Bind(1, url);
      MEETLEAK_RETURN_IF_ERROR(q->Defer());
    }
    one_by_one = changes.changed;
  }
  for (const LeakStore::SourceConfig* s : one_by_one) {
    const std::optional<std::int64_t> next_due = RescheduledDue(*s, changes.stored);
    Result<Query> q = conn->Prepare(
        "INSERT INTO source (url, kind, interval_s, active) VALUES (?1, ?2, ?3, 1) "
        "ON CONFLICT (url) DO UPDATE SET kind = ?2, active = 1, interval_s = ?3, "
        "next_due = CASE WHEN ?5 <> 0 THEN ?4 ELSE source.next_due END");
    if (!q.ok()) return q.status();
    q->Bind(1, s->url).Bind(2, s->kind).Bind(3, s->interval_s).Bind(4, next_due);
    q->Bind(5, next_due.has_value());
    MEETLEAK_RETURN_IF_ERROR(q->Defer());
  }
  return Status::OK();
}

}  // namespace

// Reads the stored sources and writes only what the config changed: an
// unchanged config writes nothing and locks no row, so workers starting
// together over one database neither wait on each other nor hold back the
// takes and writes of those already at work. A source's next_due is written
// only when its interval changed (a new source has none: it is due at
// once); otherwise another worker's fetch, written meanwhile, would be
// undone and the source fetched twice.
//
// Workers starting together on a new database would all insert the same
// sources at once: each waiting on the rows of another, one at a time, and
// PostgreSQL ending some as deadlocks after a second (deadlock_timeout) in
// which every worker touching those rows stood still. So a config that
// changes something is written under an advisory lock, read again once the
// lock is held: the first worker writes, the others find it done.
Status SqlLeakStore::SyncSources(const std::vector<SourceConfig>& configured) {
  std::vector<SourceConfig> sources = configured;
  std::set<std::string> seen;
  for (SourceConfig& s : sources) {
    s.url = StoredUrl(s.url);
    if (!seen.insert(s.url).second)
      return Status::InvalidInput("source " + s.url + " is configured twice");
  }
  return RetryLostRace(conn_->backend(), [&] { return SyncSourcesOnce(sources, seen); });
}

Status SqlLeakStore::SyncSourcesOnce(const std::vector<SourceConfig>& sources,
                                     const std::set<std::string>& seen) {
  Result<SourceChanges> changes = ReadSourceChanges(conn_.get(), sources, seen);
  if (!changes.ok()) return changes.status();
  if (changes->empty()) return Status::OK();
  Result<std::unique_ptr<Transaction>> tx = Transaction::Begin(conn_.get());
  if (!tx.ok()) return tx.status();
  if (conn_->backend() == Backend::kPostgres)  // SQLite's BEGIN IMMEDIATE is the lock
    MEETLEAK_RETURN_IF_ERROR(
        conn_->Exec("SELECT pg_advisory_xact_lock(" + std::to_string(kSourceSyncLock) + ")"));
  changes = ReadSourceChanges(conn_.get(), sources, seen);
  if (!changes.ok()) return changes.status();
  MEETLEAK_RETURN_IF_ERROR(WriteSourceChanges(conn_.get(), *changes));
  return (*tx)->Commit();
}

}  // namespace meetleak::db
