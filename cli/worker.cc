#include "cli/worker.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <optional>

#include "base/asio.h"

namespace meetleak::cli {

void SleepUntil(StopSignals& signals, Clock::TimePoint wake) {
  auto now = SystemClock()->Now();
  wake = std::min(wake, now + std::chrono::hours(1));
  if (wake <= now || signals.stop_requested()) return;
  boost::asio::io_context io;
  boost::asio::system_timer timer(io, wake);
  signals.OnStop(&io, [&] { timer.cancel(); });
  timer.async_wait([](const boost::system::error_code&) {});
  io.run();
  signals.Clear();
}

HostGate::Answer LeaseHostGate::Ask(const std::string& host) {
  std::lock_guard<std::mutex> hold(mu_);
  if (auto it = ours_.find(host); it != ours_.end()) {
    idle_.erase(host);
    return it->second;
  }
  Result<Leases::HostGrant> grant = leases_.TakeHost(host);
  Answer a;
  if (!grant.ok()) {  // the renewal will tell the pass; meanwhile nothing goes to the host
    a.retry_at = SystemClock()->Now() + leases_.options().lease / 3;
    return a;
  }
  a.ours = grant->ours;
  a.retry_at = grant->retry_at;
  a.last_start = grant->last_start;
  a.held_until = grant->held_until;
  if (a.ours) ours_[host] = a;
  return a;
}

void LeaseHostGate::HeldUntil(const std::string& host, TimePoint until) {
  std::lock_guard<std::mutex> hold(mu_);
  TimePoint& t = held_until_[host];
  t = std::max(t, until);
}

void LeaseHostGate::Idle(const std::string& host) {
  std::lock_guard<std::mutex> hold(mu_);
  if (ours_.count(host) > 0) idle_.insert(host);
}

Status LeaseHostGate::Release() {
  std::lock_guard<std::mutex> hold(mu_);
  std::vector<std::pair<std::string, TimePoint>> held(held_until_.begin(), held_until_.end());
  ours_.clear();
  idle_.clear();
  held_until_.clear();
  return leases_.ReleaseHosts(held);
}

Status LeaseHostGate::ReleaseIdle() {
  std::lock_guard<std::mutex> hold(mu_);
  if (idle_.empty()) return Status::OK();
  std::vector<std::pair<std::string, TimePoint>> held;
  for (const std::string& host : idle_)
    if (auto it = held_until_.find(host); it != held_until_.end()) held.emplace_back(*it);
  Result<std::vector<std::string>> released =
      leases_.ReleaseIdleHosts(held, std::vector<std::string>(idle_.begin(), idle_.end()));
  if (!released.ok()) return released.status();
  // A host whose sources are still leased stays ours (and idle): asked again next time.
  for (const std::string& host : *released) {
    ours_.erase(host);
    idle_.erase(host);
    held_until_.erase(host);
  }
  return Status::OK();
}

Status SourceTaker::Finish() {
  Status hosts = gate_.Release();
  MEETLEAK_RETURN_IF_ERROR(leases_.ReleaseSources());
  return hosts;
}

Result<std::map<std::string, std::string>> SourceTaker::Take(bool all) {
  Result<std::vector<Leases::Source>> taken = leases_.TakeSources(
      {.all = all, .limit = all ? 0 : options_.batch, .max_hosts = options_.max_hosts});
  if (!taken.ok()) return taken.status();
  std::map<std::string, std::string> batch;
  for (const Leases::Source& s : *taken)
    if (taken_.insert(s.url).second) batch.emplace(s.url, s.kind);
  // Only sources polled earlier in this pass (an interval shorter than the
  // pass) is no batch: they wait for the next pass, leased until it ends.
  return batch;
}

Result<std::map<std::string, std::string>> SourceTaker::Next() {
  MEETLEAK_RETURN_IF_ERROR(gate_.Release());
  while (!signals_.stop_requested()) {
    const bool all = options_.all && first_;
    if (!first_ && (options_.all || !leases_.shared())) break;  // one batch holds them all
    first_ = false;
    Result<std::map<std::string, std::string>> batch = Take(all);
    if (!batch.ok() || !batch->empty()) return batch;
    // Nothing of ours is in flight between batches: what was re-taken goes back.
    MEETLEAK_RETURN_IF_ERROR(leases_.ReleaseSources());
    Result<bool> wait = WaitForOthers();
    if (!wait.ok()) return wait.status();
    if (!*wait) break;
  }
  return std::map<std::string, std::string>();
}

Result<std::map<std::string, std::string>> SourceTaker::More() {
  if (first_ || options_.all || !leases_.shared() || signals_.stop_requested())
    return std::map<std::string, std::string>();
  MEETLEAK_RETURN_IF_ERROR(gate_.ReleaseIdle());
  return Take(false);
}

Result<bool> SourceTaker::WaitForOthers() {
  if (!options_.wait_for_others || !leases_.shared()) return false;
  Result<std::vector<Leases::Held>> held = leases_.HeldByOthers();
  if (!held.ok()) return held.status();
  // A live holder renews its leases and finishes its sources; a gone one's
  // are free once they expire: wait for the first of those, then take it.
  std::optional<Clock::TimePoint> first;
  std::set<std::string> gone;
  for (const Leases::Held& h : *held) {
    if (h.holder_lives) continue;
    first = std::min(first.value_or(h.expires), h.expires);
    gone.insert(h.holder);
  }
  if (!first) {
    // Free sources on a host another worker holds: it takes them next, or
    // gives the host back as it ends its pass. Look again shortly, for at
    // most a lease, rather than leave them to the next run.
    Result<std::int64_t> blocked = leases_.DueOnOthersHosts();
    if (!blocked.ok()) return blocked.status();
    const auto now = std::chrono::steady_clock::now();
    if (*blocked == 0) return false;
    if (!waiting_since_) waiting_since_ = now;
    if (now - *waiting_since_ > leases_.options().lease) return false;
    SleepUntil(signals_, SystemClock()->Now() + kLookAgain);
    return true;
  }
  if (options_.info) {
    std::string names;
    for (const std::string& id : gone) names += (names.empty() ? "" : ", ") + id;
    options_.info("waiting for the source leases of workers gone meanwhile (" + names +
                  ") to run out");
  }
  // The expiry is the database's clock: a second more for the skew.
  SleepUntil(signals_, std::min(*first, SystemClock()->Now() + leases_.options().lease) +
                           std::chrono::seconds(1));
  return true;
}

Result<bool> RunAsJob(Context& ctx, std::string_view name, const std::function<Status()>& job) {
  Result<Leases*> leases = ctx.WorkerLeases();
  if (!leases.ok()) return leases.status();
  Result<bool> taken = (*leases)->TakeJob(name);
  if (!taken.ok()) return taken.status();
  if (!*taken) {
    ctx.log().Write(LogLevel::kInfo, "job_skipped", "",
                    std::string(name) + ": another worker of the database is doing it; skipped");
    return false;
  }
  std::atomic<bool> lost{false};
  (*leases)->StartRenewing([&lost](const Status&) { lost = true; });
  const Status done = job();
  (*leases)->StopRenewing();
  if (lost)
    ctx.Warn(std::string(name) + ": its lease was not renewed in time; another worker may " +
             "have done it too");
  const Status released = (*leases)->ReleaseJob(name);
  MEETLEAK_RETURN_IF_ERROR(done);
  MEETLEAK_RETURN_IF_ERROR(released);
  return true;
}

}  // namespace meetleak::cli
