// The real Fetcher: libcurl's multi_socket API on one Boost.Asio io_context.
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
// cancels what is in flight (their handlers get kCancelled). See fetcher.h for
// the policy applied to every request; in detail, per hop:
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
#ifndef MEETLEAK_CRAWLER_CURL_FETCHER_H_
#define MEETLEAK_CRAWLER_CURL_FETCHER_H_

#include <functional>
#include <memory>
#include <string_view>

#include "base/clock.h"
#include "crawler/address_guard.h"
#include "crawler/asio.h"
#include "crawler/fetcher.h"

namespace meetleak {

// Longest Retry-After / back-off the fetcher waits inside one Fetch(); a
// longer one returns the response with retry_at instead.
inline constexpr std::chrono::seconds kMaxRetryWait{120};

// `is_meeting_url` may be empty (then only Zoom hosts are refused).
// `resolver` (null: the system resolver) and `clock` (null: SystemClock(),
// used for retry_at and HTTP-date Retry-After) are borrowed and must outlive
// the fetcher.
std::unique_ptr<Fetcher> NewCurlFetcher(boost::asio::io_context& io, FetcherOptions options,
                                        std::function<bool(std::string_view url)> is_meeting_url,
                                        Resolver* resolver = nullptr, Clock* clock = nullptr);

}  // namespace meetleak

#endif  // MEETLEAK_CRAWLER_CURL_FETCHER_H_
