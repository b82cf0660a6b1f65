// Leases (db/leases.h): sources, jobs and workers over one database.
#include "db/leases.h"

#include <unistd.h>

#include <map>
#include <random>

#include "db/leases_internal.h"
#include "db/postgres.h"
#include "db/sql_store.h"
#include "db/sqlite.h"
#include "db/store.h"

namespace meetleak {

using db::kNoLimit;
using db::Query;

namespace {

// Workers not seen for this long are forgotten (their rows only).
constexpr std::int64_t kForgetWorkersS = std::int64_t{7} * 86400;

// The session-level advisory lock a worker holds on its own connection for
// as long as it lives (pg_advisory_lock(0x6d6c6b77, hashtext(id))):
// the server drops it with the session, so another worker can tell a holder
// whose process is gone from one still at work. "mlkw".
#define MEETLEAK_LIVENESS_LOCK "1835822967, hashtext(?1)" /* 0x6d6c6b77, "mlkw" */

}  // namespace

std::string Leases::NewWorkerId(std::string* host) {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0')
    std::snprintf(name, sizeof name, "localhost");
  *host = name;
  std::random_device random;
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "%06x", random() & 0xffffffu);
  return *host + "-" + std::to_string(::getpid()) + "-" + suffix;
}

Leases::Leases(std::unique_ptr<db::Connection> conn, Options options, Clock* clock, bool shared)
    : conn_(std::move(conn)), options_(std::move(options)), clock_(clock), shared_(shared) {}

Leases::~Leases() { StopRenewing(); }

Result<std::unique_ptr<Leases>> Leases::Open(const std::string& database, Options options,
                                             Clock* clock) {
  std::unique_ptr<db::Connection> conn;
  const bool shared = IsPostgresUrl(database);
  if (shared) {
    Result<std::string> conninfo = PostgresConninfo(database);
    if (!conninfo.ok()) return Status::InvalidInput("database: " + conninfo.status().message());
    Result<std::unique_ptr<db::PgConnection>> pg = db::PgConnection::Open(*conninfo);
    if (!pg.ok()) return Status::IOError(pg.status().message());
    conn = std::move(*pg);
  } else {
    Result<std::unique_ptr<db::SqliteConnection>> sqlite = db::SqliteConnection::Open(database);
    if (!sqlite.ok()) return sqlite.status();
    MEETLEAK_RETURN_IF_ERROR((*sqlite)->Exec("PRAGMA busy_timeout = 5000"));
    conn = std::move(*sqlite);
  }
  if (options.lease < std::chrono::seconds(1)) options.lease = std::chrono::seconds(1);
  if (shared && !options.worker.empty()) {
    // Held until the connection ends. Another live worker with an id of the
    // same hash (1 in 2^32) keeps it instead: both then count as live.
    Result<Query> q = conn->Prepare("SELECT pg_try_advisory_lock(" MEETLEAK_LIVENESS_LOCK ")");
    if (!q.ok()) return q.status();
    q->Bind(1, options.worker);
    MEETLEAK_RETURN_IF_ERROR(q->Run());
  }
  return std::unique_ptr<Leases>(new Leases(std::move(conn), std::move(options), clock, shared));
}

Result<bool> Leases::SessionGone(const std::string& worker) {
  Result<Query> q = conn_->Prepare("SELECT CASE WHEN pg_try_advisory_lock(" MEETLEAK_LIVENESS_LOCK
                                   ") THEN 1 ELSE 0 END");
  if (!q.ok()) return q.status();
  q->Bind(1, worker);
  Result<bool> row = q->Step();
  if (!row.ok()) return row.status();
  const bool gone = *row && q->Int(0) != 0;
  MEETLEAK_RETURN_IF_ERROR(q->Run());
  if (!gone) return false;
  Result<Query> unlock = conn_->Prepare("SELECT pg_advisory_unlock(" MEETLEAK_LIVENESS_LOCK ")");
  if (!unlock.ok()) return unlock.status();
  unlock->Bind(1, worker);
  MEETLEAK_RETURN_IF_ERROR(unlock->Run());
  return true;
}

