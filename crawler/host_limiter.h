// HostLimiter: who may start a request now, internal to crawler/.
//
// Holds queued request ids per host and starts them (through the `start`
// callback given at construction) while: fewer than `concurrency` requests
// run in all; fewer than `per_host` run to that host; at least the host's
// delay has passed since the previous start to that host (delay = max of the
// configured delay and the host's Crawl-delay); and the host's back-off time
// (after a 429/5xx) has passed. Waiting on time uses one Asio timer.
// `start` is never called from inside Enqueue()/Finished(): it is posted.
// With a HostGate (crawler/fetcher.h), a host is cleared with the gate
// before its first start: a host another process holds starts nothing and
// is asked again at the gate's retry_at; one that is ours takes the other
// process's last start (plus the delay) and back-off as its own; a cleared
// host forgotten when idle is reported to the gate (HostGate::Idle).
#ifndef MEETLEAK_CRAWLER_HOST_LIMITER_H_
#define MEETLEAK_CRAWLER_HOST_LIMITER_H_

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <memory>
#include <string>
#include <unordered_map>

#include "base/asio.h"
#include "crawler/fetcher.h"

namespace meetleak::crawler_internal {

class HostLimiter {
 public:
  using Id = std::uint64_t;
  using SteadyTime = std::chrono::steady_clock::time_point;

  HostLimiter(boost::asio::io_context& io, int concurrency, int per_host,
              std::chrono::milliseconds delay,
              std::function<void(Id, const std::string& host)> start, HostGate* gate = nullptr);
  ~HostLimiter();

  // Queues `id` for `host`; `min_delay` (a Crawl-delay) may raise the host's delay.
  void Enqueue(const std::string& host, Id id, std::chrono::milliseconds min_delay);
  // A request started for `host` has ended (its slot is free).
  void Finished(const std::string& host);
  // No start for `host` before `when` (back-off after 429/5xx).
  void HoldHost(const std::string& host, SteadyTime when);
  // Forgets every queued id (running ones still call Finished()).
  void Clear();

  int running() const { return running_; }

 private:
  static constexpr std::size_t kSweepAbove = 4096;
  // The least wait before asking the gate again about a host it refused.
  static constexpr std::chrono::milliseconds kGateRetry{500};
  struct Host {
    int running = 0;
    std::deque<Id> queued;
    std::chrono::milliseconds delay{0};
    SteadyTime next_start{};  // last start + delay
    SteadyTime held_until{};
    bool cleared = false;  // the gate (if any) said the host is ours
  };
  // Asks the gate about `host` unless cleared; false (and `host` held until
  // the gate's retry_at) while another process holds it.
  bool Clear(const std::string& name, Host& host, SteadyTime now);
  void SchedulePump();
  void Pump();
  bool StartOne(const std::string& name, Host& host, SteadyTime now, SteadyTime* wake);
  void ForgetIfIdle(const std::string& name);
  using HostMap = std::unordered_map<std::string, Host>;
  // Erases a host, telling the gate when it had cleared it; the next.
  HostMap::iterator Forget(HostMap::iterator it);

  boost::asio::io_context& io_;
  boost::asio::steady_timer timer_;
  int concurrency_, per_host_;
  std::chrono::milliseconds delay_;
  std::function<void(Id, const std::string&)> start_;
  HostGate* gate_;
  HostMap hosts_;
  std::list<std::string> waiting_;  // hosts with queued ids, round-robin order
  int running_ = 0;
  bool pump_posted_ = false;
  SteadyTime timer_at_ = SteadyTime::max();
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace meetleak::crawler_internal

#endif  // MEETLEAK_CRAWLER_HOST_LIMITER_H_
