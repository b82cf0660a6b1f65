// The sources a `run` pass polls, taken through the database's leases
// (db/leases.h) in batches: with SQLite, one batch of every due source;
// with PostgreSQL, batches of at most `batch` sources that no other worker
// holds, until none is left. Internal to cli/.
#ifndef MEETLEAK_CLI_WORKER_H_
#define MEETLEAK_CLI_WORKER_H_

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/context.h"
#include "cli/stop_signals.h"
#include "crawler/fetcher.h"
#include "db/leases.h"

namespace meetleak::cli {

// The crawler's HostGate (crawler/fetcher.h) over the worker's host leases:
// a host is fetched from by one worker at a time. Hosts granted are kept
// until Release(), which gives them back with the back-offs seen, or
// ReleaseIdle() once the fetcher left them idle. Thread-safe.
class LeaseHostGate : public HostGate {
 public:
  explicit LeaseHostGate(Leases& leases) : leases_(leases) {}
  Answer Ask(const std::string& host) override;
  void HeldUntil(const std::string& host, TimePoint until) override;
  void Idle(const std::string& host) override;
  // Gives back every host.
  Status Release();
  // Gives back the hosts the fetcher left idle since it last asked for them.
  Status ReleaseIdle();

 private:
  Leases& leases_;
  // The fetcher's thread asks; a worker's batch is taken on another
  // (ReleaseIdle): this guards what follows.
  std::mutex mu_;
  std::map<std::string, Answer> ours_;
  std::set<std::string> idle_;  // ours, idle in the fetcher
  std::map<std::string, TimePoint> held_until_;
};

class SourceTaker {
 public:
  struct Options {
    bool all = false;   // every active source (run --all): one batch
    int batch = 0;      // PostgreSQL: sources per batch (0: no limit)
    int max_hosts = 0;  // PostgreSQL: hosts a batch's sources may be on (Leases::Take)
    // run --once: when the due sources left are other workers', wait for
    // the leases of those whose process is gone to run out and take what
    // they left; the sources of live workers are theirs to finish.
    bool wait_for_others = false;
    // Says what the worker waits for (an info line); may be empty.
    std::function<void(const std::string&)> info;
  };
  SourceTaker(Leases& leases, StopSignals& signals, Options options)
      : leases_(leases), signals_(signals), options_(std::move(options)), gate_(leases) {}

  // The next batch, URL → kind (as stored: redacted); empty when the pass
  // is over. A source is in at most one batch of a pass. The hosts of the
  // batch before are given back first.
  Result<std::map<std::string, std::string>> Next();
  // More sources for the batch running now, never waiting: the hosts the
  // fetcher left idle go back first; empty when no free source is due on a
  // host this worker may take now (or the first batch held them all).
  Result<std::map<std::string, std::string>> More();
  // What the fetcher of a batch asks before a host (null with SQLite).
  HostGate* gate() { return leases_.shared() ? &gate_ : nullptr; }
  // The pass is over: every source and host lease goes back.
  Status Finish();

 private:
  // Whether to wait for other workers' leases (sleeping until the first
  // of a gone worker's runs out) rather than end the pass.
  Result<bool> WaitForOthers();
  // Leases a batch; what this pass has not had yet.
  Result<std::map<std::string, std::string>> Take(bool all);

  Leases& leases_;
  StopSignals& signals_;
  Options options_;
  bool first_ = true;
  std::set<std::string> taken_;  // this pass's sources
  // How often a worker looks again at sources on other workers' hosts.
  static constexpr std::chrono::milliseconds kLookAgain{200};
  // Since when it has (WaitForOthers), if it has.
  std::optional<std::chrono::steady_clock::time_point> waiting_since_;
  LeaseHostGate gate_;
};

// Sleeps until `wake` (at most an hour, to pick up clock jumps), or a signal.
void SleepUntil(StopSignals& signals, Clock::TimePoint wake);

// Runs `job` holding the job lease `name` (db/leases.h), renewed while it
// runs, so that one worker at a time does it across every worker of the
// database: false, with an info line saying so, when another worker holds
// it (that is no error). SQLite: runs `job` (the run lock serializes).
// The context's store must be open.
Result<bool> RunAsJob(Context& ctx, std::string_view name, const std::function<Status()>& job);

}  // namespace meetleak::cli

#endif  // MEETLEAK_CLI_WORKER_H_
