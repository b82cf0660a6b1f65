// Leases (db/leases.h): host leases, and taking sources host by host.
#include <algorithm>
#include <map>
#include <set>

#include "db/leases.h"
#include "db/leases_internal.h"
#include "db/sql_store.h"

namespace meetleak {

using db::Query;

namespace {

// A URL's host as the fetcher names it: lower-case, without user or port
// (`url`: the source's column).
#define MEETLEAK_URL_HOST \
  "lower(substring(url FROM '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#]*@)?(\\[[^]]*\\]|[^/:?#]*)'))"

// Candidates read per source a batch may take: enough that a worker at its
// host limit still finds sources on its own hosts.
constexpr std::int64_t kCandidatesPerSource = 8;

Clock::TimePoint SinceNow(std::int64_t later_ms, std::int64_t db_now_ms) {
  return SystemClock()->Now() + std::chrono::milliseconds(later_ms - db_now_ms);
}

}  // namespace

Result<bool> Leases::LeaseHost(const std::string& name) { return TakeLease("host", name); }

// One transaction: the free due sources on hosts no other worker holds,
// locked (SKIP LOCKED), then this worker's hosts first and new ones up to
// max_hosts, each new host leased in name order (so two workers never wait
// on each other's host rows crosswise), then the chosen sources.
Result<std::vector<Leases::Source>> Leases::TakeByHost(const Take& take) {
  std::lock_guard<std::mutex> hold(mu_);
  Result<std::unique_ptr<db::Transaction>> tx = db::Transaction::Begin(conn_.get());
  if (!tx.ok()) return tx.status();
  struct Candidate {
    std::int64_t id;
    Source source;
    std::string host;
  };
  std::vector<Candidate> candidates;
  {
    Result<Query> q = conn_->Prepare(
        "SELECT id, url, kind, " MEETLEAK_URL_HOST
        " FROM source s WHERE active = 1 "
        "AND (next_due IS NULL OR next_due <= ?2) "
        "AND (leased_by IS NULL OR leased_by = ?1 OR lease_expires <= " MEETLEAK_PG_NOW
        ") "
        "AND NOT EXISTS (SELECT 1 FROM lease l WHERE l.kind = 'host' AND l.name "
        "= " MEETLEAK_URL_HOST
        " AND l.holder <> '' AND l.holder <> ?1 AND l.expires > " MEETLEAK_PG_NOW
        ") ORDER BY next_due IS NOT NULL, next_due, url LIMIT ?3 FOR UPDATE OF s SKIP LOCKED");
    if (!q.ok()) return q.status();
    q->Bind(1, options_.worker).Bind(2, db::ToUnix(clock_->Now()));
    q->Bind(3, take.limit > 0 ? take.limit * kCandidatesPerSource : db::kNoLimit);
    Result<bool> row = q->Step();
    for (; row.ok() && *row; row = q->Step())
      candidates.push_back({q->Int(0), {q->Text(1), q->Text(2)}, q->Text(3)});
    if (!row.ok()) return row.status();
  }
  std::set<std::string> mine;
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
  std::set<std::string> hosts = mine, added;
  std::vector<const Candidate*> chosen;
  for (const Candidate& c : candidates) {
    if (take.limit > 0 && static_cast<int>(chosen.size()) >= take.limit) break;
    if (hosts.count(c.host) == 0) {
      if (static_cast<int>(hosts.size()) >= take.max_hosts) continue;
      hosts.insert(c.host);
      added.insert(c.host);
    }
    chosen.push_back(&c);
  }
  std::set<std::string> refused;
  for (const std::string& host : added) {
    Result<bool> ours = LeaseHost(host);
    if (!ours.ok()) return ours.status();
    if (!*ours) refused.insert(host);
  }
  std::vector<Source> taken;
  std::string ids = "[";
  for (const Candidate* c : chosen) {
    if (refused.count(c->host) > 0) continue;
    ids += (taken.empty() ? "" : ",") + std::to_string(c->id);
    taken.push_back(c->source);
  }
  ids += "]";
  Result<Query> q = conn_->Prepare(
      std::string("UPDATE source SET leased_by = ?1, lease_expires = " MEETLEAK_PG_LEASE_FROM
                  " + ?3 WHERE id IN (") +
      std::string(conn_->dialect().ids_in_json) + ")");
  if (!q.ok()) return q.status();
  q->Bind(1, options_.worker).Bind(2, ids).Bind(3, options_.lease.count());
  MEETLEAK_RETURN_IF_ERROR(q->Run());
  MEETLEAK_RETURN_IF_ERROR((*tx)->Commit());
  return taken;
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
  if (!shared_) return Status::OK();
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
  Result<Query> q = conn_->Prepare(
      "UPDATE lease SET holder = '', expires = 0, last_start_ms = " MEETLEAK_PG_NOW_MS
      " WHERE kind = 'host' AND holder = ?1");
  if (!q.ok()) return q.status();
  q->Bind(1, options_.worker);
  MEETLEAK_RETURN_IF_ERROR(q->Run());
  return (*tx)->Commit();
}

}  // namespace meetleak
