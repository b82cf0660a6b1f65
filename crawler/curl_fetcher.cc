#include <algorithm>
#include <unordered_map>
#include <vector>

#include "base/url.h"
#include "crawler/address_guard.h"
#include "crawler/backoff.h"
#include "crawler/curl_asio.h"
#include "crawler/fetcher.h"
#include "crawler/host_limiter.h"
#include "crawler/robots.h"
#include "crawler/transfer.h"
#include "crawler/zoom_rule.h"

namespace meetleak::crawler_internal {
namespace {

namespace asio = boost::asio;
using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

constexpr long long kRobotsMaxBytes = 500LL * 1024;  // RFC 9309 2.5

// One Fetch() call (or an internal robots.txt fetch) through all its hops.
struct Job {
  std::uint64_t id = 0;
  FetchRequest request;
  Fetcher::Handler done;
  FetchResponse response;
  std::string url;  // the hop being admitted or fetched
  Url hop;          // the last admitted hop
  bool hop_trusted = false;
  bool hop_guarded = false;          // the address guard checked the hop (not lifted)
  std::string pin;                   // CURLOPT_RESOLVE entry of the hop, "" if none
  std::vector<std::string> visited;  // hops so far, to name redirect loops
  milliseconds crawl_delay{0};
  bool is_robots = false;
  bool holds_slot = false;  // counted as running by the limiter
  std::string slot_host;
  std::unique_ptr<Transfer> transfer;
  CurlAsio* driver = nullptr;  // the one `transfer` was added to
  SteadyClock::time_point started = SteadyClock::now();
  std::string status_note;  // added to an HTTP error's message (a capped Retry-After)
  std::string cause;        // a failure's message without the URL
};

bool IsRedirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

class CurlFetcher : public Fetcher {
 public:
  CurlFetcher(asio::io_context& io, FetcherOptions options,
              std::function<bool(std::string_view)> is_meeting_url, Resolver* resolver,
              Clock* clock, HostGate* gate)
      : io_(io),
        options_(std::move(options)),
        is_meeting_url_(std::move(is_meeting_url)),
        own_resolver_(resolver ? nullptr : NewSystemResolver(io)),
        resolver_(resolver ? resolver : own_resolver_.get()),
        clock_(clock ? clock : SystemClock()),
        product_token_(ProductToken(options_.user_agent)),
        // A connection per transfer that may run at once stays open between
        // them: a pass reuses its connections to the end.
        driver_(io, options_.concurrency),
        guarded_driver_(io, options_.concurrency),
        limiter_(
            io, options_.concurrency, options_.per_host, milliseconds(options_.delay_ms),
            [this](HostLimiter::Id id, const std::string& host) { StartTransfer(id, host); },
            gate) {}

  ~CurlFetcher() override {
    CancelAll();
    alive_.reset();
  }

  void Fetch(FetchRequest request, Handler done) override {
    auto job = std::make_unique<Job>();
    job->id = next_id_++;
    job->url = request.url;
    job->hop_trusted = request.trusted;
    job->request = std::move(request);
    job->done = std::move(done);
    Job& ref = *job;
    jobs_[ref.id] = std::move(job);
    Admit(ref);
  }

  void CancelWaiting() override {
    std::vector<std::uint64_t> waiting;
    for (const auto& [id, job] : jobs_)
      if (!job->transfer && !job->is_robots) waiting.push_back(id);
    for (std::uint64_t id : waiting) {
      std::unique_ptr<Job> job = std::move(jobs_.extract(id).mapped());
      if (job->holds_slot) limiter_.Finished(job->slot_host);
      job->response.error = FetchError::kCancelled;
      job->response.error_message = SafeUrl(job->url) + ": cancelled";
      Deliver(*job);
    }
  }

