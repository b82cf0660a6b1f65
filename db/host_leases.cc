// Leases (db/leases.h): host leases, and taking sources host by host.
#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <vector>

#include "db/leases.h"
#include "db/leases_internal.h"
#include "db/postgres.h"
#include "db/sql_store.h"

namespace meetleak {

using db::Query;

namespace {

// The predicates the take and DueOnOthersHosts share (?1 the worker, ?2
// the clock's now): a source held by no live lease; an active source, due
// and free; and the hosts other workers hold (read once per statement:
// `host IN (…)` is a hashed subplan, where a correlated EXISTS named each
// source's host once per host lease).
#define MEETLEAK_UNLEASED "(leased_by IS NULL OR lease_expires <= " MEETLEAK_PG_NOW ")"
#define MEETLEAK_FREE_DUE_SOURCE \
  "active = 1 AND (next_due IS NULL OR next_due <= ?2) AND " MEETLEAK_UNLEASED
#define MEETLEAK_HOSTS_HELD_BY_OTHERS                                         \
  "(SELECT l.name FROM lease l WHERE l.kind = 'host' AND l.holder <> '' AND " \
  "l.holder <> ?1 AND l.expires > " MEETLEAK_PG_NOW ")"

// The take's candidates: free due sources on hosts no other worker holds,
// the never polled first (by URL), then the most due. Two index scans
// (source_unpolled, source_due_order) that stop once they have ?3 rows; the
// second runs only when the first comes up short. One ORDER BY over both
// would read every due source: a take's cost would grow with the sources
// configured (~30 ms over 25,600), not with its batch.
#define MEETLEAK_CANDIDATES_WHERE(due)                                                           \
  "SELECT id, coalesce(next_due, 0), " MEETLEAK_URL_HOST                                         \
  " FROM source s WHERE active = 1 AND " due " AND " MEETLEAK_UNLEASED " AND " MEETLEAK_URL_HOST \
  " NOT IN " MEETLEAK_HOSTS_HELD_BY_OTHERS
constexpr const char* kCandidatesSql =
    "(" MEETLEAK_CANDIDATES_WHERE("next_due IS NULL") " ORDER BY url, id LIMIT ?3) UNION ALL ("
    MEETLEAK_CANDIDATES_WHERE("next_due <= ?2") " ORDER BY next_due, url LIMIT ?3) LIMIT ?3";

// Candidates read per source a batch may take: enough that a worker at its
// host limit still finds sources on its own hosts.
constexpr std::int64_t kCandidatesPerSource = 8;

Clock::TimePoint SinceNow(std::int64_t later_ms, std::int64_t db_now_ms) {
  return SystemClock()->Now() + std::chrono::milliseconds(later_ms - db_now_ms);
}

}  // namespace

Result<bool> Leases::LeaseHost(const std::string& name) { return TakeLease("host", name); }

// A free due source on a host no other worker holds.
struct Leases::Candidate {
  std::int64_t id;
  std::int64_t next_due;  // 0: never polled
  std::string host;
};

// Three steps, none of which waits on another worker's lock while holding
// one of its own:
//  1. the free due sources on hosts no other worker holds (no lock; this
//     worker's own leases are not free: they are in its batches already);
//  2. the batch's hosts: this worker's own that still have such sources (a
//     host whose sources are all taken, its last fetches still running,
//     does not count), then new ones up to max_hosts, each leased by a
//     statement of its own (a host another worker took meanwhile is passed
//     over for the next). New hosts go by their most due source, ties in
//     an order of this worker's own, so that workers starting together
//     spread over the hosts rather than race for one;
//  3. one transaction leases those hosts' free due sources (SKIP LOCKED).
Result<std::vector<Leases::Source>> Leases::TakeByHost(const Take& take) {
  std::lock_guard<std::mutex> hold(mu_);
  const std::int64_t now = db::ToUnix(clock_->Now());
  std::vector<Candidate> candidates;
  {
    Result<Query> q = conn_->Prepare(kCandidatesSql);
    if (!q.ok()) return q.status();
    q->Bind(1, options_.worker).Bind(2, now);
    q->Bind(3, take.limit > 0 ? take.limit * kCandidatesPerSource : db::kNoLimit);
    Result<bool> row = q->Step();
    for (; row.ok() && *row; row = q->Step())
      candidates.push_back({q->Int(0), q->Int(1), q->Text(2)});
    if (!row.ok()) return row.status();
  }
  Result<std::set<std::string>> hosts = BatchHosts(candidates, take.max_hosts);
  if (!hosts.ok()) return hosts.status();

  std::vector<Source> taken;
  if (hosts->empty()) return taken;
  Result<Query> q = conn_->Prepare(
      "UPDATE source SET leased_by = ?1, lease_expires = " MEETLEAK_PG_LEASE_FROM
      " + ?3 WHERE id IN (SELECT id FROM source WHERE " MEETLEAK_FREE_DUE_SOURCE
      " AND " MEETLEAK_URL_HOST
      " = ANY (?4::text[]) "
      "ORDER BY next_due IS NOT NULL, next_due, url LIMIT ?5 FOR UPDATE SKIP LOCKED) "
      "RETURNING url, kind");
  if (!q.ok()) return q.status();
  q->Bind(1, options_.worker).Bind(2, now).Bind(3, options_.lease.count());
  q->Bind(4, db::PgArrayLiteral({hosts->begin(), hosts->end()}))
      .Bind(5, take.limit > 0 ? std::int64_t{take.limit} : db::kNoLimit);
  Result<bool> row = q->Step();
  for (; row.ok() && *row; row = q->Step()) taken.push_back({q->Text(0), q->Text(1)});
  if (!row.ok()) return row.status();
  return taken;
}

Result<std::set<std::string>> Leases::BatchHosts(const std::vector<Candidate>& candidates,
                                                 int max_hosts) {
  std::set<std::string> mine, hosts;
  {
    Result<Query> q = conn_->Prepare(
        "SELECT name FROM lease WHERE kind = 'host' AND holder = ?1 AND expires "
        "> " MEETLEAK_PG_NOW);
    if (!q.ok()) return q.status();
    q->Bind(1, options_.worker);
    Result<bool> row = q->Step();
    for (; row.ok() && *row; row = q->Step()) mine.insert(q->Text(0));
    if (!row.ok()) return row.status();
  }
  // New hosts: (most due source, this worker's order, name).
  std::map<std::string, std::int64_t> due;
  for (const Candidate& c : candidates) {
    if (mine.count(c.host) > 0) {
      hosts.insert(c.host);
    } else if (auto [it, added] = due.emplace(c.host, c.next_due); !added) {
      it->second = std::min(it->second, c.next_due);
    }
  }
  std::vector<std::tuple<std::int64_t, std::size_t, std::string>> order;
  order.reserve(due.size());
  for (const auto& [host, next_due] : due)
    order.emplace_back(next_due, std::hash<std::string>()(options_.worker + "\n" + host), host);
  std::sort(order.begin(), order.end());
  for (const auto& [next_due, rank, host] : order) {
    if (static_cast<int>(hosts.size()) >= max_hosts) break;
    Result<bool> ours = LeaseHost(host);
    if (!ours.ok()) return ours.status();
    if (*ours) hosts.insert(host);
  }
  return hosts;
}

Result<std::int64_t> Leases::DueOnOthersHosts() {
  if (!shared_) return 0;
  std::lock_guard<std::mutex> hold(mu_);
  Result<Query> q = conn_->Prepare("SELECT count(*) FROM source s WHERE " MEETLEAK_FREE_DUE_SOURCE
                                   " AND " MEETLEAK_URL_HOST " IN " MEETLEAK_HOSTS_HELD_BY_OTHERS);
  if (!q.ok()) return q.status();
  q->Bind(1, options_.worker).Bind(2, db::ToUnix(clock_->Now()));
  Result<bool> row = q->Step();
  if (!row.ok()) return row.status();
  const std::int64_t n = *row ? q->Int(0) : 0;
  MEETLEAK_RETURN_IF_ERROR(q->Run());
  return n;
}

Result<Leases::HostGrant> Leases::TakeHost(const std::string& name) {
  HostGrant grant;
  grant.ours = true;
  if (!shared_) return grant;
  std::lock_guard<std::mutex> hold(mu_);
  Result<bool> ours = LeaseHost(name);
  if (!ours.ok()) return ours.status();
  Result<Query> q =
      conn_->Prepare("SELECT expires * 1000, last_start_ms, held_until, " MEETLEAK_PG_NOW_MS
                     " FROM lease WHERE kind = 'host' AND name = ?1");
  if (!q.ok()) return q.status();
  q->Bind(1, name);
  Result<bool> row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row) return conn_->Internal("host lease " + name + " vanished");
  const std::int64_t now_ms = q->Int(3);
  grant.ours = *ours;
  grant.retry_at = SinceNow(q->Int(0), now_ms);
  if (q->Int(1) > 0) grant.last_start = SinceNow(q->Int(1), now_ms);
  if (q->Int(2) > 0) grant.held_until = db::FromUnix(q->Int(2));
  MEETLEAK_RETURN_IF_ERROR(q->Run());
  return grant;
}