Result<std::int64_t> Leases::DbNow() {
  if (!shared_) return db::ToUnix(clock_->Now());
  return conn_->QueryInt("SELECT " MEETLEAK_PG_NOW);
}

Status Leases::Heartbeat() {
  std::lock_guard<std::mutex> hold(mu_);
  Result<std::int64_t> now = DbNow();
  if (!now.ok()) return now.status();
  Result<Query> q = conn_->Prepare(
      "INSERT INTO worker (id, host, started, last_seen) VALUES (?1, ?2, ?3, ?3) "
      "ON CONFLICT (id) DO UPDATE SET last_seen = ?3");
  if (!q.ok()) return q.status();
  q->Bind(1, options_.worker).Bind(2, options_.host).Bind(3, *now);
  MEETLEAK_RETURN_IF_ERROR(q->Run());
  Result<Query> forget = conn_->Prepare(
      "DELETE FROM worker WHERE last_seen < ?1 AND NOT EXISTS "
      "(SELECT 1 FROM source WHERE leased_by = worker.id)");
  if (!forget.ok()) return forget.status();
  forget->Bind(1, *now - kForgetWorkersS);
  return forget->Run();
}

Result<std::vector<Leases::Worker>> Leases::Workers(std::chrono::seconds window) {
  std::lock_guard<std::mutex> hold(mu_);
  Result<std::int64_t> now = DbNow();
  if (!now.ok()) return now.status();
  Result<Query> q = conn_->Prepare(
      "SELECT w.id, w.host, w.last_seen, "
      "(SELECT count(*) FROM source s WHERE s.leased_by = w.id AND s.lease_expires > ?2) + "
      "(SELECT count(*) FROM lease l WHERE l.holder = w.id AND l.expires > ?2) "
      "FROM worker w WHERE w.last_seen >= ?1 ORDER BY w.last_seen DESC, w.id");
  if (!q.ok()) return q.status();
  q->Bind(1, *now - window.count()).Bind(2, *now);
  std::vector<Worker> workers;
  Result<bool> row = q->Step();
  for (; row.ok() && *row; row = q->Step())
    workers.push_back({q->Text(0), q->Text(1), db::FromUnix(q->Int(2)), q->Int(3)});
  if (!row.ok()) return row.status();
  return workers;
}

Result<std::vector<Leases::Source>> Leases::TakeSources(const Take& take) {
  if (shared_ && take.max_hosts > 0 && !take.all) return TakeByHost(take);
  std::lock_guard<std::mutex> hold(mu_);
  Result<Query> q =
      shared_
          ? conn_->Prepare(
                "UPDATE source SET leased_by = ?1, lease_expires = " MEETLEAK_PG_LEASE_FROM
                " + ?2 "
                "WHERE id IN (SELECT id FROM source WHERE active = 1 "
                "AND (?3 <> 0 OR next_due IS NULL OR next_due <= ?4) "
                "AND (leased_by IS NULL OR leased_by = ?1 OR lease_expires <= " MEETLEAK_PG_NOW
                ") ORDER BY next_due IS NOT NULL, next_due, url LIMIT ?5 FOR UPDATE SKIP LOCKED) "
                "RETURNING url, kind, next_due")
          : conn_->Prepare(
                "SELECT url, kind, next_due FROM source WHERE active = 1 "
                "AND (?3 <> 0 OR next_due IS NULL OR next_due <= ?4) "
                "ORDER BY next_due IS NOT NULL, next_due, url LIMIT ?5");
  if (!q.ok()) return q.status();
  if (shared_) q->Bind(1, options_.worker).Bind(2, options_.lease.count());
  q->Bind(3, take.all).Bind(4, db::ToUnix(clock_->Now()));
  q->Bind(5, take.limit > 0 ? std::int64_t{take.limit} : kNoLimit);
  std::vector<Source> sources;
  Result<bool> row = q->Step();
  for (; row.ok() && *row; row = q->Step()) sources.push_back({q->Text(0), q->Text(1)});
  if (!row.ok()) return row.status();
  return sources;
}