  void CancelAll() override {
    auto jobs = std::move(jobs_);
    jobs_.clear();
    robots_waiters_.clear();
    limiter_.Clear();
    for (auto& [id, job] : jobs) {
      if (job->transfer) job->driver->Remove(job->transfer->easy());
      if (job->holds_slot) limiter_.Finished(job->slot_host);
      if (job->is_robots) continue;
      job->response.error = FetchError::kCancelled;
      job->response.error_message = SafeUrl(job->url) + ": cancelled";
      Deliver(*job);
    }
  }

 private:
  Job* Find(std::uint64_t id) {
    auto it = jobs_.find(id);
    return it == jobs_.end() ? nullptr : it->second.get();
  }

  // --- admission of one hop ---

  void Admit(Job& job) {
    Result<Url> parsed = Url::Parse(job.url);
    if (!parsed.ok()) return Fail(job, FetchError::kBadUrl, "not a valid absolute URL");
    if (parsed->scheme() != "http" && parsed->scheme() != "https") {
      return Fail(job, FetchError::kBadUrl,
                  "scheme '" + parsed->scheme() + "' is not http or https");
    }
    if (IsZoomUrlHost(parsed->lookup_host()) || (is_meeting_url_ && is_meeting_url_(job.url))) {
      // The message names the host only: the URL may carry a passcode or token.
      job.response.error = FetchError::kRefusedZoom;
      job.response.error_message = "Zoom-host rule: a URL on " + parsed->host() +
                                   " is a Zoom meeting link or holds a meeting reference; "
                                   "meetleak never fetches those";
      return Finish(job);
    }
    if (std::find(job.visited.begin(), job.visited.end(), parsed->spec()) != job.visited.end()) {
      return Fail(job, FetchError::kTooManyRedirects, "redirect loop");
    }
    job.visited.push_back(parsed->spec());
    job.hop = std::move(*parsed);
    job.pin.clear();
    Guard(job);
  }

  void Guard(Job& job) {
    bool lifted =
        job.hop_trusted || options_.allow_private_addresses || job.request.allow_private_addresses;
    job.hop_guarded = !lifted;
    if (lifted) return CheckRobots(job);
    if (IsIpLiteral(job.hop.host())) {
      Status s = CheckAddresses(job.hop.host(), {job.hop.host()});
      if (!s.ok()) return Fail(job, FetchError::kRefusedGuard, s.message());
      return CheckRobots(job);
    }
    resolver_->Resolve(job.hop.host(), [this, id = job.id, alive = std::weak_ptr<bool>(alive_)](
                                           const Result<std::vector<std::string>>& addresses) {
      if (alive.expired()) return;
      Job* job = Find(id);
      if (!job) return;
      OnResolved(*job, addresses);
    });
  }

  void OnResolved(Job& job, const Result<std::vector<std::string>>& addresses) {
    bool proxied = !options_.proxy.empty();
    if (!addresses.ok()) {
      // Behind a proxy the proxy resolves names it alone can see.
      if (proxied) return CheckRobots(job);
      return Fail(job, FetchError::kDns, "DNS failure: " + addresses.status().message());
    }
    Status s = CheckAddresses(job.hop.host(), *addresses);
    if (!s.ok()) return Fail(job, FetchError::kRefusedGuard, s.message());
    if (!proxied) job.pin = CurlResolveEntry(job.hop.host(), job.hop.port(), *addresses);
    CheckRobots(job);
  }

  // --- robots.txt ---

  void CheckRobots(Job& job) {
    if (!options_.respect_robots || job.is_robots) return Enqueue(job);
    if (const RobotsCache::Entry* cached = robots_.Lookup(job.hop.origin(), clock_->Now())) {
      return ApplyRobots(job, *cached);
    }
    std::vector<std::uint64_t>& waiters = robots_waiters_[job.hop.origin()];
    waiters.push_back(job.id);
    if (waiters.size() == 1) StartRobotsFetch(job);
  }

  void ApplyRobots(Job& job, const RobotsCache::Entry& robots) {
    // A robots.txt that could not be read stands for "disallow all" for a
    // while (RFC 9309); every request it holds back names why.
    if (robots.failure) return Fail(job, robots.failure->error, robots.failure->cause);
    if (!robots.rules.IsAllowed(job.hop.path_and_query())) {
      return Fail(job, FetchError::kRobots, "disallowed by " + job.hop.origin() + "/robots.txt");
    }
    job.crawl_delay = robots.rules.crawl_delay().value_or(milliseconds(0));
    Enqueue(job);
  }

