// Transfer: one HTTP exchange on one libcurl easy handle, internal to crawler/.
//
// Sets every per-request limit of FetcherOptions on the handle (timeout,
// low-speed abort, http/https only, no automatic redirects, TLS verification,
// CA bundle, proxy, User-Agent, transparent decompression), collects the
// final response's headers and the decoded body, and stops the transfer
// once the decoded body would exceed the cap (so compression bombs are cut).
#ifndef MEETLEAK_CRAWLER_TRANSFER_H_
#define MEETLEAK_CRAWLER_TRANSFER_H_

#include <curl/curl.h>

#include <string>
#include <utility>
#include <vector>

#include "crawler/fetcher.h"

namespace meetleak::crawler_internal {

// Easy handles kept for the next transfer: curl_easy_reset() clears the
// options but keeps a handle's buffers, so a crawl allocates them once rather
// than per request (libcurl's advice for many transfers). Single-threaded, like
// the fetcher that owns it; it must outlive the transfers taken from it.
class EasyHandlePool {
 public:
  EasyHandlePool() = default;
  ~EasyHandlePool();
  EasyHandlePool(const EasyHandlePool&) = delete;
  EasyHandlePool& operator=(const EasyHandlePool&) = delete;

  CURL* Take();           // a handle in its initial state; null when libcurl has no memory
  void Give(CURL* easy);  // back for reuse (kept up to kMaxSpare), removed from any multi

  static constexpr std::size_t kMaxSpare = 256;

 private:
  std::vector<CURL*> spare_;
};

class Transfer {
 public:
  // `pin` is a CURLOPT_RESOLVE entry ("host:port:addr,addr") or empty. The
  // easy handle comes from `pool` and goes back to it.
  Transfer(EasyHandlePool& pool, const FetcherOptions& options, const std::string& url,
           const std::string& pin, const std::string& etag, const std::string& last_modified);
  ~Transfer();
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;

  CURL* easy() const { return easy_; }
  int status() const;  // 0 when no response arrived
  const std::vector<std::pair<std::string, std::string>>& headers() const { return headers_; }
  std::string Header(std::string_view lower_name) const;  // "" when absent
  std::string& body() { return body_; }
  bool too_large() const { return too_large_; }

  // The error a finished transfer's result stands for (kNone for CURLE_OK).
  FetchError Classify(CURLcode result) const;
  // One line describing the failure (no URL: callers add a redacted one).
  std::string Describe(CURLcode result) const;

 private:
  static size_t OnBody(char* data, size_t size, size_t count, void* userp);
  static size_t OnHeader(char* data, size_t size, size_t count, void* userp);

  EasyHandlePool& pool_;
  CURL* easy_;
  curl_slist* request_headers_ = nullptr;
  curl_slist* resolve_ = nullptr;
  long long body_cap_;
  bool too_large_ = false;
  std::string body_;
  std::vector<std::pair<std::string, std::string>> headers_;
  char error_[CURL_ERROR_SIZE] = {};
};

}  // namespace meetleak::crawler_internal

#endif  // MEETLEAK_CRAWLER_TRANSFER_H_