Result<std::vector<Leases::Held>> Leases::HeldByOthers() {
  std::vector<Held> held;
  if (!shared_) return held;
  std::lock_guard<std::mutex> hold(mu_);
  {
    Result<Query> q = conn_->Prepare(
        "SELECT url, lease_expires, leased_by FROM source WHERE active = 1 "
        "AND (next_due IS NULL OR next_due <= ?2) AND leased_by IS NOT NULL AND leased_by <> ?1 "
        "AND lease_expires > " MEETLEAK_PG_NOW " ORDER BY lease_expires, url");
    if (!q.ok()) return q.status();
    q->Bind(1, options_.worker).Bind(2, db::ToUnix(clock_->Now()));
    Result<bool> row = q->Step();
    for (; row.ok() && *row; row = q->Step())
      held.push_back({q->Text(0), db::FromUnix(q->Int(1)), q->Text(2)});
    if (!row.ok()) return row.status();
  }
  std::map<std::string, bool> live;  // holder → its session lives
  for (Held& h : held) {
    auto it = live.find(h.holder);
    if (it == live.end()) {
      Result<bool> gone = SessionGone(h.holder);
      if (!gone.ok()) return gone.status();
      it = live.emplace(h.holder, !*gone).first;
    }
    h.holder_lives = it->second;
  }
  return held;
}

Result<std::optional<Leases::TimePoint>> Leases::NextWake() {
  std::lock_guard<std::mutex> hold(mu_);
  Result<Query> q =
      shared_ ? conn_->Prepare(
                    "SELECT min(CASE WHEN leased_by IS NOT NULL AND leased_by <> ?1 "
                    "AND lease_expires > " MEETLEAK_PG_NOW
                    " THEN greatest(coalesce(next_due, ?2), lease_expires) "
                    "ELSE coalesce(next_due, ?2) END) FROM source WHERE active = 1")
              : conn_->Prepare(
                    "SELECT min(coalesce(next_due, ?2)) FROM source WHERE active = 1 AND ?1 = ?1");
  if (!q.ok()) return q.status();
  q->Bind(1, options_.worker).Bind(2, db::ToUnix(clock_->Now()));
  Result<bool> row = q->Step();
  if (!row.ok()) return row.status();
  std::optional<TimePoint> wake;
  if (*row && !q->IsNull(0)) wake = db::FromUnix(q->Int(0));
  MEETLEAK_RETURN_IF_ERROR(q->Run());
  return wake;
}

Status Leases::ReleaseSources() {
  if (!shared_) return Status::OK();
  std::lock_guard<std::mutex> hold(mu_);
  Result<Query> q = conn_->Prepare(
      "UPDATE source SET leased_by = NULL, lease_expires = NULL WHERE leased_by = ?1");
  if (!q.ok()) return q.status();
  q->Bind(1, options_.worker);
  return q->Run();
}

Result<bool> Leases::TakeLease(std::string_view kind, std::string_view name) {
  Result<Query> q = conn_->Prepare(
      "INSERT INTO lease (kind, name, holder, expires) VALUES (?1, ?2, ?3, " MEETLEAK_PG_LEASE_FROM
      " + ?4) ON CONFLICT (kind, name) DO UPDATE SET holder = ?3, expires = " MEETLEAK_PG_LEASE_FROM
      " + ?4 WHERE lease.holder = '' OR lease.holder = ?3 OR lease.expires <= " MEETLEAK_PG_NOW
      " RETURNING 1");
  if (!q.ok()) return q.status();
  q->Bind(1, kind).Bind(2, name).Bind(3, options_.worker).Bind(4, options_.lease.count());
  Result<bool> row = q->Step();
  if (!row.ok()) return row.status();
  const bool ours = *row;
  MEETLEAK_RETURN_IF_ERROR(q->Run());
  return ours;
}