  // Fetched like any hop of the same host: same limits, the parent's guard
  // check and pin reused; its own redirects are admitted hop by hop.
  void StartRobotsFetch(const Job& parent) {
    auto job = std::make_unique<Job>();
    job->id = next_id_++;
    job->is_robots = true;
    job->url = parent.hop.scheme() + "://" + parent.hop.host_for_url() + ":" +
               std::to_string(parent.hop.port()) + "/robots.txt";
    job->request.url = parent.hop.origin();  // the cache key
    job->request.allow_private_addresses = parent.request.allow_private_addresses;
    job->hop_trusted = parent.hop_trusted;
    job->hop_guarded = parent.hop_guarded;
    Result<Url> hop = Url::Parse(job->url);
    if (!hop.ok()) return;  // cannot happen: built from a parsed URL
    job->hop = std::move(*hop);
    job->visited.push_back(job->hop.spec());
    job->pin = parent.pin;
    Job& ref = *job;
    jobs_[ref.id] = std::move(job);
    Enqueue(ref);
  }

  void OnRobotsDone(const Job& robots) {
    const FetchResponse& r = robots.response;
    int status = r.status;
    if (r.error != FetchError::kNone && r.error != FetchError::kHttp &&
        r.error != FetchError::kTooLarge) {
      status = 0;  // unreachable
    }
    const std::string& origin = robots.request.url;
    const RobotsCache::Entry& entry = robots_.Store(origin, status, r.body, product_token_,
                                                    clock_->Now(), RobotsFailureOf(robots));
    RobotsCache::Entry copy = entry;  // Store() may be called again from below
    std::vector<std::uint64_t> waiters = std::move(robots_waiters_[origin]);
    robots_waiters_.erase(origin);
    for (std::uint64_t id : waiters) {
      if (Job* job = Find(id)) ApplyRobots(*job, copy);
    }
  }

  // Why a robots.txt fetch leaves its host disallowed, in the words of the
  // cause: an unreachable host fails its requests with the network's error
  // (connection refused, DNS failure, …), not as a robots.txt refusal.
  static std::optional<RobotsFailure> RobotsFailureOf(const Job& robots) {
    const FetchResponse& r = robots.response;
    const std::string where = " (reading " + SafeUrl(robots.hop.spec()) + ")";
    if (r.error != FetchError::kNone && r.error != FetchError::kHttp &&
        r.error != FetchError::kTooLarge)
      return RobotsFailure{r.error, robots.cause + where};
    if (r.status == 429 || r.status >= 500 || (r.status >= 300 && r.status < 400))
      return RobotsFailure{FetchError::kRobots,
                           "robots.txt answered HTTP status " + std::to_string(r.status) +
                               ": the site counts as disallowed for now (RFC 9309)" + where};
    return std::nullopt;
  }

  // --- transfers ---

  void Enqueue(Job& job) { limiter_.Enqueue(job.hop.host(), job.id, job.crawl_delay); }

  // A host whose Retry-After was not waited for is not asked again before it.
  bool FailIfHostBlocked(Job& job) {
    auto blocked = blocked_until_.find(job.hop.host());
    if (blocked == blocked_until_.end() || job.is_robots) return false;
    if (blocked->second <= clock_->Now()) {
      blocked_until_.erase(blocked);
      return false;
    }
    job.response.status = 429;
    job.response.retry_at = blocked->second;
    Fail(job, FetchError::kHttp,
         "HTTP status 429 earlier in this pass: not fetched: " + job.hop.host() +
             " asked to wait until " + FormatIso8601(blocked->second) + " (Retry-After)");
    return true;
  }

