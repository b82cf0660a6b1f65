// Fetcher: requests in, responses out through a completion handler.
//
//   boost::asio::io_context io;
//   auto fetcher = NewCurlFetcher(io, options,   // below
//       [&](std::string_view url) { return matcher.IsMeetingUrl(url); });
//   fetcher->Fetch(request, [](FetchResponse r) { ... });  // on io's thread
//   io.run();
//
// The real fetcher drives libcurl's multi_socket API from one io_context: many
// transfers on one thread, connections reused, no thread per request, no
// polling loop. Fetch() and the handler run on the io_context's thread; the
// handler is called exactly once per request, also on cancellation, and is
// always posted to the io_context (never called inside Fetch/CancelAll).
//
// Policy applied to every request, in this order, before any connection:
// only http/https; never a Zoom host nor a URL the Matcher recognizes as a
// meeting reference (kRefusedZoom, before any DNS lookup); for a discovered
// URL (request.trusted == false) the address guard: resolve, refuse
// loopback/private/link-local/CGNAT/multicast/unspecified/IPv4-mapped forms,
// then connect pinned to the checked address; robots.txt (unless disabled;
// its own fetch goes through the guard of the URL that needed it, so the
// guard comes first). Redirects are followed one hop at a time, each hop
// discovered. The real one is NewCurlFetcher's, below.
#ifndef MEETLEAK_CRAWLER_FETCHER_H_
#define MEETLEAK_CRAWLER_FETCHER_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/asio.h"
#include "base/clock.h"
#include "base/status.h"