Result<bool> Leases::TakeJob(std::string_view name) {
  if (!shared_) return true;
  std::lock_guard<std::mutex> hold(mu_);
  return TakeLease("job", name);
}

Status Leases::ReleaseJob(std::string_view name) {
  if (!shared_) return Status::OK();
  std::lock_guard<std::mutex> hold(mu_);
  Result<Query> q = conn_->Prepare(
      "UPDATE lease SET holder = '', expires = 0 WHERE kind = 'job' AND name = ?1 "
      "AND holder = ?2");
  if (!q.ok()) return q.status();
  q->Bind(1, name).Bind(2, options_.worker);
  return q->Run();
}

// The renewal updates every source row the worker holds while its store
// writes some of them: PostgreSQL may end one of the two as a deadlock
// (kBusy). The store retries its write; the renewal is run again too.
Status Leases::Renew() {
  if (!shared_) return Status::OK();
  return db::RetryLostRace(db::Backend::kPostgres, [this] { return RenewOnce(); });
}

Status Leases::RenewOnce() {
  std::lock_guard<std::mutex> hold(mu_);
  Result<std::unique_ptr<db::Transaction>> tx = db::Transaction::Begin(conn_.get());
  if (!tx.ok()) return tx.status();
  for (std::string_view sql :
       {"UPDATE source SET lease_expires = " MEETLEAK_PG_LEASE_FROM " + ?2 WHERE leased_by = ?1",
        "UPDATE lease SET expires = " MEETLEAK_PG_LEASE_FROM " + ?2 WHERE holder = ?1"}) {
    Result<Query> q = conn_->Prepare(sql);
    if (!q.ok()) return q.status();
    q->Bind(1, options_.worker).Bind(2, options_.lease.count());
    MEETLEAK_RETURN_IF_ERROR(q->Run());
  }
  Result<Query> seen =
      conn_->Prepare("UPDATE worker SET last_seen = " MEETLEAK_PG_NOW " WHERE id = ?1");
  if (!seen.ok()) return seen.status();
  seen->Bind(1, options_.worker);
  MEETLEAK_RETURN_IF_ERROR(seen->Run());
  return (*tx)->Commit();
}

void Leases::StartRenewing(std::function<void(const Status&)> on_failure) {
  if (!shared_ || renewer_.joinable()) return;
  {
    std::lock_guard<std::mutex> hold(renew_mu_);
    renew_stop_ = false;
  }
  renewer_ = std::thread([this, f = std::move(on_failure)] { RenewLoop(f); });
}

void Leases::StopRenewing() {
  if (!renewer_.joinable()) return;
  {
    std::lock_guard<std::mutex> hold(renew_mu_);
    renew_stop_ = true;
  }
  renew_cv_.notify_all();
  renewer_.join();
}

void Leases::RenewLoop(const std::function<void(const Status&)>& on_failure) {
  using Steady = std::chrono::steady_clock;
  const auto every = std::chrono::duration_cast<std::chrono::milliseconds>(options_.lease) / 3;
  Steady::time_point last_ok = Steady::now();
  std::unique_lock<std::mutex> lock(renew_mu_);
  while (!renew_cv_.wait_for(lock, every, [this] { return renew_stop_; })) {
    lock.unlock();
    const Steady::time_point started = Steady::now();
    Status s = Renew();
    lock.lock();
    // A renewal that came after the lease ran out may have renewed leases
    // another worker took and gave back meanwhile: a failure too. One that
    // failed is not yet a lost lease, but nobody can say the next will come
    // in time: the caller stops now.
    if (s.ok() && Steady::now() - last_ok > options_.lease)
      s = Status::Unavailable("the leases of worker " + options_.worker + " were renewed too late");
    if (s.ok()) {
      last_ok = started;  // the renewed leases run from no earlier than this
      continue;
    }
    on_failure(s);
    return;
  }
}

}  // namespace meetleak
