#include "crawler/transfer.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/ascii.h"

namespace meetleak::crawler_internal {
EasyHandlePool::~EasyHandlePool() {
  for (CURL* e : spare_) curl_easy_cleanup(e);
}

CURL* EasyHandlePool::Take() {
  if (spare_.empty()) return curl_easy_init();
  CURL* e = spare_.back();
  spare_.pop_back();
  curl_easy_reset(e);
  return e;
}

void EasyHandlePool::Give(CURL* easy) {
  if (easy == nullptr) return;
  if (spare_.size() < kMaxSpare)
    spare_.push_back(easy);
  else
    curl_easy_cleanup(easy);
}

Transfer::Transfer(EasyHandlePool& pool, const FetcherOptions& o, const std::string& url,
                   const std::string& pin, const std::string& etag,
                   const std::string& last_modified)
    : pool_(pool), easy_(pool.Take()), body_cap_(o.max_body_bytes) {
  CURL* e = easy_;
  curl_easy_setopt(e, CURLOPT_URL, url.c_str());
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);  // each hop is re-admitted by the fetcher
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(o.timeout_s) * 1000L);
  curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, o.low_speed_bytes);
  curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, static_cast<long>(o.low_speed_s));
  curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");  // every encoding libcurl can undo
  curl_easy_setopt(e, CURLOPT_USERAGENT, o.user_agent.c_str());
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, o.verify_tls ? 1L : 0L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, o.verify_tls ? 2L : 0L);
  if (!o.ca_bundle.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, o.ca_bundle.c_str());
  if (!o.proxy.empty()) curl_easy_setopt(e, CURLOPT_PROXY, o.proxy.c_str());
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, error_);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &Transfer::OnBody);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, this);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &Transfer::OnHeader);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, this);
  if (!etag.empty()) {
    request_headers_ = curl_slist_append(request_headers_, ("If-None-Match: " + etag).c_str());
  }
  if (!last_modified.empty()) {
    request_headers_ =
        curl_slist_append(request_headers_, ("If-Modified-Since: " + last_modified).c_str());
  }
  if (request_headers_) curl_easy_setopt(e, CURLOPT_HTTPHEADER, request_headers_);
  if (!pin.empty()) {
    resolve_ = curl_slist_append(resolve_, pin.c_str());
    curl_easy_setopt(e, CURLOPT_RESOLVE, resolve_);
  }
}

Transfer::~Transfer() {
  pool_.Give(easy_);
  curl_slist_free_all(request_headers_);
  curl_slist_free_all(resolve_);
}

int Transfer::status() const {
  long code = 0;
  curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &code);
  return static_cast<int>(code);
}

std::string Transfer::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers_) {
    if (name == lower_name) return value;
  }
  return "";
}

size_t Transfer::OnBody(char* data, size_t size, size_t count, void* userp) {
  auto* self = static_cast<Transfer*>(userp);
  size_t n = size * count;
  if (self->body_.empty()) {  // one allocation for the usual body, never past the cap
    curl_off_t length = -1;
    curl_easy_getinfo(self->easy_, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
    if (length > 0)
      self->body_.reserve(static_cast<size_t>(std::min<curl_off_t>(length, self->body_cap_)));
  }
  if (static_cast<long long>(self->body_.size()) + static_cast<long long>(n) > self->body_cap_) {
    self->too_large_ = true;
    return 0;  // aborts with CURLE_WRITE_ERROR
  }
  self->body_.append(data, n);
  return n;
}

size_t Transfer::OnHeader(char* data, size_t size, size_t count, void* userp) {
  auto* self = static_cast<Transfer*>(userp);
  std::string_view line(data, size * count);
  if (line.substr(0, 5) == "HTTP/") {  // a new response (after 1xx or a proxy's CONNECT)
    self->headers_.clear();
    return size * count;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return size * count;
  std::string name = ascii::Lower(ascii::Trim(line.substr(0, colon)));
  if (self->headers_.size() < 500) {
    self->headers_.emplace_back(std::move(name), std::string(ascii::Trim(line.substr(colon + 1))));
  }
  return size * count;
}

FetchError Transfer::Classify(CURLcode rc) const {
  switch (rc) {
    case CURLE_OK:
      return FetchError::kNone;
    case CURLE_WRITE_ERROR:
      return too_large_ ? FetchError::kTooLarge : FetchError::kNetwork;
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
      return FetchError::kBadUrl;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return FetchError::kDns;
    case CURLE_COULDNT_CONNECT:
      return FetchError::kConnect;
    case CURLE_OPERATION_TIMEDOUT:
      return FetchError::kTimeout;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ENGINE_INITFAILED:
      return FetchError::kTls;
    default:
      return FetchError::kNetwork;
  }
}

std::string Transfer::Describe(CURLcode rc) const {
  if (too_large_) {
    return "decoded body over max_body_bytes (" + std::to_string(body_cap_) + ")";
  }
  std::string text = error_[0] ? error_ : curl_easy_strerror(rc);
  // The cause first, in the words of the design's exit-codes paragraph;
  // libcurl's own line follows where it adds something.
  switch (Classify(rc)) {
    case FetchError::kConnect: {
      long os_errno = 0;
      curl_easy_getinfo(easy_, CURLINFO_OS_ERRNO, &os_errno);
      if (os_errno == ECONNREFUSED) return "connection refused";
      if (os_errno != 0) return "cannot connect: " + std::string(std::strerror(os_errno));
      return "cannot connect: " + text;
    }
    case FetchError::kDns:
      return "DNS failure: " + text;
    case FetchError::kTls:
      return "TLS: " + text;
    case FetchError::kTimeout:
      return "timeout: " + text;
    case FetchError::kNetwork:
      return "network error: " + text;
    default:
      return text;
  }
}

}  // namespace meetleak::crawler_internal
