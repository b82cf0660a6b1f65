// Leases: how many `meetleak run` workers, on any machines, share one
// PostgreSQL database (DESIGN.md "Storage"; docs/postgresql.md "Several
// workers"). SQLite keeps its run lock (RunLock, db/store.h) instead: there
// every lease is granted at once and nothing is held.
//
//   Result<std::unique_ptr<Leases>> leases =
//       Leases::Open(db, {.worker = Leases::NewWorkerId(&host), .host = host, .lease = 60s},
//       clock);
//   (*leases)->Heartbeat();
//   Result<std::vector<Leases::Source>> mine = (*leases)->TakeSources({.limit = 256});
//   (*leases)->StartRenewing([&](const Status& s) { /* stop the pass */ });
//   … crawl; each SourceResult carries lease_holder = the worker's id …
//   (*leases)->StopRenewing();
//   (*leases)->ReleaseSources();
//
// A lease is a row's holder and expiry, the expiry taken from the
// database's clock (never the worker's): now() + lease seconds. Taking one
// is `SELECT … FOR UPDATE SKIP LOCKED` over the rows that are free, expired
// or the taker's own, so two workers never take one row, and a killed
// worker's rows are taken by another once their expiry passes. A holder
// renews its leases every third of the lease; a source's lease ends when
// its state is written (LeakStore::SourceResult::lease_holder: a state
// whose lease another worker took meanwhile is not written) or with
// ReleaseSources. Sources are fetched once per due interval whatever the
// number of workers: the state written with the lease's release moves
// next_due past now (db/due.h) in the same transaction.
//
// Jobs (TakeJob) are leases by name for what must run once at a time
// across workers: the inventory sync, notify, an archive file of sweep.
//
// Every worker is recorded (table worker) with its machine and when it was
// last seen — at each Heartbeat and renewal — for `status`. A worker holds a
// session-level advisory lock keyed by its id on its connection while it
// lives; HeldByOthers tells by it whether a holder's process is gone.
//
// Threads: one Leases is one connection of its own, guarded by a mutex:
// any thread may call it; the renewal runs on a thread of its own. Errors
// name the database as the store's do.
#ifndef MEETLEAK_DB_LEASES_H_
#define MEETLEAK_DB_LEASES_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/status.h"

namespace meetleak {

namespace db {
class Connection;
}  // namespace db

class Leases {
 public:
  using TimePoint = Clock::TimePoint;

  struct Options {
    std::string worker;              // this worker's id; "" for a reader (status)
    std::string host;                // the machine's name, as status shows it
    std::chrono::seconds lease{60};  // [storage] lease_s
  };
  // An id no other worker has: the machine's name, the pid and a random
  // suffix ("build-7.acme.example-4242-9f3a1c"). `*host` gets the name.
  static std::string NewWorkerId(std::string* host);

  // Opens a connection of its own to `database`, which LeakStore::Open has
  // made (its schema current). `clock` (borrowed) says when a source is due,
  // as LeakStore::DueSources does.
  static Result<std::unique_ptr<Leases>> Open(const std::string& database, Options options,
                                              Clock* clock);
  ~Leases();
  Leases(const Leases&) = delete;
  Leases& operator=(const Leases&) = delete;

  // PostgreSQL: leases are taken and held. SQLite: every lease is granted
  // at once, nothing is held (the run lock serializes runs).
  bool shared() const { return shared_; }
  const Options& options() const { return options_; }

  // Records that this worker lives (table worker: first seen, last seen).
  Status Heartbeat();
  struct Worker {
    std::string id, host;
    TimePoint last_seen;
    std::int64_t leases = 0;  // unexpired leases it holds: sources, hosts, jobs
  };
  // Workers seen within `window` of the database's now, last seen first.
  Result<std::vector<Worker>> Workers(std::chrono::seconds window);

