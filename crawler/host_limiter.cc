#include "crawler/host_limiter.h"

#include <algorithm>
#include <vector>

namespace meetleak::crawler_internal {

HostLimiter::HostLimiter(boost::asio::io_context& io, int concurrency, int per_host,
                         std::chrono::milliseconds delay,
                         std::function<void(Id, const std::string&)> start, HostGate* gate)
    : io_(io),
      timer_(io),
      concurrency_(std::max(1, concurrency)),
      per_host_(std::max(1, per_host)),
      delay_(std::max(std::chrono::milliseconds(0), delay)),
      start_(std::move(start)),
      gate_(gate) {}

HostLimiter::~HostLimiter() {
  alive_.reset();
  timer_.cancel();
}

void HostLimiter::Enqueue(const std::string& name, Id id, std::chrono::milliseconds min_delay) {
  Host& host = hosts_[name];
  host.delay = std::max(delay_, min_delay);
  if (host.queued.empty()) waiting_.push_back(name);
  host.queued.push_back(id);
  SchedulePump();
}

void HostLimiter::Finished(const std::string& name) {
  --running_;
  auto it = hosts_.find(name);
  if (it != hosts_.end()) --it->second.running;
  ForgetIfIdle(name);
  SchedulePump();
}

void HostLimiter::HoldHost(const std::string& name, SteadyTime when) {
  Host& host = hosts_[name];
  host.held_until = std::max(host.held_until, when);
  if (gate_ != nullptr)
    gate_->HeldUntil(name, std::chrono::system_clock::now() +
                               std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                   when - std::chrono::steady_clock::now()));
}

namespace {

// A system-clock time as a steady-clock one (the gate speaks the former).
HostLimiter::SteadyTime ToSteady(std::chrono::system_clock::time_point t,
                                 HostLimiter::SteadyTime now) {
  return now + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                   t - std::chrono::system_clock::now());
}

}  // namespace

bool HostLimiter::Clear(const std::string& name, Host& host, SteadyTime now) {
  if (gate_ == nullptr || host.cleared) return true;
  const HostGate::Answer a = gate_->Ask(name);
  if (!a.ours) {
    host.held_until = std::max(host.held_until, ToSteady(a.retry_at, now));
    return false;
  }
  host.cleared = true;
  if (a.last_start != HostGate::TimePoint{})
    host.next_start = std::max(host.next_start, ToSteady(a.last_start, now) + host.delay);
  if (a.held_until != HostGate::TimePoint{})
    host.held_until = std::max(host.held_until, ToSteady(a.held_until, now));
  return true;
}

void HostLimiter::Clear() {
  for (auto& [name, host] : hosts_) host.queued.clear();
  waiting_.clear();
  for (auto it = hosts_.begin(); it != hosts_.end();)
    it = it->second.running == 0 ? Forget(it) : std::next(it);
}

HostLimiter::HostMap::iterator HostLimiter::Forget(HostMap::iterator it) {
  if (gate_ != nullptr && it->second.cleared) gate_->Idle(it->first);
  return hosts_.erase(it);
}

void HostLimiter::ForgetIfIdle(const std::string& name) {
  auto it = hosts_.find(name);
  if (it == hosts_.end()) return;
  const Host& h = it->second;
  SteadyTime now = std::chrono::steady_clock::now();
  if (h.running == 0 && h.queued.empty() && h.next_start <= now && h.held_until <= now) Forget(it);
}

void HostLimiter::SchedulePump() {
  if (pump_posted_) return;
  pump_posted_ = true;
  boost::asio::post(io_, [this, alive = std::weak_ptr<bool>(alive_)] {
    if (alive.expired()) return;
    pump_posted_ = false;
    Pump();
  });
}

// Starts at most one queued id of `host` if its limits allow; otherwise
// lowers `wake` to when time alone would allow it.
bool HostLimiter::StartOne(const std::string& name, Host& host, SteadyTime now, SteadyTime* wake) {
  if (host.queued.empty() || host.running >= per_host_) return false;
  SteadyTime ready = std::max(host.next_start, host.held_until);
  if (ready <= now) {  // time allows: the gate must too, and may move the times
    ready = Clear(name, host, now) ? std::max(host.next_start, host.held_until)
                                   : std::max(host.held_until, now + kGateRetry);
  }
  if (ready > now) {
    *wake = std::min(*wake, ready);
    return false;
  }
  Id id = host.queued.front();
  host.queued.pop_front();
  ++host.running;
  ++running_;
  host.next_start = now + host.delay;
  boost::asio::post(io_, [this, id, name, alive = std::weak_ptr<bool>(alive_)] {
    if (!alive.expired()) start_(id, name);
  });
  return true;
}

void HostLimiter::Pump() {
  SteadyTime now = std::chrono::steady_clock::now();
  if (hosts_.size() > kSweepAbove) {  // hosts seen once must not pile up in a daemon
    for (auto it = hosts_.begin(); it != hosts_.end();) {
      const Host& h = it->second;
      const bool idle =
          h.running == 0 && h.queued.empty() && h.next_start <= now && h.held_until <= now;
      it = idle ? Forget(it) : std::next(it);
    }
  }
  SteadyTime wake = SteadyTime::max();
  bool progress = true;
  while (progress && running_ < concurrency_ && !waiting_.empty()) {
    progress = false;
    for (auto it = waiting_.begin(); it != waiting_.end() && running_ < concurrency_;) {
      Host& host = hosts_[*it];
      if (StartOne(*it, host, now, &wake)) progress = true;
      if (host.queued.empty()) {
        it = waiting_.erase(it);
      } else {
        ++it;
      }
    }
  }
  if (wake == SteadyTime::max() || running_ >= concurrency_) return;
  if (wake >= timer_at_ && timer_at_ > now) return;  // an earlier wake-up is already set
  timer_at_ = wake;
  timer_.expires_at(wake);
  timer_.async_wait(
      [this, alive = std::weak_ptr<bool>(alive_)](const boost::system::error_code& ec) {
        if (ec || alive.expired()) return;
        timer_at_ = SteadyTime::max();
        Pump();
      });
}

}  // namespace meetleak::crawler_internal
