#include "cli/worker.h"

#include <algorithm>
#include <atomic>
#include <chrono>

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
  if (auto it = ours_.find(host); it != ours_.end()) return it->second;
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
  TimePoint& t = held_until_[host];
  t = std::max(t, until);
}

Status LeaseHostGate::Release() {
  std::vector<std::pair<std::string, TimePoint>> held(held_until_.begin(), held_until_.end());
  ours_.clear();
  held_until_.clear();
  return leases_.ReleaseHosts(held);
}

Status SourceTaker::Finish() {
  Status hosts = gate_.Release();
  MEETLEAK_RETURN_IF_ERROR(leases_.ReleaseSources());
  return hosts;
}

Result<std::map<std::string, std::string>> SourceTaker::Next() {
  MEETLEAK_RETURN_IF_ERROR(gate_.Release());
  while (!signals_.stop_requested()) {
    const bool all = options_.all && first_;
    if (!first_ && (options_.all || !leases_.shared())) break;  // one batch holds them all
    first_ = false;
    Result<std::vector<Leases::Source>> taken = leases_.TakeSources(
        {.all = all, .limit = all ? 0 : options_.batch, .max_hosts = options_.max_hosts});
    if (!taken.ok()) return taken.status();
    std::map<std::string, std::string> batch;
    for (const Leases::Source& s : *taken)
      if (taken_.insert(s.url).second) batch.emplace(s.url, s.kind);
    if (!batch.empty()) return batch;
    // Only sources polled earlier in this pass (an interval shorter than
    // the pass): they wait for the next one.
    if (!taken->empty()) MEETLEAK_RETURN_IF_ERROR(leases_.ReleaseSources());
    Result<bool> wait = WaitForOthers();
    if (!wait.ok()) return wait.status();
    if (!*wait) break;
  }
  return std::map<std::string, std::string>();
}

Result<bool> SourceTaker::WaitForOthers() {
  if (!options_.wait_for_others || !leases_.shared()) return false;
  Result<std::vector<Leases::Held>> held = leases_.HeldByOthers();
  if (!held.ok()) return held.status();
  if (held->empty()) return false;
  // Every lease renewed since the last look: its holders live.
  bool renewed = !held_.empty();
  for (const Leases::Held& h : *held) {
    auto was = held_.find(h.url);
    if (was != held_.end() && h.expires <= was->second) renewed = false;
  }
  if (renewed) return false;
  held_.clear();
  Clock::TimePoint first = held->front().expires;
  for (const Leases::Held& h : *held) {
    held_[h.url] = h.expires;
    first = std::min(first, h.expires);
  }
  // The expiry is the database's clock: a second more for the skew.
  SleepUntil(signals_, std::min(first, SystemClock()->Now() + leases_.options().lease) +
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