  // --- Sources -------------------------------------------------------------
  struct Source {
    std::string url, kind;  // as stored (redacted), as LeakStore::SourceRow
  };
  struct Take {
    bool all = false;  // every active source, due or not (`run --all`)
    int limit = 0;     // at most this many (0: no limit)
    // PostgreSQL, > 0: only sources whose host (the URL's, lower-case, no
    // port) no other worker holds, on at most this many hosts, which are
    // leased with them (TakeHost); 0: hosts are not considered.
    int max_hosts = 0;
  };
  // Leases active sources due at the clock's now (next_due unset or not
  // after now) that no other worker holds, ordered as DueSources; SQLite:
  // the due sources, nothing leased.
  Result<std::vector<Source>> TakeSources(const Take& take);
  // Due sources that other workers hold: each one's URL, lease expiry and
  // holder, and whether the holder's process still lives (its connection to
  // the database is open: a worker holds a session lock on it while it
  // lives). A holder whose process is gone no longer renews: its sources
  // are free once `expires` passes.
  struct Held {
    std::string url;
    TimePoint expires;
    std::string holder;
    bool holder_lives = true;
  };
  Result<std::vector<Held>> HeldByOthers();
  // When the next source is due for this worker: the earliest next_due of
  // the active sources (a source never polled: now), a source another
  // worker holds counting at its lease's expiry if that is later; nullopt
  // when no source is active. What a daemon sleeps until.
  Result<std::optional<TimePoint>> NextWake();
  // Gives back every source lease this worker holds.
  Status ReleaseSources();

  // --- Hosts ---------------------------------------------------------------
  // Politeness across workers: one worker at a time fetches from a host.
  struct HostGrant {
    bool ours = false;
    TimePoint retry_at;    // not ours: when the holder's lease runs out
    TimePoint last_start;  // ours: when the last holder gave it back (epoch: never held)
    TimePoint held_until;  // ours: the back-off a holder recorded (epoch: none)
  };
  // Due sources no worker holds on hosts another worker holds: theirs to
  // take next, or free once the holder gives the host back.
  Result<std::int64_t> DueOnOthersHosts();
  // Takes (or keeps) the lease of host `name`. Times are this machine's
  // clock, converted from the database's. SQLite: always ours.
  Result<HostGrant> TakeHost(const std::string& name);
  // Gives back every host this worker holds, recording now as each one's
  // last start and the back-offs in `held_until` (host → until).
  Status ReleaseHosts(const std::vector<std::pair<std::string, TimePoint>>& held_until);
  // The same for those of the hosts `names` on which no source leased by
  // this worker is left (a host whose sources wait in this worker's queue
  // stays its): the hosts given back.
  Result<std::vector<std::string>> ReleaseIdleHosts(
      const std::vector<std::pair<std::string, TimePoint>>& held_until,
      const std::vector<std::string>& names);

  // --- Jobs ----------------------------------------------------------------
  // Takes the job lease `name`: false when another worker holds it.
  Result<bool> TakeJob(std::string_view name);
  Status ReleaseJob(std::string_view name);

  // --- Renewal -------------------------------------------------------------
  // Extends every lease this worker holds to now + lease, and its last seen.
  Status Renew();
  // Renews every third of the lease on a thread of its own until
  // StopRenewing(). `on_failure` (on that thread) is called once when a
  // renewal fails, or none succeeded for a whole lease: the leases may be
  // another worker's now, so the caller must stop writing what they cover.
  void StartRenewing(std::function<void(const Status&)> on_failure);
  void StopRenewing();

 private:
  Leases(std::unique_ptr<db::Connection> conn, Options options, Clock* clock, bool shared);
  Result<std::int64_t> DbNow();  // unix seconds by the database's clock
  Result<std::vector<Source>> TakeByHost(const Take& take);
  Status RenewOnce();  // one attempt of Renew
  Result<std::vector<std::string>> ReleaseHosts(
      const std::vector<std::pair<std::string, TimePoint>>& held_until,
      const std::optional<std::vector<std::string>>& names);
  // Whether `worker`'s session lock is free: its process is gone.
  Result<bool> SessionGone(const std::string& worker);
  Result<bool> LeaseHost(const std::string& name);
  struct Candidate;
  // The hosts a batch takes sources on (TakeByHost), new ones leased.
  Result<std::set<std::string>> BatchHosts(const std::vector<Candidate>& candidates, int max_hosts);
  // Takes or renews the lease (kind, name) unless another live holder has
  // it: whether it is now this worker's. What jobs and hosts share.
  Result<bool> TakeLease(std::string_view kind, std::string_view name);
  void RenewLoop(const std::function<void(const Status&)>& on_failure);

  std::unique_ptr<db::Connection> conn_;
  Options options_;
  Clock* clock_;
  bool shared_;
  std::mutex mu_;  // guards conn_
  std::mutex renew_mu_;
  std::condition_variable renew_cv_;
  bool renew_stop_ = false;
  std::thread renewer_;
};

}  // namespace meetleak

#endif  // MEETLEAK_DB_LEASES_H_