Status Leases::ReleaseHosts(const std::vector<std::pair<std::string, TimePoint>>& held_until) {
  return ReleaseHosts(held_until, std::nullopt).status();
}

Result<std::vector<std::string>> Leases::ReleaseIdleHosts(
    const std::vector<std::pair<std::string, TimePoint>>& held_until,
    const std::vector<std::string>& names) {
  if (names.empty()) return std::vector<std::string>();
  return ReleaseHosts(held_until, std::optional<std::vector<std::string>>(names));
}

Result<std::vector<std::string>> Leases::ReleaseHosts(
    const std::vector<std::pair<std::string, TimePoint>>& held_until,
    const std::optional<std::vector<std::string>>& names) {
  std::vector<std::string> released;
  if (!shared_) return released;
  std::lock_guard<std::mutex> hold(mu_);
  Result<std::unique_ptr<db::Transaction>> tx = db::Transaction::Begin(conn_.get());
  if (!tx.ok()) return tx.status();
  for (const auto& [host, until] : held_until) {
    Result<Query> q = conn_->Prepare(
        "UPDATE lease SET held_until = greatest(held_until, ?3) "
        "WHERE kind = 'host' AND name = ?1 AND holder = ?2");
    if (!q.ok()) return q.status();
    q->Bind(1, host).Bind(2, options_.worker).Bind(3, db::ToUnix(until) + 1);
    MEETLEAK_RETURN_IF_ERROR(q->Run());
  }
  for (std::size_t i = 0; i < (names ? names->size() : 1); ++i) {
    // A named host goes back only once none of this worker's sources on it
    // is leased still (its queued sources would otherwise wait for the host).
    Result<Query> q = conn_->Prepare(
        "UPDATE lease SET holder = '', expires = 0, last_start_ms = " MEETLEAK_PG_NOW_MS
        " WHERE kind = 'host' AND holder = ?1 AND (?2 = 0 OR (name = ?3 AND NOT EXISTS "
        "(SELECT 1 FROM source WHERE leased_by = ?1 AND " MEETLEAK_URL_HOST
        " = ?3))) RETURNING name");
    if (!q.ok()) return q.status();
    q->Bind(1, options_.worker).Bind(2, names.has_value()).Bind(3, names ? (*names)[i] : "");
    Result<bool> row = q->Step();
    for (; row.ok() && *row; row = q->Step()) released.push_back(q->Text(0));
    if (!row.ok()) return row.status();
  }
  MEETLEAK_RETURN_IF_ERROR((*tx)->Commit());
  return released;
}

}  // namespace meetleak