  void StartTransfer(HostLimiter::Id id, const std::string& host) {
    Job* job = Find(id);
    if (!job) return limiter_.Finished(host);  // cancelled between admission and start
    if (FailIfHostBlocked(*job)) return limiter_.Finished(host);
    job->holds_slot = true;
    job->slot_host = host;
    ++job->response.attempts;
    const FetchRequest& req = job->request;
    if (job->is_robots) {
      FetcherOptions options = options_;
      options.max_body_bytes = std::min(options.max_body_bytes, kRobotsMaxBytes);
      job->transfer =
          std::make_unique<Transfer>(handles_, options, job->hop.spec(), job->pin, "", "");
    } else {
      job->transfer = std::make_unique<Transfer>(handles_, options_, job->hop.spec(), job->pin,
                                                 req.etag, req.last_modified);
    }
    // libcurl reuses a connection by host and port, whatever address it went
    // to: a guard-checked hop must never ride one that a trusted request
    // opened (maybe to a private address), so those hops have a connection
    // cache of their own.
    job->driver = job->hop_guarded ? &guarded_driver_ : &driver_;
    Status s = job->driver->Add(job->transfer->easy(),
                                [this, id](CURLcode rc) { OnTransferDone(id, rc); });
    if (!s.ok()) {
      ReleaseSlot(*job);
      Fail(*job, FetchError::kNetwork, s.message());
    }
  }

  void ReleaseSlot(Job& job) {
    if (!job.holds_slot) return;
    job.holds_slot = false;
    limiter_.Finished(job.slot_host);
  }

  void OnTransferDone(std::uint64_t id, CURLcode rc) {
    Job* found = Find(id);
    if (!found) return;
    Job& job = *found;
    ReleaseSlot(job);
    Transfer& t = *job.transfer;
    FetchError error = t.Classify(rc);
    if (error == FetchError::kTooLarge && job.is_robots)
      error = FetchError::kNone;  // parse the head
    if (error != FetchError::kNone) return OnTransferFailed(job, error, t.Describe(rc));
    int status = t.status();
    std::string location = t.Header("location");
    if (IsRedirect(status) && !location.empty()) return FollowRedirect(job, location);
    if (status == 429 || status >= 500) return OnRetryableStatus(job, status);
    Complete(job);
  }

  void OnTransferFailed(Job& job, FetchError error, const std::string& what) {
    bool transient = error == FetchError::kConnect || error == FetchError::kNetwork;
    milliseconds wait = BackoffDelay(job.response.attempts, job.hop.host());
    if (transient && job.response.attempts <= options_.max_retries && !job.is_robots) {
      return Retry(job, wait);
    }
    if (transient || error == FetchError::kDns || error == FetchError::kTimeout) {
      job.response.retry_at = clock_->Now() + wait;
    }
    if (error == FetchError::kTooLarge) job.transfer->body().clear();
    Fail(job, error, what);
  }

  void FollowRedirect(Job& job, const std::string& location) {
    if (static_cast<int>(job.visited.size()) > options_.max_redirects) {
      return Fail(job, FetchError::kTooManyRedirects,
                  "more than " + std::to_string(options_.max_redirects) + " redirects");
    }
    Result<std::string> next = job.hop.Resolve(location);
    if (!next.ok()) return Fail(job, FetchError::kBadUrl, "redirect to an unparseable location");
    job.transfer.reset();
    job.url = std::move(*next);
    job.hop_trusted = false;  // every hop is discovered
    job.crawl_delay = milliseconds(0);
    Admit(job);
  }

  void OnRetryableStatus(Job& job, int status) {
    Clock::TimePoint now = clock_->Now();
    std::optional<milliseconds> retry_after =
        ParseRetryAfter(job.transfer->Header("retry-after"), now);
    if (retry_after && *retry_after > options_.retry_after_max) {
      job.status_note = " (Retry-After " + DurationText(*retry_after) +
                        " capped at retry_after_max " + DurationText(options_.retry_after_max) +
                        ")";
      retry_after = options_.retry_after_max;
    }
    milliseconds wait =
        retry_after ? *retry_after : BackoffDelay(job.response.attempts, job.hop.host());
    bool may_wait = job.response.attempts <= options_.max_retries && wait <= kMaxRetryWait &&
                    (options_.wait_for_retry_after || !retry_after) && !job.is_robots;
    if (may_wait) return Retry(job, wait);
    job.response.retry_at = now + wait;
    if (retry_after) blocked_until_[job.hop.host()] = now + wait;
    (void)status;
    Complete(job);
  }

