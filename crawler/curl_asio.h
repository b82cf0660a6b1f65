// CurlAsio: libcurl's multi_socket API driven by one Boost.Asio io_context.
// Internal to crawler/.
//
//   boost::asio::io_context io;
//   CurlAsio driver(io);
//   CURL* easy = curl_easy_init();  /* set URL and options */
//   driver.Add(easy, [](CURLcode rc) { /* transfer over; easy is removed */ });
//   io.run();
//
// Everything runs on the io_context's thread; there is no thread per transfer
// and no polling loop. The traps curl's own (deleted) Asio example fell into,
// and what this module does about each:
//  - a socket wait is one-shot: after every event the wait is re-armed while
//    libcurl still wants the socket (and data left unread in the kernel is
//    noticed by a zero-timeout poll, because Asio's epoll is edge-triggered);
//  - libcurl's timer callback never calls back into libcurl: the expiry is
//    scheduled on the io_context (0 ms included) and acted on from there;
//  - the socket callback also sees descriptors libcurl opened itself (the
//    threaded resolver's socketpair): they are watched, never closed;
//  - a CURL_POLL_REMOVE is not a close: the transfer sockets are opened and
//    closed here (CURLOPT_OPENSOCKETFUNCTION / CURLOPT_CLOSESOCKETFUNCTION);
//    on close the descriptor is released from Asio first, so it is closed
//    exactly once; a removed socket may be re-added (connection reuse);
//  - curl_multi_info_read is drained after every action, and completion
//    callbacks run only after the drain, outside any libcurl call.
//
// Ownership: easy handles stay the caller's; Add() borrows one until its
// `done` runs or Remove() is called. CurlAsio must be destroyed before its
// io_context; destroying it stops every transfer without calling `done`.
#ifndef MEETLEAK_CRAWLER_CURL_ASIO_H_
#define MEETLEAK_CRAWLER_CURL_ASIO_H_

#include <curl/curl.h>

#include <cstdint>
#include <functional>
#include <memory>

#include "base/asio.h"
#include "base/status.h"

namespace meetleak::crawler_internal {

class CurlAsio {
 public:
  using Done = std::function<void(CURLcode result)>;

  // Counters that tests use to see each trap handled.
  struct Stats {
    std::int64_t sockets_opened = 0;   // by our OPENSOCKETFUNCTION
    std::int64_t sockets_closed = 0;   // by our CLOSESOCKETFUNCTION
    std::int64_t foreign_sockets = 0;  // descriptors libcurl opened itself and asked us to watch
    std::int64_t readds = 0;           // a removed socket watched again (connection reuse)
    std::int64_t zero_ms_timers = 0;   // timer callbacks asking for "now"
    std::int64_t socket_events = 0;    // readiness events acted on
    std::int64_t multi_errors = 0;     // CURLM error codes (e.g. a recursive API call)
    std::int64_t completed = 0;        // messages drained from curl_multi_info_read
  };

  // `max_connections`: idle connections kept for reuse (CURLMOPT_MAXCONNECTS);
  // 0 leaves libcurl's default, four per handle currently added, which
  // closes connections whenever fewer transfers happen to be running.
  explicit CurlAsio(boost::asio::io_context& io, long max_connections = 0);
  ~CurlAsio();
  CurlAsio(const CurlAsio&) = delete;
  CurlAsio& operator=(const CurlAsio&) = delete;

  // Installs the socket open/close callbacks on `easy` and starts it. `done`
  // runs once on the io thread when the transfer ends (never inside Add()),
  // after `easy` has been removed from the multi handle.
  Status Add(CURL* easy, Done done);

  // Stops a transfer without calling its `done`. Unknown handles are ignored.
  void Remove(CURL* easy);

  std::size_t active() const;
  const Stats& stats() const;
  CURLM* multi() const;  // for multi options such as CURLMOPT_MAX_TOTAL_CONNECTIONS

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace meetleak::crawler_internal

#endif  // MEETLEAK_CRAWLER_CURL_ASIO_H_