namespace meetleak {

// The [crawler] section of the config; each default is the design's.
struct FetcherOptions {
  int concurrency = 32;                   // transfers in flight, all hosts
  int per_host = 2;                       // transfers in flight to one host
  int delay_ms = 1000;                    // least gap between two request starts to one host
  int timeout_s = 20;                     // whole transfer
  long low_speed_bytes = 100;             // abort when slower than this (bytes/s) …
  int low_speed_s = 10;                   // … for this long
  long long max_body_bytes = 10'000'000;  // decoded body cap (compression bombs too)
  int max_redirects = 5;
  int max_retries = 3;  // on 429/5xx/network errors, with backoff
  // Longer Retry-After values are cut to this (the source's error says so):
  // one reply must not block a host for years.
  std::chrono::milliseconds retry_after_max = std::chrono::hours(24);
  // A feed or sitemap yields at most this many URLs to follow (the sitemap
  // protocol's own limit); the rest are counted, not fetched. Read by the
  // Crawler (CrawlerOptions), kept here with the rest of [crawler].
  int max_urls_per_document = 50'000;
  bool respect_robots = true;
  bool verify_tls = true;
  std::string ca_bundle;  // "" = the system's
  std::string proxy;      // "" = libcurl's environment variables
  std::string user_agent = "meetleak/0.1.0 (+https://github.com/meetleak/meetleak)";
  bool allow_private_addresses = false;  // lifts the address guard for every request
  bool wait_for_retry_after = true;      // false: do not wait past a pass; report retry_at
};

struct FetchRequest {
  std::string url;
  bool trusted = false;                  // a configured source or the scan target
  bool allow_private_addresses = false;  // this request only (a source's setting)
  std::string etag;                      // conditional GET when non-empty
  std::string last_modified;
};

enum class FetchError {
  kNone,
  kBadUrl,        // unparseable, or not http/https (also a redirect to one)
  kRefusedZoom,   // a Zoom host or a meeting reference: never fetched
  kRefusedGuard,  // resolves to a private/loopback/… address
  kRobots,        // disallowed by robots.txt
  kDns,
  kConnect,
  kTls,
  kTimeout,   // total timeout or low-speed abort
  kTooLarge,  // decoded body over max_body_bytes
  kTooManyRedirects,
  kHttp,     // a final 4xx/5xx status (status holds it)
  kNetwork,  // any other transfer failure (reset, closed mid-body, …)
  kCancelled,
};

std::string_view ToString(FetchError error);  // "dns", "connect", "tls", …

struct FetchResponse {
  std::string url;  // as requested
  // After redirects, fragment removed. On failure: the last hop that passed
  // the scheme and Zoom checks (a refused meeting link is never named here).
  std::string final_url;
  int status = 0;             // final HTTP status, 0 if none
  bool not_modified = false;  // 304 to a conditional request; body empty
  std::vector<std::pair<std::string, std::string>> headers;  // final response, names lower-case
  std::string content_type, etag, last_modified;
  std::string body;  // decoded (gzip/deflate/br undone)
  FetchError error = FetchError::kNone;
  std::string error_message;  // one line naming the URL and what failed; no secrets
  // When the URL may be tried again (Retry-After or backoff); set on 429/5xx
  // and network errors.
  std::optional<std::chrono::system_clock::time_point> retry_at;
  int attempts = 0;
  std::chrono::milliseconds total_time{0};
  bool ok() const { return error == FetchError::kNone; }
};

class Fetcher {
 public:
  using Handler = std::function<void(FetchResponse)>;
  virtual ~Fetcher() = default;
  virtual void Fetch(FetchRequest request, Handler done) = 0;
  // Abort every queued and running transfer (their handlers get kCancelled).
  virtual void CancelAll() = 0;
  // Cancel the requests that are not transferring yet (waiting for a host
  // slot, a delay, robots.txt, a resolver or a retry); running transfers
  // finish. Their handlers get kCancelled. Used to stop a pass promptly.
  virtual void CancelWaiting() = 0;
};

// Name resolution, injectable so tests can count calls and plant answers.
class Resolver {
 public:
  // Textual addresses ("93.184.216.34", "2606:2800::1"), or kUnavailable.
  using Callback = std::function<void(Result<std::vector<std::string>>)>;
  virtual ~Resolver() = default;
  // Resolves `host` (a name, never an IP literal). `done` is called exactly
  // once, on the io_context's thread, never inside Resolve().
  virtual void Resolve(const std::string& host, Callback done) = 0;
};

// HostGate: politeness shared with other processes — several `meetleak run`
// workers over one database (db/leases.h's host leases; the crawler knows
// nothing of the database). Before a request to a host it has not cleared
// yet, the fetcher asks the gate: a host another process holds is not
// fetched, its requests wait and the fetcher asks again at `retry_at`; a
// host that is this process's carries when another process last started a
// request to it (the host's delay counts from there) and its back-off.
// Called on the fetcher's thread; it may block briefly (a database read).
class HostGate {
 public:
  using TimePoint = std::chrono::system_clock::time_point;
  struct Answer {
    bool ours = false;
    TimePoint retry_at{};    // not ours: ask again then
    TimePoint last_start{};  // ours: another process's last request start (epoch: none)
    TimePoint held_until{};  // ours: back-off after a 429/5xx another process saw
  };
  virtual ~HostGate() = default;
  virtual Answer Ask(const std::string& host) = 0;
  // The fetcher holds `host` until `until` (429/5xx back-off): the next
  // process to hold the host honours it too.
  virtual void HeldUntil(const std::string& host, TimePoint until) = 0;
  // A host Ask() said was ours is idle here: nothing runs or waits for it
  // and its delay and back-off have passed. The fetcher asks again before
  // its next start to it, so the gate may give it back meanwhile.
  virtual void Idle(const std::string& /*host*/) {}
};

// NewCurlFetcher: the real Fetcher, libcurl's multi_socket API on one
// Boost.Asio io_context.
//
//   boost::asio::io_context io;
//   Matcher matcher;
//   auto fetcher = NewCurlFetcher(io, options,
//       [&](std::string_view url) { return matcher.IsMeetingUrl(url); });
//   fetcher->Fetch({.url = "https://example.org/feed.xml", .trusted = true},
//                  [](FetchResponse r) { ... });
//   io.run();
//
// Everything (Fetch, handlers, resolver callbacks) runs on `io`'s thread; the
// fetcher is not thread-safe. It must be destroyed before `io`; destroying it
// cancels what is in flight (their handlers get kCancelled). The policy at
// the top of this header, in detail, per hop:
//  1. scheme http/https, else kBadUrl;
//  2. a Zoom host (IsZoomHost) or a URL `is_meeting_url` accepts: kRefusedZoom,
//     before any resolver call; the message names the host only;
//  3. for a discovered hop (not trusted, private addresses not allowed): the
//     address guard (resolve through `resolver`, refuse forbidden addresses,
//     pin the fetch with CURLOPT_RESOLVE); with a proxy, IP literals and the
//     names that resolve locally are checked and nothing is pinned;
//  4. robots.txt of the hop's origin (fetched once per origin through the
//     same limits, cached; respect_robots = false skips it);
//  5. the host limiter: global and per-host concurrency, per-host delay
//     (max of delay_ms and Crawl-delay) and back-off;
//  6. the transfer; a 3xx with Location becomes the next hop (at most
//     max_redirects), 429/5xx and connection/network failures are retried up
//     to max_retries after a back-off (Retry-After when given, else
//     exponential with per-host jitter; the host is held meanwhile). With
//     wait_for_retry_after = false, a Retry-After is not waited for: the
//     response comes back at once with retry_at set, and later requests to
//     that host are not sent before then either (kHttp, status 429, the same
//     retry_at, "not fetched" in the message). A final 429/5xx or network
//     failure always carries retry_at.
//  timeout_s bounds each attempt of each hop; allow_private_addresses (of
//  the options or the request) lifts the guard for every hop of a request.
//
// Longest Retry-After / back-off the fetcher waits inside one Fetch(); a
// longer one returns the response with retry_at instead.
inline constexpr std::chrono::seconds kMaxRetryWait{120};

// `is_meeting_url` may be empty (then only Zoom hosts are refused).
// `resolver` (null: the system resolver), `clock` (null: SystemClock(),
// used for retry_at and HTTP-date Retry-After) and `gate` (null: this
// process alone minds the hosts) are borrowed and must outlive the fetcher.
std::unique_ptr<Fetcher> NewCurlFetcher(boost::asio::io_context& io, FetcherOptions options,
                                        std::function<bool(std::string_view url)> is_meeting_url,
                                        Resolver* resolver = nullptr, Clock* clock = nullptr,
                                        HostGate* gate = nullptr);

}  // namespace meetleak

#endif  // MEETLEAK_CRAWLER_FETCHER_H_