  void Retry(Job& job, milliseconds wait) {
    job.transfer.reset();
    limiter_.HoldHost(job.hop.host(), SteadyClock::now() + wait);
    Enqueue(job);
  }

  void Complete(Job& job) {
    Transfer& t = *job.transfer;
    FetchResponse& r = job.response;
    r.status = t.status();
    r.headers = t.headers();
    r.content_type = t.Header("content-type");
    r.etag = t.Header("etag");
    r.last_modified = t.Header("last-modified");
    r.not_modified = r.status == 304;
    if (!r.not_modified) r.body = std::move(t.body());
    if (r.status >= 400) {
      r.error = FetchError::kHttp;
      r.error_message =
          SafeUrl(job.hop.spec()) + ": HTTP status " + std::to_string(r.status) + job.status_note;
    }
    Finish(job);
  }

  void Fail(Job& job, FetchError error, const std::string& what) {
    if (job.transfer && job.transfer->status() != 0) job.response.status = job.transfer->status();
    job.response.error = error;
    job.response.error_message = SafeUrl(job.url) + ": " + what;
    job.cause = what;
    Finish(job);
  }

  void Finish(Job& job) {
    job.response.url = job.request.url;
    // The last admitted hop: a refused hop (maybe a meeting link) is never named.
    job.response.final_url = job.hop.spec().empty() ? job.request.url : job.hop.spec();
    job.response.total_time =
        std::chrono::duration_cast<milliseconds>(SteadyClock::now() - job.started);
    auto it = jobs_.find(job.id);
    std::unique_ptr<Job> owned = std::move(it->second);
    jobs_.erase(it);
    if (owned->transfer) owned->driver->Remove(owned->transfer->easy());
    ReleaseSlot(*owned);
    if (owned->is_robots) return OnRobotsDone(*owned);
    Deliver(*owned);
  }

  // Handlers are posted: never called inside Fetch() or CancelAll().
  void Deliver(Job& job) {
    asio::post(io_, [done = std::move(job.done), response = std::move(job.response)]() mutable {
      if (done) done(std::move(response));
    });
  }

  asio::io_context& io_;
  FetcherOptions options_;
  std::function<bool(std::string_view)> is_meeting_url_;
  std::unique_ptr<Resolver> own_resolver_;
  Resolver* resolver_;
  Clock* clock_;
  std::string product_token_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  RobotsCache robots_;
  std::unordered_map<std::string, std::vector<std::uint64_t>> robots_waiters_;
  // Hosts whose Retry-After was not waited for (wait_for_retry_after = false).
  std::unordered_map<std::string, Clock::TimePoint> blocked_until_;
  EasyHandlePool handles_;   // before the drivers and jobs_: outlives them
  CurlAsio driver_;          // trusted hops, and hops whose guard is lifted
  CurlAsio guarded_driver_;  // guard-checked hops: never a trusted hop's connection
  HostLimiter limiter_;
  std::unordered_map<std::uint64_t, std::unique_ptr<Job>> jobs_;
  std::uint64_t next_id_ = 1;
};

}  // namespace
}  // namespace meetleak::crawler_internal

namespace meetleak {

std::unique_ptr<Fetcher> NewCurlFetcher(boost::asio::io_context& io, FetcherOptions options,
                                        std::function<bool(std::string_view url)> is_meeting_url,
                                        Resolver* resolver, Clock* clock, HostGate* gate) {
  return std::make_unique<crawler_internal::CurlFetcher>(
      io, std::move(options), std::move(is_meeting_url), resolver, clock, gate);
}

}  // namespace meetleak
